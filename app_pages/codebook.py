"""Codebook: browse the code tree; add, edit, recolour, move, merge and delete codes;
import and export codebooks (YAML, CSV, REFI-QDA .qdc)."""

from functools import partial
from pathlib import PurePath

import streamlit as st

from qualcode.codebooks import dump_codebook
from qualcode.exchange.codebook_csv import codebook_to_csv
from qualcode.exchange.qdc import codebook_to_qdc
from qualcode.files.codebook import read_codebook
from qualcode.limits import MAX_NAME_CHARS
from qualcode.read.views.codebook import CodeView, codebook_view, slugify
from qualcode.read.views.coding import quote as quote_text
from qualcode.read.views.coding import retrieval_csv, retrieve
from qualcode.services import codebooks as codebook_service
from qualcode.services import codes as code_service
from qualcode.ui import runner, shell, state
from qualcode.ui.coding import open_at
from qualcode.ui.markup import code as inline_code
from qualcode.ui.markup import inline, literal, quote, swatch_markdown
from qualcode.ui.state import tr

page = shell.project_page("nav.codebook")
pid, lang = page.project_id, page.lang
with state.reading() as session:
    view = codebook_view(session, pid)
codes_by_id = view.by_id


def retrieved_segments(code_id: int) -> None:
    """Every segment coded with the code (sub-codes too) across documents, each opening its place
    in the transcript; downloadable."""
    with state.reading() as session:
        table = retrieve(session, pid, code_id, lang=lang)
    st.caption(tr("coding.retrieved", count=len(table)))
    st.download_button(tr("coding.download_retrieved"), retrieval_csv(table, lang), f"segments-{code_id}.csv",
                       "text/csv", key=f"cb_retrieve_dl_{code_id}", on_click="ignore")
    for n, row in enumerate(table.head(200).itertuples()):
        who = " · ".join(x for x in (row.speaker, row.informant, row.group) if x)
        st.caption(inline(row.document) + (f" · {inline(who)}" if who else ""))
        st.text("“" + quote_text(row.text, 200) + "”")
        if st.button(tr("coding.open_here"), key=f"cb_open_{code_id}_{n}_{row.segment_id}"):
            open_at(int(row.document_id), int(row.start), every_coder=True)
            st.session_state["seg_focus"] = [int(row.segment_id)]
            st.switch_page("app_pages/coding.py")


def code_label(code_id: int | None) -> str:
    if code_id is None:
        return tr("codebook.top_level")
    code = codes_by_id[code_id]
    return f"{'· ' * code.depth}{code.label(lang)} ({code.key})"


def plain_label(code_id: int | None) -> str:
    return tr("codebook.top_level") if code_id is None else codes_by_id[code_id].label(lang)


@st.dialog(tr("codebook.delete_title"))
def confirm_delete(code_id: int) -> None:
    code = codes_by_id[code_id]
    st.write(tr("codebook.delete_question", code=code.label(lang), count=code.codings))
    left, right = st.columns(2)
    if left.button(tr("codebook.delete_confirm"), type="primary", key="delete_yes"):
        runner.run(lambda s: code_service.delete_code(s, code_id, actor_id=page.actor, delete_codings=True),
                   done=tr("codebook.deleted", code=code.label(lang)))
    if right.button(tr("codebook.cancel"), key="delete_no"):
        st.rerun()


@st.dialog(tr("codebook.merge_title"))
def confirm_merge(code_id: int, into: int) -> None:
    """A merge removes the code (its codings, memos and subcodes move to ``into``): asked first."""
    code = codes_by_id[code_id]
    st.write(tr("codebook.merge_question", code=code.label(lang), target=plain_label(into), count=code.codings))
    left, right = st.columns(2)
    if left.button(tr("codebook.merge_confirm"), type="primary", key="merge_yes"):
        runner.run(lambda s: code_service.merge_codes(s, code_id, into, actor_id=page.actor),
                   done=tr("codebook.merged", code=code.label(lang), target=plain_label(into)))
    if right.button(tr("codebook.cancel"), key="merge_no"):
        st.rerun()


INDENT = 0.03  # the width of one level of the tree, as a share of the row


