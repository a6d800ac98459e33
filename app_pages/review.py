"""Review: code frequencies, coding progress, agreement between coders and the audit trail."""

import math

import altair as alt
import streamlit as st

from qualcode.analysis.agreement import LEVELS, OVERALL, compute_agreement
from qualcode.queries import code_table
from qualcode.review.comments import add_comment, comment_threads, set_comment_status
from qualcode.review.queries import audit_choices, audit_trail, code_frequencies, coding_progress, codings_long
from qualcode.services import documents as document_service
from qualcode.services import projects as project_service
from qualcode.services.codings import codings_for_document
from qualcode.ui import state
from qualcode.ui.markup import literal
from qualcode.ui.state import tr
from qualcode.workspace import document_units, window_of_offset, windows

MAX_DISAGREEMENTS = 60
TOP_CODES = 25

st.title(tr("nav.review"))
pid = state.require_project()
lang = state.lang()
ss = st.session_state

with state.reading() as session:
    members = [(u.id, u.display_name, u.login) for u, _ in project_service.members(session, pid)]
    documents = [(d.id, d.title) for d in document_service.list_documents(session, pid)]
    codings = codings_long(session, pid, lang)
    code_keys = codings.drop_duplicates("code_key").set_index("code_key")["code"].to_dict()

tab_freq, tab_progress, tab_agree, tab_comments, tab_audit = st.tabs(
    [tr("review.tab_frequencies"), tr("review.tab_progress"), tr("review.tab_agreement"), tr("review.tab_comments"),
     tr("review.tab_audit")]
)


def md(text: str) -> str:
    """User text shown as Markdown literally (no links, images, emphasis or HTML from a comment)."""
    return literal(text)


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


def comment_action(act) -> bool:  # type: ignore[no-untyped-def]
    try:
        with state.action() as session:
            act(session)
    except state.ActionFailed:
        return False
    ss["comment_nonce"] = ss.get("comment_nonce", 0) + 1
    return True


with tab_freq:
    by = st.radio(tr("review.by"), ["coder", "document", "group"], format_func=lambda b: tr(f"review.by_{b}"),
                  horizontal=True, key="review_by")
    with state.reading() as session:
        freq = code_frequencies(session, pid, by, lang)
    if freq.empty:
        st.info(tr("review.no_codings"))
    else:
        top = list(dict.fromkeys(freq["code"]))[:TOP_CODES]
        chart = alt.Chart(freq[freq["code"].isin(top)]).mark_bar().encode(
            x=alt.X("sum(codings):Q", title=tr("review.codings")),
            y=alt.Y("code:N", sort=top, title=tr("review.code"), axis=alt.Axis(labelLimit=280)),
            color=alt.Color("by:N", title=tr(f"review.by_{by}")),
            tooltip=["code", "by", "codings"],
        )
        st.altair_chart(chart, width="stretch")
        table = freq.pivot_table(index="code", columns="by", values="codings", aggfunc="sum", fill_value=0)
        table[tr("review.total")] = table.sum(axis=1)
        st.dataframe(table.sort_values(tr("review.total"), ascending=False), width="stretch")

with tab_progress:
    with state.reading() as session:
        progress = coding_progress(session, pid)
    coded = progress[progress["coder"] != ""]
    if not coded.empty:
        chart = alt.Chart(coded).mark_bar().encode(
            x=alt.X("percent_coded:Q", title=tr("review.percent_coded")),
            y=alt.Y("document:N", title=tr("review.document"), axis=alt.Axis(labelLimit=320)),
            yOffset="coder:N",
            color=alt.Color("coder:N", title=tr("review.coder")),
            tooltip=["document", "coder", "codings", "codes", "percent_coded"],
        )
        st.altair_chart(chart, width="stretch")
    st.dataframe(
        progress.rename(columns={c: tr(f"review.col_{c}") for c in progress.columns}),
        hide_index=True, width="stretch",
    )

