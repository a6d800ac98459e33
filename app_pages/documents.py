"""Documents: import files, see turns and metadata, edit cases (informants)."""

from functools import partial

import streamlit as st

from qualcode.importers import SUPPORTED_SUFFIXES, extract
from qualcode.limits import MAX_NAME_CHARS
from qualcode.pseudonyms import parse_mapping, preview
from qualcode.read.views.documents import KINDS, DocumentDependants, DocumentDetail, document_detail, documents_view
from qualcode.services import cases as case_service
from qualcode.services.documents import delete_document, rename_document
from qualcode.services.imports import edit_text, import_files, read_metadata_sheet, reparse_document, set_interviewer
from qualcode.ui import runner, shell, state
from qualcode.ui.markup import inline, literal, message
from qualcode.ui.state import tr

TURNS_PER_PAGE = 40
CASE_FIELDS = ["pseudonym", "stakeholder_group", "organisation", "position", "interview_date", "interview_place"]

page = shell.project_page("nav.documents")
pid, lang = page.project_id, page.lang

tab_list, tab_import, tab_cases = state.tabs(
    "documents_tab", [tr("documents.tab_list"), tr("documents.tab_import"), tr("documents.tab_cases")])

with tab_import:
    uploads = st.file_uploader(
        tr("documents.upload"),
        type=[s.lstrip(".") for s in SUPPORTED_SUFFIXES],
        accept_multiple_files=True,
        help=tr("documents.upload_help"),
        key="doc_uploads",
    )
    kind = st.selectbox(tr("documents.kind"), KINDS, format_func=lambda k: tr(f"kind.{k}"), key="doc_kind")
    sheet = st.file_uploader(tr("documents.metadata_sheet"), type=["csv", "tsv", "txt"], help=tr("documents.metadata_help"),
                             key="doc_sheet")
    mapping_text = st.text_area(tr("documents.pseudonyms"), help=tr("documents.pseudonyms_help"), height=90,
                                key="doc_pseudonyms")
    mapping = parse_mapping(mapping_text)
    if mapping and uploads:
        with st.expander(tr("documents.pseudonym_preview"), expanded=True):
            for upload in uploads:
                texts = runner.quietly(partial(extract, upload.name, upload.getvalue()))
                if texts is None:
                    continue
                rows = [row for item in texts for row in preview(item.text, mapping)]
                st.markdown(f"**{inline(upload.name)}**: " + tr("documents.replacements", count=len(rows)))
                for before, original, pseudonym, after in rows:
                    st.markdown(f"…{literal(before)}~~{literal(original)}~~ **{literal(pseudonym)}**{literal(after)}…")
    if st.button(tr("documents.import"), type="primary", disabled=not uploads, key="doc_import"):
        bar = st.progress(0.0, text=tr("documents.importing"))

        def progress(done: int, total: int, name: str) -> None:
            bar.progress(done / max(total, 1), text=tr("documents.importing_file", file=name) if name else "")

        outcome = runner.run(
            lambda s: import_files(s, pid, [(u.name, u.getvalue()) for u in uploads or []], actor_id=page.actor,
                                   kind=kind, metadata=read_metadata_sheet(sheet.name, sheet.getvalue()) if sheet else {},
                                   pseudonyms=mapping or None, progress=progress, commit_each_file=True),
            rerun=False)
        if outcome.value is not None:
            bar.progress(1.0, text=tr("documents.import_done"))
            for result in outcome.value.outcomes:
                if result.status == "imported":
                    st.success(tr("documents.imported", file=result.file, count=len(result.document_ids)))
                elif result.status == "duplicate":
                    st.warning(message(result, lang))
                else:
                    st.error(message(result, lang))


