"""Analysis · Condensation (Miles–Huberman): memos, pattern codes, contact summary sheets and
condensed excerpts."""

import pandas as pd
import streamlit as st

from qualcode.read.views.condensation import (
    PatternCodeUse,
    condensed_excerpts,
    memos,
    pattern_code_use,
    summary_sheet,
)
from qualcode.services import analysis as analysis_service
from qualcode.services import memos as memo_service
from qualcode.ui import analysis as ui
from qualcode.ui import runner, state
from qualcode.ui.columns import headers
from qualcode.ui.state import tr, tr_plain

DRAFTS = "condense_drafts"  # code id -> {segment id: condensation typed and not yet saved}

page, context = ui.open_page("nav.condensation")
pid = page.project_id
code_label = context.code_labels
doc_title = context.documents


@st.dialog(tr("analysis.delete_memo_title"))
def confirm_delete_memo(memo_id: int, name: str) -> None:
    st.markdown(tr("analysis.delete_memo_question", memo=name))
    left, right = st.columns(2)
    if left.button(tr("analysis.delete_yes"), type="primary", key="memo_delete_yes"):
        runner.run(lambda s: memo_service.delete_memo(s, memo_id, actor_id=page.actor),
                   done=tr("analysis.memo_deleted"))
    if right.button(tr("analysis.delete_no"), key="memo_delete_no"):
        st.rerun()


@st.dialog(tr("analysis.delete_pattern_title"))
def confirm_delete_pattern(pattern_id: int, name: str, use: PatternCodeUse) -> None:
    """A pattern code's links to its first-cycle codes go with it, never the codes themselves."""
    st.markdown(tr("analysis.delete_pattern_question", name=name, count=use.codes))
    if use.conclusions:
        st.markdown(tr("analysis.delete_pattern_conclusions", count=use.conclusions))
    left, right = st.columns(2)
    if left.button(tr("analysis.delete_yes"), type="primary", key="pattern_delete_yes"):
        runner.run(lambda s: analysis_service.delete_pattern_code(s, pid, pattern_id, actor_id=page.actor),
                   done=tr("analysis.pattern_deleted", name=name))
    if right.button(tr("analysis.delete_no"), key="pattern_delete_no"):
        st.rerun()


def memo_target(memo: pd.Series) -> str:
    """What a memo is on, named: the project, the document's title, the code's label, a segment's
    document and excerpt (the view model's ``segment``)."""
    if memo["on"] == "document":
        return doc_title.get(int(memo["document_id"]), tr_plain("analysis.on_document"))
    if memo["on"] == "code":
        return code_label.get(int(memo["code_id"]), tr_plain("analysis.on_code"))
    if memo["on"] == "segment":
        return str(memo["segment"] or tr_plain("analysis.on_segment"))
    return tr_plain("analysis.on_project")


def memo_editor(found: pd.DataFrame) -> None:
    """One memo, picked from those listed that the current coder may change, to edit (title and
    text; what it is on stays) or delete: one's own, and as the project's owner anyone's to delete
    (the view model's ``may_edit`` / ``may_delete``; the services hold the same rule)."""
    yours = found[found["may_edit"] | found["may_delete"]]
    if yours.empty:
        st.caption(tr("analysis.memo_none_yours"))
        return
    names = {int(i): (t or " ".join(str(b).split())[:60]) + f" · {a}"
             for i, t, b, a in zip(yours["memo_id"], yours["title"], yours["body"], yours["author"], strict=True)}
    if st.session_state.get("memo_pick") in names:
        # The choice (a memo id) is stated again on every run, so the browser's widget shows the
        # memo's current title: after an edit the id stays the same, and the widget would go on
        # showing the title it had until the page was left.
        st.session_state["memo_pick"] = st.session_state["memo_pick"]
    picked = st.selectbox(tr("analysis.memo_pick"), list(names), index=None, format_func=state.label_of(names),
                          placeholder=tr("analysis.choose"), key="memo_pick")
    if picked is None or picked not in names:
        return
    memo_id: int = picked
    memo = yours.loc[yours["memo_id"] == memo_id].iloc[0]
    st.caption(tr("analysis.memo_stays_on", target=memo_target(memo)))
    if memo["may_edit"]:
        with st.form(f"memo_edit_{memo_id}"):
            title = st.text_input(tr("analysis.memo_title"), value=memo["title"], key=f"memo_edit_title_{memo_id}")
            body = st.text_area(tr("analysis.memo_body"), value=memo["body"], key=f"memo_edit_body_{memo_id}")
            if st.form_submit_button(tr("analysis.save_memo_changes")):
                runner.run(lambda s: memo_service.update_memo(s, memo_id, body, title=title, actor_id=page.actor),
                           done=tr("analysis.memo_updated"))
    else:  # the owner, on another's memo: its words stay the author's
        st.caption(tr("analysis.memo_owner_may_delete", author=memo["author"]))
    if memo["may_delete"] and st.button(tr("analysis.delete_memo"), key=f"memo_delete_{memo_id}",
                                        icon=":material/delete:"):
        confirm_delete_memo(memo_id, names[memo_id])