def code_row(code: CodeView) -> None:
    """One code of the tree: indented by its depth, its colour swatch, and an expander headed by
    its name in the UI language, key and number of codings, holding its definition and the rest."""
    if code.depth:
        _, swatch_column, body = st.columns([INDENT * code.depth, INDENT, 1 - INDENT * (code.depth + 1)], gap="small")
    else:
        swatch_column, body = st.columns([INDENT, 1 - INDENT], gap="small")
    swatch_markdown(code.colour, name="", where=swatch_column)
    name = inline(code.label(lang))
    heading = f"{f'**{name}**' if code.depth == 0 else name}  ·  {inline_code(code.key)}  ·  " \
              f"{tr('display.codings', count=code.codings)}"
    if code.with_subcodes != code.codings:
        heading += f"  ·  {tr('display.with_subcodes', count=code.with_subcodes)}"
    with body.expander(heading):
        swatch_markdown(code.colour, name=f"{code.name_id} / {code.name_en}", key=code.path)
        for field in ("definition", "inclusion", "exclusion"):
            if getattr(code, field):
                st.markdown(f"**{tr('codebook.' + field)}**: {literal(getattr(code, field))}")
        if code.examples:
            st.markdown(f"**{tr('codebook.examples')}**")
            for example in code.examples:
                st.markdown(quote(example))
        if code.indicators:
            st.caption(f"{tr('codebook.indicators')}: " + ", ".join(inline(i) for i in code.indicators))
        if code.codings and st.toggle(tr("coding.ws_retrieve"), key=f"cb_retrieve_{code.id}"):
            retrieved_segments(code.id)


tab_tree, tab_edit, tab_io = state.tabs(
    "codebook_tab", [tr("codebook.tab_tree"), tr("codebook.tab_edit"), tr("codebook.tab_io")])

with tab_tree:
    query = st.text_input(tr("codebook.search"), key="code_search", placeholder=tr("codebook.search_help"))
    needle = query.strip().lower()
    if not view.codes:
        st.info(tr("codebook.empty"))
    groups: list[tuple[int | None, str, str, str, str]] = [(b.id, b.name, b.key, b.version, b.source)
                                                           for b in view.books]
    groups.append((None, tr("codebook.inductive"), "", "", ""))
    for book_id, name, key, version, source in groups:
        codes = [c for c in view.codes if c.codebook_id == book_id]
        if needle:
            codes = [c for c in codes if needle in f"{c.key} {c.name_id} {c.name_en}".lower()]
        if not codes:
            continue
        with st.container(border=True):
            st.subheader(inline(name))
            if key:
                st.caption(f"{inline_code(key)} · {tr('codebook.version')} {inline(version)} · {inline(source)}")
            for code in codes:
                code_row(code)

with tab_edit:
    st.subheader(tr("codebook.new_code"))
    with st.form("new_code"):  # emptied once the code is added; a refusal keeps what was typed
        name = st.text_input(tr("codebook.name_id"), key=state.form_key("new_code", "name"), max_chars=MAX_NAME_CHARS)
        name_en = st.text_input(tr("codebook.name_en"), key=state.form_key("new_code", "name_en"),
                                max_chars=MAX_NAME_CHARS)
        parent = st.selectbox(tr("codebook.parent"), [None, *codes_by_id], format_func=code_label,
                              key=state.form_key("new_code", "parent"))
        colour = st.color_picker(tr("codebook.colour"), "#4E79A7", key=state.form_key("new_code", "colour"))
        definition = st.text_area(tr("codebook.definition"), height=80,
                                  key=state.form_key("new_code", "definition"))
        if st.form_submit_button(tr("codebook.add_code"), type="primary"):
            runner.run(lambda s: code_service.create_code(s, pid, name, actor_id=page.actor, parent_id=parent,
                                                          name_en=name_en, colour=colour, definition=definition),
                       done=tr("codebook.code_added", code=name), clear="new_code")
    if codes_by_id:
        st.divider()
        st.subheader(tr("codebook.edit_code"))
        code_id = st.selectbox(tr("codebook.choose_code"), list(codes_by_id), format_func=code_label, key="edit_code")
        code = codes_by_id[code_id]
        with st.form(f"edit_{code_id}"):
            c1, c2, c3 = st.columns([3, 3, 1])
            new_id_name = c1.text_input(tr("codebook.name_id"), code.name_id, max_chars=max(MAX_NAME_CHARS, len(code.name_id)))
            new_en_name = c2.text_input(tr("codebook.name_en"), code.name_en, max_chars=max(MAX_NAME_CHARS, len(code.name_en)))
            new_colour = c3.color_picker(tr("codebook.colour"), code.colour)
            new_definition = st.text_area(tr("codebook.definition"), code.definition)
            new_inclusion = st.text_area(tr("codebook.inclusion"), code.inclusion)
            new_exclusion = st.text_area(tr("codebook.exclusion"), code.exclusion)
            new_examples = st.text_area(tr("codebook.examples_lines"), "\n".join(code.examples))
            new_indicators = st.text_area(tr("codebook.indicators_lines"), "\n".join(code.indicators))
            if st.form_submit_button(tr("codebook.save"), type="primary"):
                changes = dict(name_id=new_id_name, name_en=new_en_name, colour=new_colour, definition=new_definition,
                               inclusion=new_inclusion, exclusion=new_exclusion,
                               examples=new_examples.splitlines(), indicators=new_indicators.splitlines())
                runner.run(lambda s: code_service.update_code(s, code_id, actor_id=page.actor, **changes),
                           done=tr("codebook.saved"))
        col_move, col_merge, col_delete = st.columns(3)
        with col_move:
            others = [None, *[i for i, c in codes_by_id.items() if i != code_id and not c.is_under(code)]]
            target_parent = st.selectbox(tr("codebook.move_to"), others, format_func=code_label, key="move_target")
            if st.button(tr("codebook.move"), key="move_button"):
                runner.run(lambda s: code_service.move_code(s, code_id, target_parent, actor_id=page.actor),
                           done=tr("codebook.moved", code=code.label(lang), parent=plain_label(target_parent)))
        with col_merge:
            targets = [i for i in codes_by_id if i != code_id]
            # No preselected target: a merge removes this code, so the researcher names the target.
            merge_target = st.selectbox(tr("codebook.merge_into"), targets, format_func=code_label, key="merge_target",
                                        index=None, placeholder=tr("codebook.merge_choose"))
            st.caption(tr("codebook.merge_help", count=code.codings))
            if st.button(tr("codebook.merge"), key="merge_button", disabled=merge_target is None):
                if merge_target is not None:
                    confirm_merge(code_id, merge_target)
        with col_delete:
            st.write("")
            if st.button(tr("codebook.delete"), key="delete_button"):
                confirm_delete(code_id)

