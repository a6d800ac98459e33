"""Analysis · Conclusions (Miles–Huberman): the conclusions register, evidence for and against,
triangulation, verification tactics and revisions."""

from collections.abc import Callable
from typing import Any

import streamlit as st

from qualcode.read.views.conclusions import (
    CONCLUSION_STATUSES,
    DOCUMENT_KINDS,
    EVIDENCE_STANCES,
    TACTICS,
    EvidenceQuery,
    conclusion_detail,
    conclusion_register,
    evidence_choices,
    find_evidence,
)
from qualcode.services import analysis as analysis_service
from qualcode.ui import analysis as ui
from qualcode.ui import markup, runner, state
from qualcode.ui.columns import headers
from qualcode.ui.state import tr

CONFIRM_DELETE = "confirm_delete_conclusion"
CONFIRM_UNLINK = "confirm_unlink_evidence"  # the evidence link whose removal is being asked about

page, context = ui.open_page("nav.conclusions")
pid, lang = page.project_id, page.lang
ss = st.session_state
code_label = context.code_labels
theme_names = context.pattern_names
status_label = lambda v: tr(f"analysis.status_{v}")  # noqa: E731
# What the last action on a conclusion left to say where its form is: a refusal, or "nothing changed".
notice = runner.take_notice()


# Every action on a conclusion is its form's (or button's) callback, given the id of the conclusion
# the page showed when it drew the form: the rerun the click starts may show another one (deleted in
# another tab, the picker falls back to the first), and the action must act on the one the user saw,
# or be refused by the service ("this conclusion has been deleted"), never land on another.
# A fast double-click: the first click stores and moves the form's keys on to a new generation
# (clear=...); the second comes from the fields the browser still shows. Each form's submit button
# is keyed by its generation and its callback is given the generation it was drawn in (``drawn``,
# the key of one of its fields): a click from a generation the page has moved past does nothing,
# whether or not the new, empty fields were drawn meanwhile (a blank tactic was recorded when
# they were, and the lookup failed when they were not).
def link_evidence(conclusion_id: int, drawn: str) -> None:
    if drawn != state.form_key("evidence", "segment"):
        return
    segment_id = ss.get(state.form_key("evidence", "segment"))
    stance = ss.get(state.form_key("evidence", "stance"))
    if segment_id is None or stance is None:
        return
    note = ss.get(state.form_key("evidence", "note"), "")
    save_once(lambda s: analysis_service.link_evidence(s, conclusion_id, int(segment_id), stance, note=note,
                                                       actor_id=page.actor),
              "evidence", new=tr("analysis.evidence_linked"), updated=tr("analysis.evidence_updated"),
              unchanged=state.tr_plain("analysis.evidence_unchanged"))


def record_tactic(conclusion_id: int, drawn: str) -> None:
    if drawn != state.form_key("tactic", "tactic"):
        return
    tactic = ss.get(state.form_key("tactic", "tactic"))
    if tactic is None:
        return
    note = ss.get(state.form_key("tactic", "note"), "")
    save_once(lambda s: analysis_service.record_tactic(s, conclusion_id, tactic, note=note, actor_id=page.actor),
              "tactic", new=tr("analysis.tactic_recorded"), updated=tr("analysis.tactic_updated"),
              unchanged=state.tr_plain("analysis.tactic_unchanged"))


def save_once(call: Callable[..., analysis_service.Saved[Any]], form: str, *,
              new: str, updated: str, unchanged: str) -> None:
    """Store a form's row through the runner (``services.analysis.Saved``): confirm ``new`` or
    ``updated``, empty the form, and say ``unchanged`` when the row already held these values."""
    outcome = runner.submit(call, done=lambda saved: {analysis_service.NEW: new,
                                                      analysis_service.UPDATED: updated}.get(saved.change),
                            clear=form, place=form)
    if outcome.ok and outcome.value is not None and outcome.value.change == analysis_service.UNCHANGED:
        runner.notify("info", unchanged, place=form)