with tab_agree:
    st.caption(tr("review.agreement_help"))
    member_ids = [m[0] for m in members]
    names = {m[0]: m[1] for m in members}
    coding_logins = set(codings["coder_login"])
    default_coders = [m[0] for m in members if m[2] in coding_logins]
    coders = st.multiselect(tr("review.coders"), member_ids, default=default_coders, format_func=names.get,
                            key="agree_coders")
    logins = {m[0]: m[2] for m in members}
    chosen = codings[codings["coder_login"].isin([logins[c] for c in coders])]
    shared = chosen.groupby("document_id")["coder_login"].nunique()
    doc_titles = dict(documents)
    default_docs = [d for d, _ in documents if shared.get(d, 0) >= 2]
    doc_ids = st.multiselect(tr("review.documents"), list(doc_titles), default=default_docs,
                             format_func=doc_titles.get, key="agree_docs")
    with state.reading() as session:
        code_rows = code_table(session, pid)
    code_choices = {int(r.id): f"{(r.name_en if lang == 'en' and r.name_en else r.name_id)} · {r.key}"
                    for r in code_rows.itertuples()}
    code_ids = st.multiselect(tr("review.codes"), list(code_choices), format_func=code_choices.get,
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
        overall = result.summary[result.summary["code"] == OVERALL].iloc[0]
        m = st.columns(4)
        m[0].metric(tr("review.percent_agreement"), fmt(overall["percent_agreement"], percent=True))
        m[1].metric(tr("review.kappa"), fmt(overall["kappa"]) if len(coders) == 2 else tr("review.kappa_two_only"))
        m[2].metric(tr("review.alpha"), fmt(overall["alpha"]))
        m[3].metric(tr("review.units"), int(overall["units"]))
        if level == "segment":
            st.caption(tr("review.segment_note"))
        summary = result.summary.drop(columns="code_id").copy()
        summary["code"] = [tr("review.overall") if k == OVERALL else code_keys.get(k, k) for k in summary["code"]]
        st.subheader(tr("review.per_code"))
        st.dataframe(
            summary.rename(columns={c: tr(f"review.col_{c}") for c in summary.columns}),
            hide_index=True, width="stretch",
            column_config={tr("review.col_percent_agreement"): st.column_config.NumberColumn(format="percent")},
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



with tab_comments:
    nonce = ss.get("comment_nonce", 0)
    with st.expander(tr("review.comment_start")):
        coded_docs = [d for d, _ in documents if d in set(codings["document_id"])]
        doc_for_comment = st.selectbox(tr("review.comment_document"), coded_docs, format_func=dict(documents).get,
                                       key="comment_doc")
        if doc_for_comment is not None:
            with state.reading() as session:
                options = {c.id: f"{c.code.key} · {c.coder.display_name} · {c.segment.snippet[:80]}"
                           for c in codings_for_document(session, doc_for_comment)}
            target = st.selectbox(tr("review.comment_coding"), list(options), format_func=options.get,
                                  key="comment_coding")
            body = st.text_area(tr("review.comment_body"), key=f"comment_body_{nonce}")
            if st.button(tr("review.comment_add"), key="comment_add", disabled=target is None):
                if comment_action(lambda s: add_comment(s, body, coding_id=target, actor_id=state.user_id())):
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
                        s, text, parent_id=t, actor_id=state.user_id())):
                    st.rerun()
            new_status = "open" if head["status"] == "resolved" else "resolved"
            label = tr("review.comment_reopen") if new_status == "open" else tr("review.comment_resolve")
            if buttons[1].button(label, key=f"comment_status_{thread_id}"):
                if comment_action(lambda s, t=int(thread_id), v=new_status: set_comment_status(
                        s, t, v, actor_id=state.user_id())):
                    st.rerun()
            if buttons[2].button(tr("review.open"), key=f"comment_open_{thread_id}"):
                open_in_coding(int(head["document_id"]), int(head["start"]))

with tab_audit:
    with state.reading() as session:
        actions, entities = audit_choices(session, pid)
    f = st.columns(4)
    users = f[0].multiselect(tr("review.audit_user"), [m[0] for m in members], format_func=lambda u: dict(
        (m[0], m[1]) for m in members)[u], key="audit_users", placeholder=tr("review.all"))
    chosen_actions = f[1].multiselect(tr("review.audit_action"), actions, key="audit_actions",
                                      placeholder=tr("review.all"))
    chosen_entities = f[2].multiselect(tr("review.audit_entity"), entities, key="audit_entities",
                                       placeholder=tr("review.all"))
    period = f[3].date_input(tr("review.audit_period"), value=(), key="audit_period")
    since = period[0] if len(period) >= 1 else None
    until = period[1] if len(period) == 2 else since
    with state.reading() as session:
        events = audit_trail(session, pid, user_ids=users, actions=chosen_actions, entity_types=chosen_entities,
                             since=since, until=until)
    st.caption(tr("review.audit_count", count=len(events)))
    st.dataframe(
        events.drop(columns="id").rename(columns={c: tr(f"review.col_{c}") for c in events.columns if c != "id"}),
        hide_index=True, width="stretch",
    )