# The forms that add things are emptied once what they add is stored; a refusal keeps what was typed.
# Choices whose labels are translated are keyed per language (state.lang_key).
st.subheader(tr("analysis.memos"))
on_names = {v: tr(f"analysis.on_{v}") for v in ("project", "document", "code")}
with st.form("analysis_memo"):
    memo_title = st.text_input(tr("analysis.memo_title"), key=state.form_key("memo", "title"))
    memo_body = st.text_area(tr("analysis.memo_body"), key=state.form_key("memo", "body"))
    memo_on = st.selectbox(tr("analysis.memo_on"), list(on_names), format_func=state.label_of(on_names),
                           key=state.lang_key(state.form_key("memo", "on")))
    memo_doc = st.selectbox(tr("analysis.document"), [None, *doc_title], format_func=state.label_of(doc_title),
                            key=state.form_key("memo", "document"))
    memo_code = st.selectbox(tr("analysis.code"), [None, *code_label], format_func=state.label_of(code_label),
                             key=state.lang_key(state.form_key("memo", "code")))
    if st.form_submit_button(tr("analysis.save_memo")):
        # The service refuses a memo on a document (or code) without one: never a project memo instead.
        runner.run(lambda s: memo_service.add_memo(s, pid, memo_body, title=memo_title, actor_id=page.actor,
                                                   on=memo_on,
                                                   document_id=memo_doc if memo_on == "document" else None,
                                                   code_id=memo_code if memo_on == "code" else None),
                   done=tr("analysis.memo_saved"), clear="memo")
query = st.text_input(tr("analysis.memo_search"), key="analysis_memo_search")
with state.reading() as session:
    found = memos(session, pid, query, user_id=page.user_id)
memo_columns = ["title", "body", "on", "author", "updated_at"]
# "On" names the document, the code or the passage, as the report does ("a document" says too little)
shown_memos = found.assign(on=[memo_target(memo) for _, memo in found.iterrows()])[memo_columns]
st.dataframe(shown_memos, hide_index=True, width="stretch", column_config=headers(memo_columns))
if not found.empty:
    memo_editor(found)

st.subheader(tr("analysis.pattern_codes"))
with st.form("analysis_pattern"):
    p_name = st.text_input(tr("analysis.pattern_name"), key=state.form_key("pattern", "name"))
    p_codes = st.multiselect(tr("analysis.pattern_members"), list(code_label), format_func=state.label_of(code_label),
                             placeholder=tr("analysis.choose"), key=state.lang_key(state.form_key("pattern", "codes")))
    p_definition = st.text_area(tr("analysis.definition"), key=state.form_key("pattern", "definition"))
    p_memo = st.text_area(tr("analysis.pattern_memo"), key=state.form_key("pattern", "memo"))
    if st.form_submit_button(tr("analysis.save_pattern")):
        runner.run(lambda s: analysis_service.save_pattern_code(s, pid, p_name, p_codes, definition=p_definition,
                                                                memo=p_memo, actor_id=page.actor),
                   done=tr("analysis.pattern_saved", name=p_name), clear="pattern")
patterns_shown = context.patterns.drop(columns=["pattern_code_id"])
st.dataframe(patterns_shown, hide_index=True, width="stretch", column_config=headers(patterns_shown.columns))
pattern_names = context.pattern_names
if pattern_names:
    pick_column, delete_column = st.columns([4, 1], vertical_alignment="bottom")
    doomed = pick_column.selectbox(tr("analysis.pattern_pick"), list(pattern_names), index=None,
                                   format_func=state.label_of(pattern_names), placeholder=tr("analysis.choose"),
                                   key="pattern_pick")
    if delete_column.button(tr("analysis.delete_pattern"), key="pattern_delete", disabled=doomed is None,
                            icon=":material/delete:") and doomed is not None:
        with state.reading() as session:
            use = pattern_code_use(session, pid, doomed)
        confirm_delete_pattern(doomed, pattern_names[doomed], use)