with tab_io:
    st.subheader(tr("codebook.frameworks"), help=tr("codebook.frameworks_help"))
    if not view.frameworks:
        st.caption(tr("codebook.all_frameworks"))
    for framework in view.frameworks:
        with st.container(border=True):
            st.markdown(f"**{inline(framework.name)}**")
            st.caption(tr("projects.framework_codes", codes=framework.codes, source=framework.source))
            if st.button(tr("codebook.add_framework"), key=f"add_fw_{framework.id}"):
                runner.run(partial(codebook_service.apply_framework, project_id=pid, framework_id=framework.id,
                                   actor_id=page.actor),
                           done=tr("codebook.framework_added", codebook=framework.name))
    st.subheader(tr("codebook.import"))
    upload = st.file_uploader(tr("codebook.import_file"), type=["yaml", "yml", "csv", "qdc"], key="codebook_upload",
                              help=tr("codebook.import_help"))
    if upload is not None:
        stem = slugify(PurePath(upload.name).stem)
        suffix = PurePath(upload.name).suffix.lower()
        # The fields belong to this file (keys per upload): with fixed keys they kept the previous
        # file's id and name, and a second file went into the first one's codebook.
        new_key = st.text_input(tr("codebook.new_key"), stem, disabled=suffix in (".yaml", ".yml"),
                                key=f"cb_key_{upload.file_id}")
        new_name = st.text_input(tr("codebook.new_name"), PurePath(upload.name).stem,
                                 disabled=suffix in (".yaml", ".yml"), key=f"cb_name_{upload.file_id}")
        if st.button(tr("codebook.apply"), type="primary", key="codebook_apply"):
            data, filename = upload.getvalue(), upload.name

            def apply(session):
                # one reader for YAML, CSV and .qdc: any encoding, bounded work (qualcode.files.codebook)
                spec = read_codebook(filename, data, codebook_id=new_key, name=new_name)
                return codebook_service.apply_codebook(session, pid, spec, actor_id=page.actor).name

            runner.run(apply, done=lambda book: tr("codebook.applied", codebook=book), rerun=False)
    st.subheader(tr("codebook.export"))
    if not view.books:
        st.caption(tr("codebook.empty"))
    for book in view.books:
        spec = view.specs[book.id]
        st.markdown(f"**{inline(book.name)}**")
        c1, c2, c3 = st.columns(3)
        c1.download_button("YAML", dump_codebook(spec).encode("utf-8"), f"{book.key}.yaml", "application/x-yaml",
                           key=f"yaml_{book.id}", on_click="ignore")
        c2.download_button("CSV", codebook_to_csv(spec), f"{book.key}.csv", "text/csv", key=f"csv_{book.id}", on_click="ignore")
        c3.download_button("REFI-QDA (.qdc)", codebook_to_qdc(spec), f"{book.key}.qdc", "application/xml",
                           key=f"qdc_{book.id}", on_click="ignore")
