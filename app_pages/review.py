"""Review: code frequencies, coding progress, agreement between coders (with unitizing alpha),
review tasks (sign-off, change requests, changes since), two coders side by side, comments and the
audit trail."""

import math
from collections.abc import Mapping
from typing import Any, Literal

import pandas as pd
import streamlit as st

from qualcode.analysis.agreement import LEVELS, OVERALL, compute_agreement
from qualcode.files.charts import bar_chart, chart_png
from qualcode.i18n import catalogue
from qualcode.read import entities as read_entities
from qualcode.read.codes import label as code_label
from qualcode.read.frame import coding_frame
from qualcode.read.measures import code_breakdown, coding_coverage
from qualcode.read.tables import code_table
from qualcode.review.comments import add_comment, comment_threads, set_comment_status
from qualcode.review.queries import audit_choices, audit_trail
from qualcode.review.reliability import unitizing_agreement
from qualcode.review.side_by_side import side_by_side
from qualcode.review.workflow import (
    REVIEWER_ROLES,
    REVIEWER_STATUSES,
    awaiting,
    changes_since,
    mark_review,
    review_history,
    review_state,
)
from qualcode.services import documents as document_service
from qualcode.ui import runner, state
from qualcode.ui.markup import code, literal
from qualcode.ui.shell import PageContext
from qualcode.ui.state import tr, tr_plain
from qualcode.workspace import document_units, window_of_offset, windows

MAX_DISAGREEMENTS = 60
TOP_CODES = 25
VERDICT_COLOURS: dict[str, Literal["normal", "off", "inverse"]] = {"reliable": "normal", "tentative": "off"}


st.title(tr("nav.review"))
page = PageContext(state.require_project(), state.user_id(), state.lang())
pid, lang = page.project_id, page.lang
ss = st.session_state

with state.reading() as session:
    member_roles = read_entities.members(session, pid)
    members = [(u.id, u.display_name, u.login) for u, _ in member_roles]
    my_role = next((role for u, role in member_roles if u.id == state.user_id()), None)
    documents = [(d.id, d.title) for d in read_entities.list_documents(session, pid)]


def coded_frame() -> tuple[pd.DataFrame, dict[str, str]]:
    """Every coding with its coder (and each code key's label): read by the tabs that need it, once a run."""
    if "codings" not in _run:
        with state.reading() as session:
            frame = coding_frame(session, pid, detail=True, speakers=False, lang=lang)
        _run["codings"] = (frame, frame.drop_duplicates("code_key").set_index("code_key")["code"].to_dict())
    return _run["codings"]


_run: dict[str, Any] = {}  # what this run has read (the page's script runs afresh on every rerun)

# Only the open tab's body runs (agreement and the audit trail are costly).
tab_freq, tab_progress, tab_agree, tab_tasks, tab_side, tab_comments, tab_audit = state.tabs(
    "review_tab",
    [tr("review.tab_frequencies"), tr("review.tab_progress"), tr("review.tab_agreement"), tr("review.tab_tasks"),
     tr("review.tab_side"), tr("review.tab_comments"), tr("review.tab_audit")],
)


def md(text: str) -> str:
    """User text shown as Markdown literally (no links, images, emphasis or HTML from a comment)."""
    return literal(text)


def audit_name(prefix: str, name: str) -> str:
    """An audit action, entity or field as the interface names it (``audit.code_add``,
    ``audit_entity.code``, ``audit_field.definition`` ...); one the catalogue lacks shows as recorded."""
    key = f"{prefix}.{name.replace('.', '_')}"
    return tr_plain(key) if key in catalogue(lang) else name