def what_goes(goes: DocumentDependants) -> list[str]:
    """What deleting the document removes with it, one Markdown list item each (what there is)."""
    counted = [(goes.codings, tr("documents.goes_codings", count=goes.codings)),
               (goes.memos, tr("documents.goes_memos", count=goes.memos)),
               (goes.condensations, tr("documents.goes_condensations", count=goes.condensations)),
               (goes.comments, tr("documents.goes_comments", count=goes.comments)),
               (goes.review_marks, tr("documents.goes_review_marks", count=goes.review_marks)),
               (goes.suggestion_decisions, tr("documents.goes_suggestions", count=goes.suggestion_decisions))]
    items = [f"- {text}" for n, text in counted if n]
    if goes.summary_sheets:
        items.append(f"- {tr('documents.goes_summary_sheet')}")
    if goes.conclusions:
        items.append(f"- {tr('documents.goes_evidence', count=goes.evidence)}")
        items += [f"    - {tr('documents.goes_conclusion', statement=shorten(c.statement), count=c.links)}"
                  for c in goes.conclusions]
    return items


def shorten(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


@st.dialog(tr("documents.delete_title"))
def confirm_delete(document: DocumentDetail) -> None:
    st.markdown(tr("documents.delete_question", title=document.title))
    items = what_goes(document.goes)
    st.markdown("\n".join([tr("documents.goes_with"), "", *items]) if items else tr("documents.goes_nothing"))
    if document.goes.cases:
        st.markdown(tr("documents.goes_cases", cases=", ".join(document.goes.cases)))
    left, right = st.columns(2)
    if left.button(tr("documents.delete_confirm"), type="primary", key="doc_delete_yes"):
        runner.run(lambda s: delete_document(s, document.id, actor_id=page.actor),
                   done=tr("documents.deleted", title=document.title))
    if right.button(tr("codebook.cancel"), key="doc_delete_no"):
        st.rerun()


def parse_panel(document: DocumentDetail) -> None:
    """The labels found and the parse; the researcher names the speakers and the interviewer and
    parses again (only while the document carries no codings)."""
    with st.expander(tr("documents.parse"), expanded=not document.speakers):
        if document.speakers:
            found = ", ".join(f"{inline(s)} ({document.turns_of(s)})" for s in document.speakers)
            interviewer = inline(document.interviewer_label or "—")
            st.markdown(tr("documents.parse_summary", turns=len(document.turns), speakers=found,
                           interviewer=interviewer))
        else:
            st.warning(tr("documents.no_turns"))
        if not document.labels:
            st.caption(tr("documents.no_labels"))
            return
        counts = dict(document.labels)
        st.caption(tr("documents.labels_found") + " " + ", ".join(f"{inline(label)} ×{n}" for label, n in document.labels))
        speakers = st.multiselect(tr("documents.speaker_labels"), list(counts), default=document.speakers,
                                  format_func=lambda label: f"{label} ×{counts[label]}",
                                  help=tr("documents.speaker_labels_help"), key=f"doc_speakers_{document.id}",
                                  placeholder=tr("analysis.choose"))
        guess = document.interviewer_label if document.interviewer_label in speakers else None
        interviewer_choice = st.selectbox(tr("documents.interviewer_label"), speakers,
                                          index=speakers.index(guess) if guess else (0 if speakers else None),
                                          placeholder=tr("analysis.choose"), key=f"doc_parse_interviewer_{document.id}")
        if not document.editable:
            st.caption(tr("documents.parse_locked", codings=document.codings))
        if st.button(tr("documents.reparse"), disabled=not document.editable or not speakers,
                     key=f"doc_reparse_{document.id}"):
            runner.run(lambda s: reparse_document(s, document.id, speakers=speakers, interviewer=interviewer_choice,
                                                  actor_id=page.actor),
                       done=lambda turns: tr("documents.reparsed", turns=len(turns)))


def manage_panel(document: DocumentDetail) -> None:
    """Rename; edit the text while it carries no codings; delete after saying yes."""
    with st.expander(tr("documents.manage")):
        title = st.text_input(tr("documents.title"), document.title, key=f"doc_title_{document.id}",
                              max_chars=max(MAX_NAME_CHARS, len(document.title)))
        if title.strip() != document.title and st.button(tr("documents.rename"), key=f"doc_rename_{document.id}"):
            runner.run(lambda s: rename_document(s, document.id, title, actor_id=page.actor),
                       done=tr("documents.renamed", title=title.strip()))
        if document.editable:
            # The whole text goes to the browser only when asked: a long transcript in an edit box
            # on every run of the page froze the browser for seconds (a 5 MB one, about 6.5 s).
            if st.toggle(tr("documents.edit_text"), key=f"doc_edit_{document.id}"):
                text = st.text_area(tr("documents.text"), document.text, height=300, key=f"doc_text_{document.id}",
                                    help=tr("documents.text_help"))
                if text != document.text and st.button(tr("documents.save_text"), key=f"doc_save_text_{document.id}"):
                    runner.run(lambda s: edit_text(s, document.id, text, actor_id=page.actor),
                               done=tr("documents.text_saved"))
        else:
            st.caption(tr("documents.text_locked", codings=document.codings))
        if st.button(tr("documents.delete"), key=f"doc_delete_{document.id}"):
            confirm_delete(document)


with state.reading() as session:  # read after the import above, so it lists what was just imported
    view = documents_view(session, pid)

with tab_list:
    table = view.documents
    if table.empty:
        st.info(tr("documents.empty"))
    else:
        shown = table.drop(columns=["id"]).assign(kind=table["kind"].map(lambda k: tr(f"kind.{k}")))
        st.dataframe(
            shown,
            hide_index=True,
            width="stretch",
            column_config={
                "title": tr("documents.title"),
                "cases": tr("documents.cases"),
                "kind": tr("documents.kind"),
                "length": st.column_config.NumberColumn(tr("documents.length")),
                "turns": st.column_config.NumberColumn(tr("documents.turns")),
                "original_filename": tr("documents.file"),
                "codings": st.column_config.NumberColumn(tr("documents.codings")),
                "imported_at": st.column_config.DatetimeColumn(tr("documents.imported_at"), format="YYYY-MM-DD HH:mm"),
            },
        )
        titles = dict(zip(table["id"], table["title"], strict=True))
        if st.session_state.get("doc_open") in titles:
            # The picker's choice is stated again on every run, so the browser's widget shows the
            # document's current title: after a rename the id stays the same, and the widget
            # would go on showing the title it had until the page was left.
            st.session_state["doc_open"] = st.session_state["doc_open"]
        doc_id = st.selectbox(tr("documents.open"), list(titles), format_func=state.label_of(titles), key="doc_open")
        with state.reading() as session:
            document = document_detail(session, int(doc_id if doc_id is not None else table["id"].iloc[0]))
        st.subheader(inline(document.title))
        st.caption(f"{tr('kind.' + document.kind)} · {inline(document.original_filename)} · "
                   f"{tr('documents.length')}: {document.length}")
        linked = document.case_ids
        # The choice (case ids) is stated again on every run, as the open-document picker's is:
        # read back through the names the browser shows, it is sent out with the names of now, so
        # a renamed case shows its new pseudonym and stays chosen.
        cases_key = f"doc_cases_{doc_id}"
        st.session_state[cases_key] = st.session_state.get(cases_key, linked)
        chosen_cases = st.multiselect(tr("documents.cases"), list(view.case_names),
                                      format_func=state.label_of(view.case_names), key=cases_key,
                                      placeholder=tr("analysis.choose"))
        if set(chosen_cases) != set(linked) and st.button(tr("documents.save_cases"), key=f"doc_save_cases_{doc_id}"):

            def save_links(session):
                for case_id in set(chosen_cases) - set(linked):
                    case_service.link_case(session, case_id, document.id, actor_id=page.actor)
                for case_id in set(linked) - set(chosen_cases):
                    case_service.unlink_case(session, case_id, document.id, actor_id=page.actor)

            runner.run(save_links)
        if document.kind == "interview":
            parse_panel(document)
        manage_panel(document)
        labels = document.speakers
        if labels:
            current = document.interviewer_label if document.interviewer_label in labels else labels[0]
            label = st.radio(tr("documents.interviewer_label"), labels, index=labels.index(current), horizontal=True,
                             format_func=inline,
                             help=tr("documents.interviewer_help"), key=f"doc_interviewer_{doc_id}")
            if label != document.interviewer_label and st.button(tr("documents.confirm_interviewer"),
                                                                  key=f"doc_confirm_{doc_id}"):
                runner.run(lambda s: set_interviewer(s, document.id, label, actor_id=page.actor))
            pages = max(1, -(-len(document.turns) // TURNS_PER_PAGE))
            turn_page = st.number_input(tr("documents.turn_page", pages=pages), min_value=1, max_value=pages, value=1,
                                        key=f"doc_turn_page_{doc_id}") if pages > 1 else 1
            for turn in document.turns[(turn_page - 1) * TURNS_PER_PAGE: turn_page * TURNS_PER_PAGE]:
                who = tr("documents.interviewer") if turn.is_interviewer else tr("documents.informant")
                stamp = f" · {inline(turn.timestamp)}" if turn.timestamp else ""
                with st.container(border=True):
                    st.caption(f"#{turn.number} · **{inline(turn.speaker)}** ({who}){stamp}")
                    st.text(turn.text)
        else:
            st.text(document.preview + ("…" if document.truncated else ""))

with tab_cases:
    cases = view.cases
    if cases.empty:
        st.info(tr("documents.no_cases"))
    else:
        edited = st.data_editor(
            cases,
            hide_index=True,
            width="stretch",
            disabled=["id", "documents", "attributes"],
            column_config={
                "id": None,
                "pseudonym": tr("cases.pseudonym"),
                "stakeholder_group": st.column_config.SelectboxColumn(tr("cases.group"), options=["", *view.groups]),
                "organisation": tr("cases.organisation"),
                "position": tr("cases.position"),
                "interview_date": st.column_config.DateColumn(tr("cases.date"), format="YYYY-MM-DD"),
                "interview_place": tr("cases.place"),
                "documents": st.column_config.NumberColumn(tr("nav.documents")),
                "attributes": tr("cases.attributes"),
            },
            # A new generation once the cases are stored: the editor's edits are kept by row
            # number, and a renamed case moves (the table is in pseudonym order), so kept edits
            # would land on another case.
            key=state.form_key("cases", "editor"),
        )
        if st.button(tr("cases.save"), key="cases_save"):

            def save_cases(session):
                for before, after in zip(cases.to_dict("records"), edited.to_dict("records"), strict=True):
                    changes = {f: after[f] for f in CASE_FIELDS if after[f] != before[f]}
                    if changes:
                        case_service.save_case(session, pid, actor_id=page.actor, case_id=int(before["id"]), **changes)

            # The page reruns, so what it drew before the save (the documents' case pickers and
            # table) shows the new names.
            runner.run(save_cases, done=tr("cases.saved"), clear="cases")
    with st.expander(tr("cases.add")):
        # The form keeps what was typed when the case is refused (a pseudonym taken ...); it is
        # emptied once the case is stored.
        with st.form("case_add"):
            field = partial(state.form_key, "case_add")
            pseudonym = st.text_input(tr("cases.pseudonym"), key=field("pseudonym"))
            group = st.selectbox(tr("cases.group"), view.groups, index=None, placeholder=tr("analysis.choose"),
                                 key=field("group"))
            organisation = st.text_input(tr("cases.organisation"), key=field("organisation"))
            position = st.text_input(tr("cases.position"), key=field("position"))
            date = st.date_input(tr("cases.date"), value=None, key=field("date"))
            place = st.text_input(tr("cases.place"), key=field("place"))
            if st.form_submit_button(tr("ui.add")):
                runner.run(lambda s: case_service.save_case(
                    s, pid, actor_id=page.actor, pseudonym=pseudonym, stakeholder_group=group,
                    organisation=organisation, position=position, interview_date=date, interview_place=place),
                           done=tr("cases.added", pseudonym=pseudonym.strip()), clear="case_add")
    case_sheet = st.file_uploader(tr("cases.sheet"), type=["csv", "tsv", "txt"], help=tr("cases.sheet_help"), key="case_sheet")
    if case_sheet is not None and st.button(tr("cases.import_sheet"), key="case_sheet_import"):
        sheet_name, sheet_data = case_sheet.name, case_sheet.getvalue()
        runner.run(lambda s: case_service.import_case_sheet(s, pid, sheet_name, sheet_data, actor_id=page.actor),
                   done=lambda count: tr("cases.sheet_imported", count=count), rerun=False)
