"""Documents: import files, see turns and metadata, edit cases (informants)."""

import streamlit as st

from qualcode import queries
from qualcode.errors import QualcodeError
from qualcode.importers import SUPPORTED_SUFFIXES, extract
from qualcode.models import DOCUMENT_KINDS
from qualcode.pseudonyms import parse_mapping, preview
from qualcode.services import cases as case_service
from qualcode.services import documents as document_service
from qualcode.services import projects as project_service
from qualcode.services.imports import import_files, read_metadata_sheet, set_interviewer
from qualcode.ui import state
from qualcode.ui.markup import inline, literal, message
from qualcode.ui.state import tr

TURNS_PER_PAGE = 40

st.title(tr("nav.documents"))
pid = state.require_project()
uid = state.user_id()
lang = state.lang()

tab_list, tab_import, tab_cases = st.tabs([tr("documents.tab_list"), tr("documents.tab_import"),
                                           tr("documents.tab_cases")])

with tab_import:
    uploads = st.file_uploader(
        tr("documents.upload"),
        type=[s.lstrip(".") for s in SUPPORTED_SUFFIXES],
        accept_multiple_files=True,
        help=tr("documents.upload_help"),
        key="doc_uploads",
    )
    kind = st.selectbox(tr("documents.kind"), DOCUMENT_KINDS, format_func=lambda k: tr(f"kind.{k}"), key="doc_kind")
    sheet = st.file_uploader(tr("documents.metadata_sheet"), type=["csv"], help=tr("documents.metadata_help"),
                             key="doc_sheet")
    mapping_text = st.text_area(tr("documents.pseudonyms"), help=tr("documents.pseudonyms_help"), height=90,
                                key="doc_pseudonyms")
    mapping = parse_mapping(mapping_text)
    if mapping and uploads:
        with st.expander(tr("documents.pseudonym_preview"), expanded=True):
            for upload in uploads:
                try:
                    texts = extract(upload.name, upload.getvalue())
                except QualcodeError:
                    continue
                rows = [row for item in texts for row in preview(item.text, mapping)]
                st.markdown(f"**{inline(upload.name)}**: " + tr("documents.replacements", count=len(rows)))
                for before, original, pseudonym, after in rows:
                    st.markdown(f"…{literal(before)}~~{literal(original)}~~ **{literal(pseudonym)}**{literal(after)}…")
    if st.button(tr("documents.import"), type="primary", disabled=not uploads, key="doc_import"):
        bar = st.progress(0.0, text=tr("documents.importing"))

        def progress(done: int, total: int, name: str) -> None:
            bar.progress(done / max(total, 1), text=tr("documents.importing_file", file=name) if name else "")

        try:
            metadata = read_metadata_sheet(sheet.name, sheet.getvalue()) if sheet else {}
            with state.action() as session:
                report = import_files(session, pid, [(u.name, u.getvalue()) for u in uploads or []],
                                      actor_id=uid, kind=kind, metadata=metadata, pseudonyms=mapping or None,
                                      progress=progress)
            bar.progress(1.0, text=tr("documents.import_done"))
            for outcome in report.outcomes:
                if outcome.status == "imported":
                    st.success(tr("documents.imported", file=outcome.file, count=len(outcome.document_ids)))
                elif outcome.status == "duplicate":
                    st.warning(message(outcome, lang))
                else:
                    st.error(message(outcome, lang))
        except QualcodeError as exc:
            st.error(message(exc, lang))
        except state.ActionFailed:
            pass

with state.reading() as session:
    table = queries.document_table(session, pid)
    project = project_service.get_project(session, pid)
    groups = project.groups