def revise(conclusion_id: int, drawn: str) -> None:
    form = f"revise_{conclusion_id}"
    if drawn != state.form_key(form, "status"):
        return
    status, statement, note = (ss.get(state.form_key(form, field)) for field in ("status", "statement", "note"))
    outcome = runner.submit(lambda s: analysis_service.revise_conclusion(
        s, conclusion_id, status=status, statement=statement, note=note or "", actor_id=page.actor),
        done=lambda change: tr("analysis.revision_saved") if change is not None else None, place="revise")
    if outcome.ok and outcome.value is None:  # the same status and statement, no note: nothing stored
        runner.notify("info", state.tr_plain("analysis.revision_unchanged"), place="revise")
    elif outcome.ok:
        state.clear_form(form)  # the fields start again from the revised conclusion


def delete(conclusion_id: int) -> None:
    if ss.pop(CONFIRM_DELETE, None) != conclusion_id:  # a second click: the question was answered
        return
    runner.submit(lambda s: analysis_service.delete_conclusion(s, conclusion_id, actor_id=page.actor),
                  done=tr("analysis.conclusion_deleted"), place="delete")


def unlink(evidence_id: int) -> None:
    if ss.pop(CONFIRM_UNLINK, None) != evidence_id:  # a second click: the question was answered
        return
    runner.submit(lambda s: analysis_service.unlink_evidence(s, evidence_id, actor_id=page.actor),
                  done=tr("analysis.evidence_unlinked"), place="unlink")


# The forms are emptied once what they add is stored; a refusal keeps what was typed.
with st.form("analysis_conclusion"):
    statement = st.text_area(tr("analysis.statement"), key=state.form_key("conclusion", "statement"))
    a, b, c = st.columns(3)
    about_code = a.selectbox(tr("analysis.dimension"), [None, *code_label], format_func=state.label_of(code_label),
                             key=state.form_key("conclusion", "code"))
    about_theme = b.selectbox(tr("analysis.theme"), [None, *theme_names], format_func=state.label_of(theme_names),
                              key=state.form_key("conclusion", "theme"))
    status = c.selectbox(tr("analysis.status"), CONCLUSION_STATUSES, format_func=status_label,
                         key=state.form_key("conclusion", "status"))
    if st.form_submit_button(tr("analysis.add_conclusion")):
        runner.run(lambda s: analysis_service.add_conclusion(s, pid, statement, code_id=about_code,
                                                             pattern_code_id=about_theme, status=status,
                                                             actor_id=page.actor),
                   done=tr("analysis.conclusion_added"),
                   clear="conclusion")
with state.reading() as session:
    register_table = conclusion_register(session, pid, lang)
if register_table.empty:
    runner.show_notice(notice)  # the last conclusion was deleted meanwhile: no form to show it by
    st.caption(tr("analysis.no_conclusions"))
    st.stop()
shown = register_table.assign(status=register_table["status"].map(status_label),
                              tactics=register_table["tactics"].map(
                                  lambda ts: ", ".join(tr(f"analysis.tactic_{t}") for t in ts)))
stance_names = {v: tr(f"analysis.stance_{v}") for v in EVIDENCE_STANCES}
st.dataframe(shown, hide_index=True, width="stretch",
             column_config=headers(shown.columns, conclusion_id=None, statement=tr("analysis.statement"),
                                   about=tr("conclusions.col_about"), status=tr("analysis.status"),
                                   tactics=tr("conclusions.col_tactics"), **stance_names))
statements = {int(i): s for i, s in zip(register_table["conclusion_id"], register_table["statement"], strict=True)}
picked = st.selectbox(tr("analysis.conclusion"), list(statements), format_func=lambda i: statements[i][:90],
                      key="conclusion_pick")
cid: int = picked if picked is not None else next(iter(statements))
with state.reading() as session:
    detail = conclusion_detail(session, pid, cid)

st.markdown(f"#### {tr('analysis.triangulation')}")
tri = detail.triangulation
for flag in tri["flags"]:
    (st.warning if flag not in ("no_negative", "negative_sought") else st.info)(tr(f"analysis.flag_{flag}"))
if not tri["thin"]:
    st.success(tr("analysis.triangulated", groups=", ".join(tri["groups"]),
                  kinds=", ".join(tr(f"kind.{k}") for k in tri["kinds"])))
