"""Export: coded segments (CSV, XLSX), the project as REFI-QDA .qdpx, codebooks as .qdc, and .qdpx import."""

import streamlit as st

from qualcode import queries
from qualcode.errors import QualcodeError
from qualcode.exports import SegmentFilters, coded_segments, to_csv, to_xlsx
from qualcode.models import DOCUMENT_KINDS
from qualcode.services import projects as project_service
from qualcode.services.auth import require
from qualcode.services.codebooks import list_codebooks
from qualcode.services.exchange import export_codebook, export_project, import_project
from qualcode.ui import state
from qualcode.ui.frame import sandboxed_html
from qualcode.ui.markup import message
from qualcode.ui.state import tr

COUNTINGS = {"codepoints": "export.counting_codepoints", "utf16": "export.counting_utf16",
             "codepoints+bom": "export.counting_codepoints_bom", "utf16+bom": "export.counting_utf16_bom"}

st.title(tr("nav.export"))
pid = state.require_project()
uid = state.user_id()
lang = state.lang()
st.caption(tr("export.intro"))

with state.reading() as session:
    project = project_service.get_project(session, pid)
    project_name, groups = project.name, project.groups
    books = [(b.id, b.name, b.key) for b in list_codebooks(session, pid)]
    codes = queries.code_table(session, pid)
    coders = [(u.id, u.display_name) for u, _ in project_service.members(session, pid)]

slug = "".join(c if c.isalnum() else "_" for c in project_name).strip("_") or "project"
tab_segments, tab_project, tab_codebook, tab_import, tab_report = st.tabs(
    [tr("export.tab_segments"), tr("export.tab_project"), tr("export.tab_codebook"), tr("export.tab_import"),
     tr("report.tab")])

with tab_segments:
    book_names = {b: name for b, name, _ in books} | {0: tr("export.inductive")}
    code_names = {int(r.id): f"{r.name_id if lang == 'id' else (r.name_en or r.name_id)} ({r.key})" for r in codes.itertuples()}
    coder_names = dict(coders)
    c1, c2, c3 = st.columns(3)
    f_books = c1.multiselect(tr("export.filter_codebook"), list(book_names), format_func=book_names.get, key="ex_books",
                             placeholder=tr("export.all"))
    f_codes = c2.multiselect(tr("export.filter_code"), list(code_names), format_func=code_names.get, key="ex_codes",
                             placeholder=tr("export.all"))
    f_coders = c3.multiselect(tr("export.filter_coder"), list(coder_names), format_func=coder_names.get,
                              key="ex_coders", placeholder=tr("export.all"))
    c4, c5, c6 = st.columns(3)
    f_kinds = c4.multiselect(tr("export.filter_kind"), list(DOCUMENT_KINDS), format_func=lambda k: tr(f"kind.{k}"),
                             key="ex_kinds", placeholder=tr("export.all"))
    f_groups = c5.multiselect(tr("export.filter_group"), groups, key="ex_groups", placeholder=tr("export.all"))
    by = c6.radio(tr("export.sheets"), ["code", "dimension"], key="ex_by",
                  format_func=lambda v: tr("export.sheets_code") if v == "code" else tr("export.sheets_dimension"))
    filters = SegmentFilters(codebook_ids=f_books or None, code_ids=f_codes or None, coder_ids=f_coders or None,
                             kinds=f_kinds or None, groups=f_groups or None)
    if st.button(tr("export.prepare"), key="ex_prepare_segments", type="primary"):
        bar = st.progress(0.0, text=tr("export.preparing", what=tr("export.tab_segments")))
        try:
            with state.reading() as session:
                require(session, pid, uid, "project.read")
                table = coded_segments(session, pid, filters)
            bar.progress(0.4, text=tr("export.preparing", what="CSV"))
            csv_bytes = to_csv(table)
            bar.progress(0.6, text=tr("export.preparing", what="XLSX"))
            st.session_state["ex_segments"] = (repr((filters, by)), len(table), csv_bytes, to_xlsx(table, by=by))
            bar.progress(1.0, text=tr("export.rows", count=len(table)))
        except QualcodeError as exc:
            st.error(message(exc, lang))
    prepared = st.session_state.get("ex_segments")
    if prepared and prepared[0] == repr((filters, by)):  # files made for other filters are not offered
        _, count, csv_bytes, xlsx_bytes = prepared
        st.write(tr("export.rows", count=count) if count else tr("export.no_codings"))
        d1, d2 = st.columns(2)
        d1.download_button(tr("export.download_csv"), csv_bytes, f"{slug}_segments.csv", "text/csv", key="ex_dl_csv")
        d2.download_button(tr("export.download_xlsx"), xlsx_bytes, f"{slug}_segments.xlsx",
                           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="ex_dl_xlsx")