def fmt(value: float, percent: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{100 * value:.1f} %" if percent else f"{value:.3f}"


def open_in_coding(document_id: int, start: int) -> None:
    """Jump to the Coding page at ``start`` in the document, showing every coder's codings."""
    with state.reading() as session:
        units = document_units(session, document_service.get_document(session, document_id))
    ss["coding_doc_id"] = document_id
    ss[f"coding_window_{document_id}"] = window_of_offset(units, windows(units), start)
    ss["coding_view"] = "all"
    st.switch_page("app_pages/coding.py")


def comment_action(act: state.SessionStep) -> bool:
    """One comment action through the runner; the form fields start empty again after it."""
    if not runner.run(act, rerun=False).ok:
        return False
    ss["comment_nonce"] = ss.get("comment_nonce", 0) + 1
    return True


with tab_freq:
    if tab_freq.open:
        by = st.radio(tr("review.by"), ["coder", "document", "group"], format_func=lambda b: tr(f"review.by_{b}"),
                      horizontal=True, key="review_by")
        with state.reading() as session:
            freq = code_breakdown(session, pid, by, lang)
        if freq.empty:
            st.info(tr("review.no_codings"))
        else:
            top = list(dict.fromkeys(freq["code"]))[:TOP_CODES]
            chart = bar_chart(freq[freq["code"].isin(top)], x="sum(codings)", y="code", x_title=tr("review.codings"),
                              y_title=tr("review.code"), sort=top, colour="by", colour_title=tr(f"review.by_{by}"),
                              tooltip=["code", "by", "codings"])
            st.altair_chart(chart, width="stretch")
            st.download_button(tr("display.download_png"), lambda: chart_png(chart), f"codings-by-{by}.png", "image/png",
                               key="review_freq_png", on_click="ignore")
            table = freq.pivot_table(index="code", columns="by", values="codings", aggfunc="sum", fill_value=0)
            table[tr("review.total")] = table.sum(axis=1)
            table = table.rename_axis(index=tr("review.code"), columns=None)  # the row header in the UI language
            st.dataframe(table.sort_values(tr("review.total"), ascending=False), width="stretch")

with tab_progress:
    if tab_progress.open:
        with state.reading() as session:
            progress = coding_coverage(session, pid)
        coded = progress[progress["coder"] != ""]
        if not coded.empty:
            progress_chart = bar_chart(coded, x="percent_coded", y="document", x_title=tr("review.percent_coded"),
                                       y_title=tr("review.document"), sort="ascending", offset="coder", colour="coder",
                                       colour_title=tr("review.coder"), label_limit=320, counts=False,
                                       tooltip=["document", "coder", "codings", "codes", "percent_coded"])
            st.altair_chart(progress_chart, width="stretch")
            st.download_button(tr("display.download_png"), lambda: chart_png(progress_chart), "coding-progress.png",
                               "image/png", key="review_progress_png", on_click="ignore")
        st.dataframe(
            progress.rename(columns={c: tr(f"review.col_{c}") for c in progress.columns}),
            hide_index=True, width="stretch",
        )

with tab_agree:
    if tab_agree.open:
        codings, code_keys = coded_frame()
        st.caption(tr("review.agreement_help"))
        member_ids = [m[0] for m in members]
        names = {m[0]: m[1] for m in members}
        coding_logins = set(codings["coder_login"])
        default_coders = [m[0] for m in members if m[2] in coding_logins]
        coders = st.multiselect(tr("review.coders"), member_ids, default=default_coders, format_func=state.label_of(names),
                                key="agree_coders")
        logins = {m[0]: m[2] for m in members}
        chosen = codings[codings["coder_login"].isin([logins[c] for c in coders])]
        shared = chosen.groupby("document_id")["coder_login"].nunique()
        doc_titles = dict(documents)
        default_docs = [d for d, _ in documents if shared.get(d, 0) >= 2]
        doc_ids = st.multiselect(tr("review.documents"), list(doc_titles), default=default_docs,
                                 format_func=state.label_of(doc_titles), key="agree_docs")
        with state.reading() as session:
            code_rows = code_table(session, pid)
        code_choices = {int(r.id): f"{code_label(r.name_id, r.name_en, r.key, lang)} · {r.key}"
                        for r in code_rows.itertuples()}
        code_ids = st.multiselect(tr("review.codes"), list(code_choices), format_func=state.label_of(code_choices),
                                  key="agree_codes", placeholder=tr("review.codes_all"))
        cols = st.columns(2)
        level = cols[0].selectbox(tr("review.level"), LEVELS, format_func=lambda v: tr(f"review.level_{v}"),
                                  key="agree_level")
        tolerance = cols[1].number_input(tr("review.tolerance"), min_value=0, max_value=500, value=5, step=1,
                                         key="agree_tolerance", disabled=level != "segment")
        if len(coders) < 2:
            st.info(tr("review.need_two_coders"))
        elif not doc_ids:
            st.info(tr("review.need_documents"))
        else:
            with state.reading() as session:
                result = compute_agreement(session, pid, document_ids=doc_ids, code_ids=code_ids or None,
                                           coder_ids=coders, level=level, tolerance=int(tolerance))
                unitizing = unitizing_agreement(session, pid, document_ids=doc_ids, coder_ids=coders,
                                                code_ids=code_ids or None)
            overall = result.summary[result.summary["code"] == OVERALL].iloc[0]
            u_overall = unitizing[unitizing["code"] == OVERALL].iloc[0]
            m = st.columns(5)
            m[0].metric(tr("review.percent_agreement"), fmt(overall["percent_agreement"], percent=True))
            m[1].metric(tr("review.kappa"), fmt(overall["kappa"]) if len(coders) == 2 else tr("review.kappa_two_only"))
            m[2].metric(tr("review.alpha"), fmt(overall["alpha"]))
            m[3].metric(tr("review.u_alpha"), fmt(u_overall["alpha"]), delta=tr(f"review.verdict_{u_overall['verdict']}"),
                        delta_color=VERDICT_COLOURS.get(u_overall["verdict"], "inverse"),
                        delta_arrow="off", help=tr("review.u_alpha_help"))
            m[4].metric(tr("review.units"), int(overall["units"]))
            st.caption(tr("review.thresholds"))
            if level == "segment":
                st.caption(tr("review.segment_note"))
            summary = result.summary.merge(unitizing[["code", "alpha", "verdict"]].rename(
                columns={"alpha": "u_alpha", "verdict": "u_verdict"}), on="code", how="left")
            summary["u_verdict"] = [tr(f"review.verdict_{v}") if isinstance(v, str) else "" for v in summary["u_verdict"]]
            summary = summary.drop(columns="code_id")
            summary["code"] = [tr("review.overall") if k == OVERALL else code_keys.get(k, k) for k in summary["code"]]
            # The figures as the tiles above write them; "–" where one is undefined (kappa beyond two
            # coders, kappa and alpha at segment level): the grid would show a missing number as "None".
            summary["percent_agreement"] = 100 * summary["percent_agreement"]  # one decimal, as the tile
            for figure in ("kappa", "alpha", "u_alpha"):
                summary[figure] = [fmt(v) for v in summary[figure]]
            if len(coders) != 2:
                summary = summary.drop(columns="kappa")
            st.subheader(tr("review.per_code"))
            st.dataframe(
                summary.rename(columns={c: tr(f"review.col_{c}") for c in summary.columns}),
                hide_index=True, width="stretch",
                column_config={tr("review.col_percent_agreement"): st.column_config.NumberColumn(format="%.1f %%"),
                               **{tr(f"review.col_{c}"): st.column_config.TextColumn(alignment="right")
                                  for c in ("kappa", "alpha", "u_alpha")}},
            )
            st.subheader(tr("review.disagreements", count=len(result.disagreements)))
            if result.disagreements.empty:
                st.success(tr("review.no_disagreements"))
            for i, row in enumerate(result.disagreements.head(MAX_DISAGREEMENTS).itertuples()):
                line = st.columns([3, 6, 1], vertical_alignment="center")
                line[0].markdown(f"**{md(row.document)}**  \n{md(code_keys.get(row.code, row.code))}")
                quote = f"> {md(row.text)}  \n" if row.text else ""
                line[1].markdown(quote + tr("review.who", coded=row.coded_by, missing=row.not_coded_by))
                if line[2].button(tr("review.open"), key=f"agree_open_{i}"):
                    open_in_coding(int(row.document_id), int(row.start))
            if len(result.disagreements) > MAX_DISAGREEMENTS:
                st.caption(tr("review.more_disagreements", shown=MAX_DISAGREEMENTS, count=len(result.disagreements)))


def review_action(act: state.SessionStep) -> bool:
    """One review step through the runner (one transaction); the form fields start empty again after it."""
    if not runner.run(act, rerun=False).ok:
        return False
    ss["review_nonce"] = ss.get("review_nonce", 0) + 1
    return True


def target_label(row: Mapping[str, Any]) -> str:
    kind = tr("review.target_document") if row["target"] == "document" else tr("review.target_code")
    return f"{kind}: {row['name']}"


with tab_tasks:
    if tab_tasks.open:
        nonce = ss.get("review_nonce", 0)
        me = state.user_id()
        with state.reading() as session:
            reviews = review_state(session, pid)
            mine = awaiting(session, pid, me) if me is not None else reviews.iloc[0:0]
        st.subheader(tr("review.awaiting", count=len(mine)))
        if mine.empty:
            st.caption(tr("review.awaiting_none"))
        for item in mine.to_dict("records"):
            with st.container(border=True):
                st.markdown(f"**{md(target_label(item))}** · _{tr('review.status_changes_requested')}_  \n"
                            f"{md(item['reviewer'])}: {md(item['comment'])}")
                st.caption(tr("review.changes_count", count=int(item["changes"])))
                reply = st.text_input(tr("review.fixed_comment"), key=f"fixed_text_{item['mark_id']}_{nonce}")
                cols = st.columns(2)
                if cols[0].button(tr("review.mark_fixed"), key=f"fixed_{item['mark_id']}", type="primary"):
                    if review_action(lambda s, it=item, text=reply: mark_review(
                            s, "fixed", actor_id=page.actor, document_id=it["document_id"], code_id=it["code_id"], comment=text)):
                        st.rerun()
                if item["document_id"] is not None and cols[1].button(tr("review.open"), key=f"fixed_open_{item['mark_id']}"):
                    open_in_coding(int(item["document_id"]), 0)

        if my_role in REVIEWER_ROLES:
            with st.expander(tr("review.mark_title"), expanded=True):
                kind = st.radio(tr("review.target"), ["document", "code"], horizontal=True, key="mark_kind",
                                format_func=lambda k: tr(f"review.target_{k}"))
                with state.reading() as session:
                    code_rows = code_table(session, pid)
                if kind == "document":
                    target = st.selectbox(tr("review.target_document"), [d for d, _ in documents],
                                          format_func=state.label_of(dict(documents)), key="mark_document")
                else:
                    code_names = {int(r.id): f"{r.key} · {(r.name_en if lang == 'en' and r.name_en else r.name_id)}"
                                  for r in code_rows.itertuples()}
                    target = st.selectbox(tr("review.target_code"), list(code_names), format_func=state.label_of(code_names),
                                          key="mark_code")
                status = st.selectbox(tr("review.mark_status"), REVIEWER_STATUSES, key="mark_status",
                                      format_func=lambda v: tr(f"review.status_{v}"))
                comment = st.text_area(tr("review.mark_comment"), key=f"mark_comment_{nonce}")
                others = [m for m in members if m[0] != me]
                assignee = st.selectbox(tr("review.assignee"), [None] + [m[0] for m in others], key="mark_assignee",
                                        format_func=lambda u: tr("review.assignee_all") if u is None else dict(
                                            (m[0], m[1]) for m in others)[u])
                if st.button(tr("review.mark_save"), key="mark_save", type="primary", disabled=target is None):
                    ids = {"document_id": target} if kind == "document" else {"code_id": target}
                    if review_action(lambda s: mark_review(s, status, actor_id=page.actor, comment=comment, assignee_id=assignee,
                                                           **ids)):
                        ss["review_saved"] = True
                        st.rerun()
                if ss.pop("review_saved", False):
                    st.success(tr("review.mark_saved"))

        st.subheader(tr("review.state_title"))
        if reviews.empty:
            st.caption(tr("review.state_none"))
        else:
            shown = reviews.assign(target=[target_label(r) for r in reviews.to_dict("records")],
                                   status=[tr(f"review.status_{v}") for v in reviews["status"]])
            st.dataframe(shown[["target", "status", "comment", "reviewer", "assignee", "at", "changes"]].rename(
                columns={c: tr(f"review.col_{c}") for c in shown.columns}), hide_index=True, width="stretch")
            choice = st.selectbox(tr("review.since_target"), list(range(len(reviews))), key="since_target",
                                  format_func=lambda i: target_label(reviews.iloc[i]))
            row = reviews.iloc[choice]
            doc_id, code_id = row["document_id"], row["code_id"]
            with state.reading() as session:
                changed = changes_since(session, pid, row["at"].to_pydatetime(), document_id=doc_id, code_id=code_id)
                history = review_history(session, pid, document_id=doc_id, code_id=code_id)
            st.markdown(f"**{tr('review.since_title', count=len(changed))}**")
            if changed.empty:
                st.caption(tr("review.since_none"))
            else:
                st.dataframe(changed[["at", "user", "action", "code", "start", "end"]].rename(
                    columns={c: tr(f"review.col_{c}") for c in changed.columns}), hide_index=True, width="stretch")
            st.markdown(f"**{tr('review.history_title')}**")
            history = history.assign(status=[tr(f"review.status_{v}") for v in history["status"]])
            st.dataframe(history[["at", "author", "status", "comment", "assignee"]].rename(
                columns={c: tr(f"review.col_{c}") for c in history.columns}), hide_index=True, width="stretch")

with tab_side:
    if tab_side.open:
        codings, code_keys = coded_frame()
        names = {m[0]: m[1] for m in members}
        coding_logins = set(codings["coder_login"])
        side_default = [m[0] for m in members if m[2] in coding_logins][:2]
        side_coders = st.multiselect(tr("review.coders"), [m[0] for m in members], default=side_default,
                                     format_func=state.label_of(names), key="side_coders")
        shared_docs = codings[codings["coder_login"].isin([m[2] for m in members if m[0] in side_coders])]
        doc_choices = [d for d, _ in documents if d in set(shared_docs["document_id"])]
        side_doc = st.selectbox(tr("review.side_document"), doc_choices, format_func=state.label_of(dict(documents)),
                                key="side_doc")
        if len(side_coders) < 2:
            st.info(tr("review.need_two_coders"))
        elif side_doc is not None:
            with state.reading() as session:
                view = side_by_side(session, pid, side_doc, side_coders, ss.get(f"side_window_{side_doc}", 0))
            if view.windows > 1:
                ss[f"side_window_{side_doc}"] = st.number_input(
                    tr("review.side_window", count=view.windows), min_value=1, max_value=view.windows,
                    value=view.window + 1, key=f"side_window_input_{side_doc}") - 1
            st.caption(tr("review.side_help", count=view.differences))
            widths = [4] + [2] * len(view.coders)
            head = st.columns(widths)
            head[0].markdown(f"**{tr('review.side_text')}**")
            for col, name in zip(head[1:], view.coders, strict=True):
                col.markdown(f"**{md(name)}**")
            for row in view.rows:
                line = st.columns(widths, border=bool(row.differences))
                speaker = f"**{md(row.speaker)}** " if row.speaker else ""
                line[0].markdown(f"{speaker}{md(row.text)}")
                for col, margin in zip(line[1:], row.margins, strict=True):
                    for c in margin:
                        mark = {"missing": ":red[●] ", "boundary": ":orange[◐] "}.get(c.difference, "")
                        col.markdown(f"{mark}{code(code_keys.get(c.code, c.code))}  \n{md(c.snippet)}")
                for k, diff in enumerate(row.differences):
                    label = tr(f"review.diff_{diff.kind}", code=md(code_keys.get(diff.code, diff.code)),
                               coded=md(", ".join(diff.coded_by)), missing=md(", ".join(diff.not_coded_by)))
                    if line[0].button(label, key=f"side_diff_{row.number}_{k}", icon=":material/compare_arrows:"):
                        open_in_coding(view.document_id, diff.start)


with tab_comments:
    if tab_comments.open:
        codings, code_keys = coded_frame()
        nonce = ss.get("comment_nonce", 0)
        with st.expander(tr("review.comment_start")):
            coded_docs = [d for d, _ in documents if d in set(codings["document_id"])]
            doc_for_comment = st.selectbox(tr("review.comment_document"), coded_docs, format_func=state.label_of(dict(documents)),
                                           key="comment_doc")
            if doc_for_comment is not None:
                with state.reading() as session:
                    options = {c.id: f"{code_keys.get(c.code.key, c.code.key)} · {c.coder.display_name} · "
                                     f"{c.segment.snippet[:80]}"
                               for c in read_entities.codings_for_document(session, doc_for_comment)}
                target = st.selectbox(tr("review.comment_coding"), list(options), format_func=state.label_of(options),
                                      key="comment_coding")
                body = st.text_area(tr("review.comment_body"), key=f"comment_body_{nonce}")
                if st.button(tr("review.comment_add"), key="comment_add", disabled=target is None):
                    if comment_action(lambda s: add_comment(s, body, coding_id=target, actor_id=page.actor)):
                        st.rerun()
        status = st.radio(tr("review.comment_filter"), ["open", "resolved", "all"],
                          format_func=lambda v: tr(f"review.status_{v}"), horizontal=True, key="comment_status")
        with state.reading() as session:
            comments = comment_threads(session, pid, status=None if status == "all" else status)
        if comments.empty:
            st.info(tr("review.no_comments"))
        for thread_id, thread in comments.groupby("thread", sort=False):
            head = thread.iloc[0]
            with st.container(border=True):
                code_text = f" · {code_keys.get(head['code'], head['code'])} · {head['coder']}" if head["code"] else ""
                status_label = tr(f"review.status_{head['status']}")
                st.markdown(f"**{md(head['document'])}**{md(code_text)} · _{status_label}_  \n"
                            f"> {md(head['snippet'])}")
                for item in thread.itertuples():
                    st.markdown(f"**{md(item.author)}**: {md(item.body)}")
                reply = st.text_input(tr("review.comment_reply"), key=f"comment_reply_{thread_id}_{nonce}")
                buttons = st.columns(3)
                if buttons[0].button(tr("review.comment_send_reply"), key=f"comment_send_{thread_id}"):
                    if comment_action(lambda s, t=int(thread_id), text=reply: add_comment(
                            s, text, parent_id=t, actor_id=page.actor)):
                        st.rerun()
                new_status = "open" if head["status"] == "resolved" else "resolved"
                label = tr("review.comment_reopen") if new_status == "open" else tr("review.comment_resolve")
                if buttons[1].button(label, key=f"comment_status_{thread_id}"):
                    if comment_action(lambda s, t=int(thread_id), v=new_status: set_comment_status(
                            s, t, v, actor_id=page.actor)):
                        st.rerun()
                if buttons[2].button(tr("review.open"), key=f"comment_open_{thread_id}"):
                    open_in_coding(int(head["document_id"]), int(head["start"]))

with tab_audit:
    if tab_audit.open:
        with state.reading() as session:
            actions, entities = audit_choices(session, pid)
        f = st.columns(4)
        users = f[0].multiselect(tr("review.audit_user"), [m[0] for m in members], format_func=lambda u: dict(
            (m[0], m[1]) for m in members)[u], key="audit_users", placeholder=tr("review.all"))
        chosen_actions = f[1].multiselect(tr("review.audit_action"), actions, key="audit_actions",
                                          format_func=lambda a: audit_name("audit", a), placeholder=tr("review.all"))
        chosen_entities = f[2].multiselect(tr("review.audit_entity"), entities, key="audit_entities",
                                           format_func=lambda e: audit_name("audit_entity", e),
                                           placeholder=tr("review.all"))
        period = f[3].date_input(tr("review.audit_period"), value=[], key="audit_period")
        since = period[0] if len(period) >= 1 else None
        until = period[1] if len(period) == 2 else since
        with state.reading() as session:
            events = audit_trail(session, pid, user_ids=users, actions=chosen_actions, entity_types=chosen_entities,
                                 since=since, until=until, field_name=lambda f: audit_name("audit_field", f))
        st.caption(tr("review.audit_count", count=len(events)))
        events["action"] = events["action"].map(lambda a: audit_name("audit", a))
        events["entity"] = events["entity"].map(lambda e: audit_name("audit_entity", e))
        st.dataframe(
            events.drop(columns="id").rename(columns={c: tr(f"review.col_{c}") for c in events.columns if c != "id"}),
            hide_index=True, width="stretch",
        )