with tab_list:
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
        doc_id = st.selectbox(tr("documents.open"), list(titles), format_func=titles.get, key="doc_open")
        with state.reading() as session:
            document = document_service.get_document(session, doc_id)
            turns = list(document.turns)
            linked = [c.id for c in document.cases]
            all_cases = {c.id: c.pseudonym for c in case_service.list_cases(session, pid)}
            text = document.text if not turns else ""
            labels = list(dict.fromkeys(t.speaker for t in turns))
        st.subheader(inline(document.title))
        st.caption(f"{tr('kind.' + document.kind)} · {inline(document.original_filename)} · "
                   f"{tr('documents.length')}: {document.length}")
        chosen_cases = st.multiselect(tr("documents.cases"), list(all_cases), default=linked,
                                      format_func=all_cases.get, key=f"doc_cases_{doc_id}")
        if set(chosen_cases) != set(linked) and st.button(tr("documents.save_cases"), key=f"doc_save_cases_{doc_id}"):
            try:
                with state.action() as session:
                    for case_id in set(chosen_cases) - set(linked):
                        case_service.link_case(session, case_id, doc_id, actor_id=uid)
                    for case_id in set(linked) - set(chosen_cases):
                        case_service.unlink_case(session, case_id, doc_id, actor_id=uid)
                st.rerun()
            except state.ActionFailed:
                pass
        if labels:
            current = document.interviewer_label if document.interviewer_label in labels else labels[0]
            label = st.radio(tr("documents.interviewer_label"), labels, index=labels.index(current), horizontal=True,
                             format_func=inline,
                             help=tr("documents.interviewer_help"), key=f"doc_interviewer_{doc_id}")
            if label != document.interviewer_label and st.button(tr("documents.confirm_interviewer"),
                                                                  key=f"doc_confirm_{doc_id}"):
                try:
                    with state.action() as session:
                        set_interviewer(session, doc_id, label, actor_id=uid)
                    st.rerun()
                except state.ActionFailed:
                    pass
            pages = max(1, -(-len(turns) // TURNS_PER_PAGE))
            page = st.number_input(tr("documents.turn_page", pages=pages), min_value=1, max_value=pages, value=1,
                                   key=f"doc_turn_page_{doc_id}") if pages > 1 else 1
            with state.reading() as session:
                full = document_service.get_document(session, doc_id).text
            for turn in turns[(page - 1) * TURNS_PER_PAGE: page * TURNS_PER_PAGE]:
                who = tr("documents.interviewer") if turn.is_interviewer else tr("documents.informant")
                stamp = f" · {turn.timestamp}" if turn.timestamp else ""
                with st.container(border=True):
                    st.caption(f"#{turn.number} · **{inline(turn.speaker)}** ({who}){inline(stamp)}")
                    st.text(full[turn.text_start:turn.end])
        else:
            st.text(text[:20000] + ("…" if len(text) > 20000 else ""))

with tab_cases:
    with state.reading() as session:
        cases = queries.case_table(session, pid)
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
                "stakeholder_group": st.column_config.SelectboxColumn(tr("cases.group"), options=["", *groups]),
                "organisation": tr("cases.organisation"),
                "position": tr("cases.position"),
                "interview_date": st.column_config.DateColumn(tr("cases.date"), format="YYYY-MM-DD"),
                "interview_place": tr("cases.place"),
                "documents": st.column_config.NumberColumn(tr("nav.documents")),
                "attributes": tr("cases.attributes"),
            },
            key="cases_editor",
        )
        if st.button(tr("cases.save"), key="cases_save"):
            fields = ["pseudonym", "stakeholder_group", "organisation", "position", "interview_date", "interview_place"]
            try:
                with state.action() as session:
                    for before, after in zip(cases.to_dict("records"), edited.to_dict("records"), strict=True):
                        changes = {f: after[f] for f in fields if after[f] != before[f]}
                        if changes:
                            case_service.save_case(session, pid, actor_id=uid, case_id=int(before["id"]), **changes)
                st.success(tr("cases.saved"))
            except state.ActionFailed:
                pass
    with st.expander(tr("cases.add")):
        with st.form("case_add", clear_on_submit=True):
            pseudonym = st.text_input(tr("cases.pseudonym"))
            group = st.selectbox(tr("cases.group"), ["", *groups])
            organisation = st.text_input(tr("cases.organisation"))
            position = st.text_input(tr("cases.position"))
            date = st.date_input(tr("cases.date"), value=None)
            place = st.text_input(tr("cases.place"))
            if st.form_submit_button(tr("ui.add")):
                try:
                    with state.action() as session:
                        case_service.save_case(session, pid, actor_id=uid, pseudonym=pseudonym, stakeholder_group=group,
                                               organisation=organisation, position=position, interview_date=date,
                                               interview_place=place)
                    st.rerun()
                except state.ActionFailed:
                    pass
    case_sheet = st.file_uploader(tr("cases.sheet"), type=["csv"], help=tr("cases.sheet_help"), key="case_sheet")
    if case_sheet is not None and st.button(tr("cases.import_sheet"), key="case_sheet_import"):
        try:
            with state.action() as session:
                count = case_service.import_case_sheet(session, pid, case_sheet.name, case_sheet.getvalue(),
                                                       actor_id=uid)
            st.success(tr("cases.sheet_imported", count=count))
        except QualcodeError as exc:
            st.error(message(exc, lang))
        except state.ActionFailed:
            pass
