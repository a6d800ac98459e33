"""Analysis · Condensation (Miles–Huberman): memos, pattern codes, contact summary sheets and
condensed excerpts."""

import streamlit as st

from qualcode.read.views.condensation import condensed_excerpts, memos, summary_sheet
from qualcode.services import analysis as analysis_service
from qualcode.services import memos as memo_service
from qualcode.ui import analysis as ui
from qualcode.ui import runner, state
from qualcode.ui.columns import headers
from qualcode.ui.state import tr

page, context = ui.open_page("nav.condensation")
pid = page.project_id
code_label = context.code_labels
doc_title = context.documents

st.subheader(tr("analysis.memos"))
with st.form("analysis_memo", clear_on_submit=True):
    memo_title = st.text_input(tr("analysis.memo_title"))
    memo_body = st.text_area(tr("analysis.memo_body"))
    memo_target = st.selectbox(tr("analysis.memo_on"), ["project", "document", "code"],
                               format_func=lambda v: tr(f"analysis.on_{v}"))
    memo_doc = st.selectbox(tr("analysis.document"), [None, *doc_title], format_func=state.label_of(doc_title))
    memo_code = st.selectbox(tr("analysis.code"), [None, *code_label], format_func=state.label_of(code_label))
    if st.form_submit_button(tr("analysis.save_memo")):
        runner.run(lambda s: memo_service.add_memo(s, pid, memo_body, title=memo_title, actor_id=page.actor,
                                                   document_id=memo_doc if memo_target == "document" else None,
                                                   code_id=memo_code if memo_target == "code" else None),
                   done=tr("analysis.memo_saved"))
query = st.text_input(tr("analysis.memo_search"), key="analysis_memo_search")
with state.reading() as session:
    found = memos(session, pid, query)
found["on"] = found["on"].map(lambda v: tr(f"analysis.on_{v}"))
memo_columns = ["title", "body", "on", "author", "updated_at"]
st.dataframe(found[memo_columns], hide_index=True, width="stretch", column_config=headers(memo_columns))

st.subheader(tr("analysis.pattern_codes"))
with st.form("analysis_pattern", clear_on_submit=True):
    p_name = st.text_input(tr("analysis.pattern_name"))
    p_codes = st.multiselect(tr("analysis.pattern_members"), list(code_label), format_func=state.label_of(code_label),
                             placeholder=tr("analysis.choose"))
    p_definition = st.text_area(tr("analysis.definition"))
    p_memo = st.text_area(tr("analysis.pattern_memo"))
    if st.form_submit_button(tr("analysis.save_pattern")):
        runner.run(lambda s: analysis_service.save_pattern_code(s, pid, p_name, p_codes, definition=p_definition,
                                                                memo=p_memo, actor_id=page.actor),
                   done=tr("analysis.pattern_saved", name=p_name))
patterns_shown = context.patterns.drop(columns=["pattern_code_id"])
st.dataframe(patterns_shown, hide_index=True, width="stretch", column_config=headers(patterns_shown.columns))

st.subheader(tr("analysis.summary_sheet"))
if doc_title:
    sheet_doc = st.selectbox(tr("analysis.document"), list(doc_title), format_func=state.label_of(doc_title),
                             key="sheet_doc")
    if sheet_doc is not None:
        with state.reading() as session:
            sheet = summary_sheet(session, sheet_doc)
        with st.form(f"analysis_sheet_{sheet_doc}"):
            themes = st.text_area(tr("analysis.main_themes"), value=sheet.main_themes)
            points = st.text_area(tr("analysis.salient_points"), value=sheet.salient_points)
            questions = st.text_area(tr("analysis.next_questions"), value=sheet.next_questions)
            chosen = st.multiselect(tr("analysis.linked_segments"), list(sheet.segments), default=sheet.linked,
                                    format_func=state.label_of(sheet.segments), placeholder=tr("analysis.choose"))
            if st.form_submit_button(tr("analysis.save_sheet")):
                runner.run(lambda s: analysis_service.save_summary_sheet(
                    s, pid, sheet.document_id, main_themes=themes, salient_points=points, next_questions=questions,
                    segment_ids=chosen, actor_id=page.actor), done=tr("analysis.sheet_saved"))

st.subheader(tr("analysis.condensed_excerpts"))
if code_label:
    c_code = st.selectbox(tr("analysis.code"), list(code_label), format_func=state.label_of(code_label),
                          key="condense_code")
    if c_code is not None:
        with state.reading() as session:
            excerpts = condensed_excerpts(session, pid, c_code)
        if excerpts.empty:
            st.caption(tr("analysis.no_segments"))
        else:
            shown = excerpts[["segment_id", "document", "informants", "groups", "snippet", "condensation"]]
            edited = st.data_editor(shown, hide_index=True, key=f"condense_{c_code}", width="stretch",
                                    disabled=["segment_id", "document", "informants", "groups", "snippet"],
                                    column_config=headers(shown.columns[1:], segment_id=None))  # ids out of sight
            if st.button(tr("analysis.save_condensations"), key="save_condensations"):
                before = dict(zip(shown["segment_id"], shown["condensation"], strict=True))
                changed = [(int(s), t or "") for s, t in zip(edited["segment_id"], edited["condensation"], strict=True)
                           if (t or "") != before[s]]
                code_id: int = c_code

                def save_all(session):
                    for seg_id, text in changed:
                        analysis_service.condense_segment(session, pid, seg_id, code_id, text, actor_id=page.actor)

                runner.run(save_all, done=tr("analysis.condensations_saved", count=len(changed)))