g, k = st.columns(2)
by_group = tri["by_group"].rename_axis(tr("evidence.group")).reset_index()
by_kind = tri["by_kind"].rename(index=lambda v: tr(f"kind.{v}")).rename_axis(tr("evidence.kind")).reset_index()
g.dataframe(by_group, hide_index=True, width="stretch", column_config=headers([], **stance_names))
k.dataframe(by_kind, hide_index=True, width="stretch", column_config=headers([], **stance_names))

st.markdown(f"#### {tr('analysis.evidence')}")
evidence = detail.evidence
if not evidence.empty:
    evidence = evidence.assign(stance=evidence["stance"].map(lambda v: tr(f"analysis.stance_{v}")),
                               kind=evidence["kind"].map(lambda v: tr(f"kind.{v}")))
    evidence_columns = ["stance", "note", "document", "informants", "groups", "kind", "snippet"]
    st.dataframe(evidence[evidence_columns], hide_index=True, width="stretch",
                 column_config=headers(evidence_columns, stance=tr("analysis.stance"), note=tr("analysis.note"),
                                       kind=tr("evidence.kind")))
    # Each link can be undone, after a question: the segment and its codings stay.
    with st.expander(tr("analysis.unlink_evidence_heading"), expanded=ss.get(CONFIRM_UNLINK) is not None):
        for item in evidence.itertuples(index=False):
            eid = int(item.evidence_id)
            words, button = st.columns([6, 1], vertical_alignment="center")
            words.markdown(f"{item.stance} · {markup.inline(str(item.document))} · "
                           f"{markup.inline(str(item.snippet)[:90])}")
            button.button(tr("analysis.unlink_evidence"), key=f"unlink_evidence_{eid}", on_click=ss.__setitem__,
                          args=(CONFIRM_UNLINK, eid))
            if ss.get(CONFIRM_UNLINK) == eid:
                st.warning(tr("analysis.unlink_confirm", snippet=str(item.snippet)[:80], stance=item.stance))
                yes, no = st.columns(2)
                yes.button(tr("analysis.unlink_yes"), type="primary", key=f"unlink_evidence_yes_{eid}", on_click=unlink,
                           args=(eid,))
                no.button(tr("analysis.delete_no"), key=f"unlink_evidence_no_{eid}", on_click=ss.pop,
                          args=(CONFIRM_UNLINK, None))
runner.show_notice(notice, "unlink")
# The evidence picker searches every segment of the project; the conclusion's dimension (or its
# theme's codes) is only where the code filter starts.
st.markdown(f"##### {tr('evidence.find')}")
with state.reading() as session:
    choices = evidence_choices(session, pid)
search_text = st.text_input(tr("evidence.search"), key=f"evidence_text_{cid}", placeholder=tr("evidence.search_hint"))
f_code, f_case, f_group, f_kind = st.columns(4)
any_value = tr("evidence.any")
ev_codes = f_code.multiselect(tr("evidence.codes"), list(code_label), format_func=state.label_of(code_label),
                              default=[c for c in detail.default_code_ids if c in code_label],
                              key=f"evidence_codes_{cid}", placeholder=any_value, help=tr("evidence.codes_help"))
ev_cases = f_case.multiselect(tr("analysis.informant"), list(choices.cases), format_func=state.label_of(choices.cases),
                              key=f"evidence_cases_{cid}", placeholder=any_value)
ev_groups = f_group.multiselect(tr("evidence.group"), choices.groups, key=f"evidence_groups_{cid}", placeholder=any_value)
ev_kinds = f_kind.multiselect(tr("evidence.kind"), list(DOCUMENT_KINDS), format_func=lambda v: tr(f"kind.{v}"),
                              key=f"evidence_kinds_{cid}", placeholder=any_value)
query = EvidenceQuery(text=search_text, code_ids=tuple(ev_codes), case_ids=tuple(ev_cases), groups=tuple(ev_groups),
                      kinds=tuple(ev_kinds))
page_key = f"evidence_page_{cid}"
with state.reading() as session:
    matches = find_evidence(session, pid, cid, query, page=int(ss.get(page_key, 1)), lang=lang)
if matches.pages > 1:
    ss[page_key] = matches.page  # the last page, when the filters left fewer
    st.number_input(tr("evidence.page", pages=matches.pages), min_value=1, max_value=matches.pages, step=1,
                    key=page_key)
