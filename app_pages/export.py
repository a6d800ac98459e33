"""Export: coded segments (CSV, XLSX), the project as REFI-QDA .qdpx, codebooks as .qdc, the study
report, and .qdpx import."""

import re
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from qualcode.read.views.export import (
    MatrixChoice,
    PreparedProject,
    SegmentFilters,
    codebook_file,
    export_view,
    project_file,
    report_files,
    segment_files,
)
from qualcode.services.exchange import QdpxImport, import_project, report_lines
from qualcode.ui import runner, shell, state
from qualcode.ui.frame import sandboxed_html
from qualcode.ui.state import tr

PROFILES = ("standard", "nvivo", "atlasti", "maxqda")
T = TypeVar("T")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

page = shell.project_page("nav.export", caption_key="export.intro")
pid, uid, lang = page.project_id, page.user_id, page.lang
ss = st.session_state
with state.reading() as session:
    view = export_view(session, pid)
slug = view.slug
book_names = {b.id: b.name for b in view.books}


def _plain(text: str) -> str:
    """``text`` with Markdown's special characters escaped: names from the file stay text."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$:])", r"\\\1", text)


def show_import_report(result: QdpxImport) -> None:
    """The .qdpx import report: what came in, and each source or selection left out and why."""
    lines = report_lines(result, state.lang())
    st.success(_plain(lines[0][1]))
    with st.expander(tr("qdpx.report_title"), expanded=any(level == "warning" for level, _ in lines)):
        for level, line in lines[1:]:
            (st.warning if level == "warning" else st.caption)(_plain(line))


def reading(work: Callable[[Any, int], T]) -> T | None:
    """Read-side work for a file: a refusal (no permission, no user) is shown, ``None`` comes back."""

    def read() -> T:
        with state.reading() as session:
            return work(session, page.actor)

    return runner.attempt(read)


def stale(prepared: Any) -> bool:
    """Whether a prepared file was read before the project's latest change (every write records an
    audit event: ``view.revision``); such a file is not offered, the page asks to prepare it again."""
    return int(getattr(prepared, "revision", -1)) < view.revision


tab_segments, tab_project, tab_codebook, tab_import, tab_report = state.tabs(
    "export_tab", [tr("export.tab_segments"), tr("export.tab_project"), tr("export.tab_codebook"),
                   tr("export.tab_import"), tr("report.tab")])

with tab_segments:
    filter_books = book_names | {0: tr("export.inductive")}
    code_names = view.code_names(lang)
    coder_names = {m.id: m.name for m in view.coders}
    c1, c2, c3 = st.columns(3)
    f_books = c1.multiselect(tr("export.filter_codebook"), list(filter_books), key="ex_books",
                             format_func=state.label_of(filter_books), placeholder=tr("export.all"))
    f_codes = c2.multiselect(tr("export.filter_code"), list(code_names), key="ex_codes",
                             format_func=state.label_of(code_names), placeholder=tr("export.all"))
    f_coders = c3.multiselect(tr("export.filter_coder"), list(coder_names), key="ex_coders",
                              format_func=state.label_of(coder_names), placeholder=tr("export.all"))
    c4, c5, c6 = st.columns(3)
    # labels read in this run, in the UI language (a format_func calling tr later could read another)
    kind_names = {k: tr(f"kind.{k}") for k in view.kinds}
    f_kinds = c4.multiselect(tr("export.filter_kind"), list(view.kinds), format_func=state.label_of(kind_names),
                             key="ex_kinds", placeholder=tr("export.all"))
    f_groups = c5.multiselect(tr("export.filter_group"), view.groups, key="ex_groups", placeholder=tr("export.all"))
    sheet_names = {"code": tr("export.sheets_code"), "dimension": tr("export.sheets_dimension")}
    by = c6.radio(tr("export.sheets"), list(sheet_names), key="ex_by", format_func=state.label_of(sheet_names))
    filters = SegmentFilters(codebook_ids=f_books or None, code_ids=f_codes or None, coder_ids=f_coders or None,
                             kinds=f_kinds or None, groups=f_groups or None)
    wanted_segments = repr((filters, by))
    if st.button(tr("export.prepare"), key="ex_prepare_segments", type="primary"):
        bar = st.progress(0.1, text=tr("export.preparing", what=tr("export.tab_segments")))
        files = reading(lambda s, actor: segment_files(s, pid, actor, filters, by=by))
        if files is not None:
            ss["ex_segments"] = (wanted_segments, files)
            bar.progress(1.0, text=tr("export.rows", count=files.rows))
    prepared = ss.get("ex_segments")
    if prepared and prepared[0] == wanted_segments and stale(prepared[1]):  # the data changed since
        st.warning(tr("export.stale_files"))
    elif prepared and prepared[0] == wanted_segments:  # files made for other filters are not offered
        files = prepared[1]
        st.write(tr("export.rows", count=files.rows) if files.rows else tr("export.no_codings"))
        d1, d2 = st.columns(2)
        d1.download_button(tr("export.download_csv"), files.csv, f"{slug}_segments.csv", "text/csv", key="ex_dl_csv",
                           on_click="ignore")
        d2.download_button(tr("export.download_xlsx"), files.xlsx, f"{slug}_segments.xlsx", XLSX, key="ex_dl_xlsx",
                           on_click="ignore")

with tab_project:
    st.write(tr("export.qdpx_help"))
    profile_names = {p: tr(f"qdpx.profile_{p}") for p in PROFILES}
    profile = st.selectbox(tr("qdpx.profile_label"), PROFILES, format_func=state.label_of(profile_names),
                           key="ex_profile")
    if st.button(tr("export.prepare"), key="ex_prepare_qdpx", type="primary"):
        bar = st.progress(0.1, text=tr("export.preparing", what=".qdpx"))
        qdpx = reading(lambda s, actor: project_file(s, pid, actor, profile))
        if qdpx is not None:
            ss["ex_qdpx"] = (pid, qdpx)
            bar.progress(1.0, text=qdpx.filename)
    # only the file written for this project and the chosen tool is offered, under a name saying which
    prepared_for, prepared_qdpx = ss.get("ex_qdpx", (None, None))
    if prepared_for == pid and isinstance(prepared_qdpx, PreparedProject) and prepared_qdpx.profile == profile:
        if stale(prepared_qdpx):  # the data changed since
            st.warning(tr("export.stale_files"))
        else:
            st.download_button(tr("export.download_qdpx"), prepared_qdpx.data, prepared_qdpx.filename,
                               "application/zip", key="ex_dl_qdpx", on_click="ignore")

with tab_codebook:
    if not view.books:
        st.info(tr("export.no_codebooks"))
    else:
        keys = {b.id: b.key for b in view.books}
        chosen = st.selectbox(tr("export.filter_codebook"), list(book_names), format_func=state.label_of(book_names),
                              key="ex_book")
        qdc = reading(lambda s, actor: codebook_file(s, chosen, actor)) if chosen is not None else None
        if chosen is not None and qdc is not None:
            st.download_button(tr("export.download_qdc"), qdc, f"{keys[chosen]}.qdc", "application/xml", key="ex_dl_qdc",
                               on_click="ignore")

with tab_import:
    st.write(tr("export.import_help"))
    upload = st.file_uploader(tr("export.import_file"), type=["qdpx"], key="ex_upload")
    new_name = st.text_input(tr("export.import_name"), key="ex_import_name")
    if st.button(tr("export.import_button"), key="ex_import", type="primary", disabled=upload is None) and upload:
        data, filename = upload.getvalue(), upload.name
        bar = st.progress(0.0, text=filename)

        def progress(fraction: float, label: str) -> None:
            bar.progress(min(max(fraction, 0.0), 1.0), text=label or filename)

        done = runner.run(lambda s: import_project(s, data, filename, actor_id=page.actor,
                                                   name=new_name.strip() or None, progress=progress), rerun=False)
        if done.ok:
            bar.progress(1.0, text=filename)
            ss["ex_imported"] = done.value
    result = ss.get("ex_imported")
    if result is not None:
        show_import_report(result)
        if st.button(tr("export.open_project"), key="ex_open"):
            state.set_project(result.project_id)
            ss.pop("ex_imported", None)
            st.rerun()

with tab_report:  # the study report (issues 8, 15): qualcode/report/
    st.write(tr("report.help"))
    options = [MatrixChoice(kind, b.id) for b in view.books for kind in ("role", "case", "excerpt", "checklist")]
    options += [c for c in view.default_matrices if c.kind == "cross"]  # the pair the codebooks name

    def matrix_name(choice: MatrixChoice) -> str:
        books = book_names[choice.codebook_id]
        if choice.factors_codebook_id is not None:
            books = f"{books} × {book_names.get(choice.factors_codebook_id, '')}"
        return f"{books} · {tr(f'report.kind_{choice.kind}')}"

    preset = [c for c in view.default_matrices if c in options]
    chosen_matrices = st.multiselect(tr("report.choose_matrices"), options, default=preset, key="ex_report_matrices",
                                     format_func=matrix_name)
    wanted = repr((lang, chosen_matrices))
    if st.button(tr("report.prepare"), key="ex_prepare_report", type="primary"):
        bar = st.progress(0.1, text=tr("export.preparing", what=tr("report.tab")))
        made = reading(lambda s, actor: report_files(s, pid, actor, lang, chosen_matrices))
        if made is not None:
            ss["ex_report"] = (wanted, made.html, made.docx, made.charts, made)
            bar.progress(1.0, text=tr("report.tab"))
    prepared_report = ss.get("ex_report")
    if prepared_report and prepared_report[0] == wanted and stale(prepared_report[-1]):  # the data changed since
        st.warning(tr("export.stale_report"))
    elif prepared_report and prepared_report[0] == wanted:  # a report made for other choices is not offered
        _, report_html, report_docx, report_charts, _ = prepared_report
        r1, r2 = st.columns(2)
        r1.download_button(tr("report.download_docx"), report_docx, f"{slug}_report.docx", DOCX, key="ex_dl_report_docx",
                           on_click="ignore")
        r2.download_button(tr("report.download_html"), report_html.encode("utf-8"), f"{slug}_report.html", "text/html",
                           key="ex_dl_report_html", on_click="ignore")
        if report_charts:
            st.caption(tr("report.charts"))
            for i, (title, filename, png) in enumerate(report_charts):
                st.download_button(tr("report.download_chart", title=title), png, filename, "image/png",
                                   key=f"ex_dl_report_chart_{i}", on_click="ignore")
        st.subheader(tr("report.preview"))
        sandboxed_html(report_html, title=tr("report.preview"), height=700, key="ex_report_preview")