with tab_project:
    st.write(tr("export.qdpx_help"))
    if st.button(tr("export.prepare"), key="ex_prepare_qdpx", type="primary"):
        bar = st.progress(0.1, text=tr("export.preparing", what=".qdpx"))
        try:
            with state.reading() as session:
                st.session_state["ex_qdpx"] = export_project(session, pid, actor_id=uid)
            bar.progress(1.0, text=".qdpx")
        except QualcodeError as exc:
            st.error(message(exc, lang))
    if st.session_state.get("ex_qdpx"):
        st.download_button(tr("export.download_qdpx"), st.session_state["ex_qdpx"], f"{slug}.qdpx",
                           "application/zip", key="ex_dl_qdpx")

with tab_codebook:
    if not books:
        st.info(tr("export.no_codebooks"))
    else:
        keys = {b: key for b, _, key in books}
        chosen = st.selectbox(tr("export.filter_codebook"), [b for b, _, _ in books],
                              format_func=lambda b: next(n for i, n, _ in books if i == b), key="ex_book")
        try:
            with state.reading() as session:
                qdc = export_codebook(session, chosen, actor_id=uid)
            st.download_button(tr("export.download_qdc"), qdc, f"{keys[chosen]}.qdc", "application/xml", key="ex_dl_qdc")
        except QualcodeError as exc:
            st.error(message(exc, lang))

with tab_import:
    st.write(tr("export.import_help"))
    upload = st.file_uploader(tr("export.import_file"), type=["qdpx"], key="ex_upload")
    new_name = st.text_input(tr("export.import_name"), key="ex_import_name")
    if st.button(tr("export.import_button"), key="ex_import", type="primary", disabled=upload is None):
        bar = st.progress(0.0, text=upload.name)

        def progress(fraction: float, label: str) -> None:
            bar.progress(min(max(fraction, 0.0), 1.0), text=label or upload.name)

        try:
            with state.action() as session:
                result = import_project(session, upload.getvalue(), upload.name, actor_id=uid,
                                        name=new_name.strip() or None, progress=progress)
            bar.progress(1.0, text=upload.name)
            st.session_state["ex_imported"] = result
        except state.ActionFailed:
            pass
    result = st.session_state.get("ex_imported")
    if result is not None:
        st.success(tr("export.imported", project=result.project_name, **result.counts))
        for source, counting in result.counting.items():
            how = tr(COUNTINGS.get(counting, "export.counting_codepoints"))
            st.caption(tr("export.import_counting", source=source, counting=how))
        if result.skipped_sources:
            st.warning(tr("export.import_skipped", sources=", ".join(result.skipped_sources)))
        if result.dropped_selections:
            st.warning(tr("export.import_dropped", count=result.dropped_selections))
        if st.button(tr("export.open_project"), key="ex_open"):
            state.set_project(result.project_id)
            st.session_state.pop("ex_imported", None)
            st.rerun()

with tab_report:  # the study report (issue 8): qualcode/report.py
    from qualcode.report import MatrixChoice, build_report, default_matrices, render_docx, render_html

    st.write(tr("report.help"))
    options = [MatrixChoice(kind, b) for b, _, _ in books for kind in ("role", "case")]
    names = {b: name for b, name, _ in books}
    with state.reading() as session:
        preset = [c for c in default_matrices(session, pid) if c in options]
    chosen_matrices = st.multiselect(tr("report.choose_matrices"), options, default=preset, key="ex_report_matrices",
                                     format_func=lambda c: f"{names[c.codebook_id]} · {tr(f'report.kind_{c.kind}')}")
    wanted = repr((lang, chosen_matrices))
    if st.button(tr("report.prepare"), key="ex_prepare_report", type="primary"):
        bar = st.progress(0.1, text=tr("export.preparing", what=tr("report.tab")))
        try:
            with state.reading() as session:
                report = build_report(session, pid, actor_id=uid, lang=lang, matrices=chosen_matrices)
            bar.progress(0.6, text=tr("export.preparing", what="DOCX"))
            st.session_state["ex_report"] = (wanted, render_html(report), render_docx(report))
            bar.progress(1.0, text=tr("report.tab"))
        except QualcodeError as exc:
            st.error(message(exc, lang))
    made = st.session_state.get("ex_report")
    if made and made[0] == wanted:  # a report made for other choices is not offered
        _, report_html, report_docx = made
        r1, r2 = st.columns(2)
        r1.download_button(tr("report.download_docx"), report_docx, f"{slug}_report.docx",
                           "application/vnd.openxmlformats-officedocument.wordprocessingml.document", key="ex_dl_report_docx")
        r2.download_button(tr("report.download_html"), report_html.encode("utf-8"), f"{slug}_report.html", "text/html",
                           key="ex_dl_report_html")
        st.subheader(tr("report.preview"))
        sandboxed_html(report_html, title=tr("report.preview"), height=700, key="ex_report_preview")