if matches.total == 0:
    st.caption(tr("evidence.no_matches"))
else:
    st.caption(tr("evidence.matches", count=matches.total, first=matches.offset + 1,
                  last=matches.offset + len(matches.rows)))
    found = matches.rows.assign(
        linked=matches.rows["linked"].map(lambda v: tr(f"analysis.stance_{v}") if v else ""),
        kind=matches.rows["kind"].map(lambda v: tr(f"kind.{v}")))
    found_columns = ["snippet", "document", "informants", "groups", "kind", "codes", "linked"]
    st.dataframe(found[found_columns], hide_index=True, width="stretch",
                 column_config=headers(found_columns, linked=tr("evidence.linked"), kind=tr("evidence.kind")))
seg_label = {int(r.segment_id): f"{r.document} · {r.informants or '—'} · {str(r.snippet)[:70]}"
             for r in matches.rows.itertuples(index=False)}
with st.form("analysis_evidence"):
    st.selectbox(tr("analysis.evidence_segment"), list(seg_label), format_func=state.label_of(seg_label),
                 key=state.form_key("evidence", "segment"))
    st.radio(tr("analysis.stance"), EVIDENCE_STANCES, horizontal=True, format_func=lambda v: tr(f"analysis.stance_{v}"),
             key=state.form_key("evidence", "stance"))
    st.text_input(tr("analysis.note"), key=state.form_key("evidence", "note"))
    st.form_submit_button(tr("analysis.link_evidence"), key=state.form_key("evidence", "submit"),
                          on_click=link_evidence, args=(cid, state.form_key("evidence", "segment")))
runner.show_notice(notice, "evidence")

st.markdown(f"#### {tr('analysis.verification')}")
with st.form("analysis_tactic"):
    st.selectbox(tr("analysis.tactic"), TACTICS, format_func=lambda v: tr(f"analysis.tactic_{v}"),
                 key=state.form_key("tactic", "tactic"))
    st.text_input(tr("analysis.note"), key=state.form_key("tactic", "note"))
    st.form_submit_button(tr("analysis.record_tactic"), key=state.form_key("tactic", "submit"),
                          on_click=record_tactic, args=(cid, state.form_key("tactic", "tactic")))
runner.show_notice(notice, "tactic")

st.markdown(f"#### {tr('analysis.revise')}")
# The fields start from this conclusion (keyed by it) and again after each stored revision.
revise_form = f"revise_{cid}"
with st.form("analysis_revise"):
    st.selectbox(tr("analysis.status"), CONCLUSION_STATUSES, index=CONCLUSION_STATUSES.index(detail.status),
                 format_func=status_label, key=state.form_key(revise_form, "status"))
    st.text_area(tr("analysis.statement"), value=detail.statement, key=state.form_key(revise_form, "statement"))
    st.text_input(tr("analysis.note"), key=state.form_key(revise_form, "note"))
    st.form_submit_button(tr("analysis.save_revision"), key=state.form_key(revise_form, "submit"),
                          on_click=revise, args=(cid, state.form_key(revise_form, "status")))
runner.show_notice(notice, "revise")
history = detail.history.assign(**{c: detail.history[c].map(lambda v: status_label(v) if v else "")
                                    for c in ("from", "to")})
st.dataframe(history, hide_index=True, width="stretch",
             column_config=headers(history.columns, at=tr("conclusions.col_at"), statement=tr("analysis.statement"),
                                   note=tr("analysis.note"), **{"from": tr("conclusions.col_from"),
                                                                "to": tr("conclusions.col_to")}))

st.button(tr("analysis.delete_conclusion"), key="delete_conclusion", on_click=ss.__setitem__,
          args=(CONFIRM_DELETE, cid))
runner.show_notice(notice, "delete")
if ss.get(CONFIRM_DELETE) == cid:
    st.warning(tr("analysis.delete_confirm", statement=statements[cid][:80]))
    yes, no = st.columns(2)
    yes.button(tr("analysis.delete_yes"), type="primary", key="delete_conclusion_yes", on_click=delete, args=(cid,))
    if no.button(tr("analysis.delete_no"), key="delete_conclusion_no"):
        ss.pop(CONFIRM_DELETE, None)
        st.rerun()