st.subheader(tr("analysis.summary_sheet"))
if doc_title:
    sheet_doc = st.selectbox(tr("analysis.document"), list(doc_title), format_func=state.label_of(doc_title),
                             key="sheet_doc")
    if sheet_doc is not None:
        with state.reading() as session:
            sheet = summary_sheet(session, sheet_doc)
        # Keyed per document: what was typed stays when the sheet is refused, and a change of
        # language keeps it too.
        with st.form(f"analysis_sheet_{sheet_doc}"):
            themes = st.text_area(tr("analysis.main_themes"), value=sheet.main_themes, key=f"sheet_themes_{sheet_doc}")
            points = st.text_area(tr("analysis.salient_points"), value=sheet.salient_points,
                                  key=f"sheet_points_{sheet_doc}")
            questions = st.text_area(tr("analysis.next_questions"), value=sheet.next_questions,
                                     key=f"sheet_questions_{sheet_doc}")
            chosen = st.multiselect(tr("analysis.linked_segments"), list(sheet.segments), default=sheet.linked,
                                    format_func=state.label_of(sheet.segments), placeholder=tr("analysis.choose"),
                                    key=f"sheet_segments_{sheet_doc}")
            if st.form_submit_button(tr("analysis.save_sheet")):
                runner.run(lambda s: analysis_service.save_summary_sheet(
                    s, pid, sheet.document_id, main_themes=themes, salient_points=points, next_questions=questions,
                    segment_ids=chosen, actor_id=page.actor), done=tr("analysis.sheet_saved"))

st.subheader(tr("analysis.condensed_excerpts"))
if code_label:
    c_code = st.selectbox(tr("analysis.code"), list(code_label), format_func=state.label_of(code_label),
                          key=state.lang_key("condense_code"))
    if c_code is not None:
        with state.reading() as session:
            excerpts = condensed_excerpts(session, pid, c_code, codes=context.codes)
        if excerpts.empty:
            st.caption(tr("analysis.no_segments"))
        else:
            # The one editable column right after the excerpt it condenses, both wide enough to read;
            # where it comes from after them.
            # What was typed and not saved is kept per code (the editor's own state goes when another
            # code's editor is drawn) and shown again when the code is chosen again, until it is saved.
            drafts: dict[int, dict[int, str]] = st.session_state.setdefault(DRAFTS, {})
            stored = dict(zip(excerpts["segment_id"], excerpts["condensation"], strict=True))
            typed = {s: text for s, text in drafts.get(c_code, {}).items() if s in stored}
            shown = excerpts[["segment_id", "snippet", "condensation", "document", "informants", "groups"]].assign(
                condensation=[typed.get(s, text) for s, text in stored.items()])
            edited = st.data_editor(
                shown, hide_index=True, key=f"condense_{c_code}", width="stretch",
                disabled=["segment_id", "snippet", "document", "informants", "groups"],
                column_config=headers(
                    shown.columns[1:], segment_id=None,  # ids out of sight
                    snippet=st.column_config.TextColumn(tr_plain("column.snippet"), width="large"),
                    condensation=st.column_config.TextColumn(tr_plain("column.condensation"), width="large",
                                                             max_chars=500)))
            changed = [(int(s), t or "") for s, t in zip(edited["segment_id"], edited["condensation"], strict=True)
                       if (t or "") != stored[s]]
            if changed:
                drafts[c_code] = dict(changed)
                st.caption(tr("analysis.condensations_unsaved", count=len(changed)))
            else:  # saved, or typed back as it was
                drafts.pop(c_code, None)
            if st.button(tr("analysis.save_condensations"), key="save_condensations"):
                code_id: int = c_code

                def save_all(session):
                    for seg_id, text in changed:
                        analysis_service.condense_segment(session, pid, seg_id, code_id, text, actor_id=page.actor)

                runner.run(save_all, done=tr("analysis.condensations_saved", count=len(changed)))
