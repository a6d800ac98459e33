"""Analysis: the Miles–Huberman workflow — condensation, data displays, conclusions and verification."""

import altair as alt
import pandas as pd
import streamlit as st

from qualcode.analysis import displays as disp
from qualcode.analysis import export, register
from qualcode.analysis.tables import CONCLUSION_STATUSES, EVIDENCE_STANCES, TACTICS, Conclusion
from qualcode.models import DOCUMENT_KINDS, Document, Segment
from qualcode.services import analysis as analysis_service
from qualcode.services import codebooks as codebook_service
from qualcode.services import memos as memo_service
from qualcode.services import projects as project_service
from qualcode.ui import state
from qualcode.ui.markup import code, inline
from qualcode.ui.state import tr

FLASH = "analysis_flash"
SECTIONS = ("condensation", "display", "conclusions")
DISPLAYS = ("frequencies", "case_ordered", "role_ordered", "checklist", "cross_framework", "cooccurrence")

st.title(tr("nav.analysis"))
pid = state.require_project()
uid = state.user_id()
lang = state.lang()
ss = st.session_state

with state.reading() as session:
    books = [(b.id, b.name, b.key) for b in codebook_service.list_codebooks(session, pid)]
    codes = disp.code_frame(session, pid, lang)
    people = [(u.id, u.display_name) for u, _ in project_service.members(session, pid)]
    docs = [(d.id, d.title) for d in session.query(Document).filter(Document.project_id == pid).order_by(Document.title)]
    groups = sorted(set(disp.case_frame(session, pid)["group"]))
    patterns = register.pattern_code_table(session, pid, lang)
code_label = dict(zip(codes["code_id"], [f"{lbl} · {k}" for lbl, k in zip(codes["label"], codes["key"], strict=True)],
                      strict=True))
book_name = {b: n for b, n, _ in books}
doc_title = dict(docs)


def run(action) -> bool:  # type: ignore[no-untyped-def]
    """One user action, one transaction; a confirmation is shown after the rerun."""
    try:
        with state.action() as session:
            message = action(session)
    except state.ActionFailed:
        return False
    ss[FLASH] = message
    st.rerun()
    return True


if ss.get(FLASH):
    st.success(ss.pop(FLASH))

# One section at a time, kept in session state (st.tabs would fall back to the first tab on reruns
# and would compute every section on every run).
section = st.radio(tr("analysis.section"), SECTIONS, format_func=lambda v: tr(f"analysis.tab_{v}"), horizontal=True,
                   key="analysis_section", label_visibility="collapsed")


def dash(value: object) -> str:
    return "—" if value is None else str(value)


def segment_list(table: pd.DataFrame, key: str) -> None:
    """Segments with document and offsets, each with a button that opens it in the Coding page."""
    if table.empty:
        st.caption(tr("analysis.no_segments"))
        return
    st.caption(tr("analysis.segments_found", count=len(table)))
    for row in table.head(200).itertuples(index=False):
        left, right = st.columns([6, 1])
        left.markdown(f"**{inline(row.document)}** · {row.start}–{row.end} · {inline(row.informants or '—')} · "
                      f"{code(row.codes)}")
        left.caption(inline(row.snippet))
        if right.button(tr("analysis.open_in_coding"), key=f"{key}_open_{row.segment_id}"):
            ss["coding_doc_id"] = int(row.document_id)
            st.switch_page("app_pages/coding.py")


# --- Condensation -------------------------------------------------------------------------------
if section == "condensation":
    st.subheader(tr("analysis.memos"))
    with st.form("analysis_memo", clear_on_submit=True):
        memo_title = st.text_input(tr("analysis.memo_title"))
        memo_body = st.text_area(tr("analysis.memo_body"))
        memo_target = st.selectbox(tr("analysis.memo_on"), ["project", "document", "code"],
                                   format_func=lambda v: tr(f"analysis.on_{v}"))
        memo_doc = st.selectbox(tr("analysis.document"), [None, *doc_title], format_func=lambda d: doc_title.get(d, "—"))
        memo_code = st.selectbox(tr("analysis.code"), [None, *code_label], format_func=lambda c: code_label.get(c, "—"))
        if st.form_submit_button(tr("analysis.save_memo")):
            run(lambda s: (memo_service.add_memo(
                s, pid, memo_body, title=memo_title, actor_id=uid,
                document_id=memo_doc if memo_target == "document" else None,
                code_id=memo_code if memo_target == "code" else None), tr("analysis.memo_saved"))[1])
    query = st.text_input(tr("analysis.memo_search"), key="analysis_memo_search")
    with state.reading() as session:
        memos = register.search_memos(session, pid, query)
    memos["on"] = memos["on"].map(lambda v: tr(f"analysis.on_{v}"))
    st.dataframe(memos[["title", "body", "on", "author", "updated_at"]], hide_index=True, width="stretch")

    st.subheader(tr("analysis.pattern_codes"))
    with st.form("analysis_pattern", clear_on_submit=True):
        p_name = st.text_input(tr("analysis.pattern_name"))
        p_codes = st.multiselect(tr("analysis.pattern_members"), list(code_label), format_func=code_label.get,
                                 placeholder=tr("analysis.choose"))
        p_definition = st.text_area(tr("analysis.definition"))
        p_memo = st.text_area(tr("analysis.pattern_memo"))
        if st.form_submit_button(tr("analysis.save_pattern")):
            run(lambda s: (analysis_service.save_pattern_code(s, pid, p_name, p_codes, definition=p_definition,
                                                              memo=p_memo, actor_id=uid),
                           tr("analysis.pattern_saved", name=p_name))[1])
    st.dataframe(patterns.drop(columns=["pattern_code_id"]), hide_index=True, width="stretch")

    st.subheader(tr("analysis.summary_sheet"))
    if docs:
        sheet_doc = st.selectbox(tr("analysis.document"), list(doc_title), format_func=doc_title.get, key="sheet_doc")
        with state.reading() as session:
            sheet = analysis_service.summary_sheet(session, sheet_doc)
            linked = [s.id for s in sheet.segments] if sheet else []
            seg_rows = session.query(Segment.id, Segment.start, Segment.snippet).filter(
                Segment.document_id == sheet_doc).order_by(Segment.start).all()
        seg_label = {i: f"{start}: {snip[:70]}" for i, start, snip in seg_rows}
        with st.form(f"analysis_sheet_{sheet_doc}"):
            themes = st.text_area(tr("analysis.main_themes"), value=sheet.main_themes if sheet else "")
            points = st.text_area(tr("analysis.salient_points"), value=sheet.salient_points if sheet else "")
            questions = st.text_area(tr("analysis.next_questions"), value=sheet.next_questions if sheet else "")
            chosen = st.multiselect(tr("analysis.linked_segments"), list(seg_label), default=linked,
                                    format_func=seg_label.get, placeholder=tr("analysis.choose"))
            if st.form_submit_button(tr("analysis.save_sheet")):
                run(lambda s: (analysis_service.save_summary_sheet(
                    s, pid, sheet_doc, main_themes=themes, salient_points=points, next_questions=questions,
                    segment_ids=chosen, actor_id=uid), tr("analysis.sheet_saved"))[1])

    st.subheader(tr("analysis.condensed_excerpts"))
    if code_label:
        c_code = st.selectbox(tr("analysis.code"), list(code_label), format_func=code_label.get, key="condense_code")
        with state.reading() as session:
            sheet_table = register.condensation_sheet(session, pid, c_code)
        if sheet_table.empty:
            st.caption(tr("analysis.no_segments"))
        else:
            shown = sheet_table[["segment_id", "document", "informants", "groups", "snippet", "condensation"]]
            edited = st.data_editor(shown, hide_index=True, disabled=["segment_id", "document", "informants", "groups",
                                                                       "snippet"], key=f"condense_{c_code}",
                                    width="stretch")
            if st.button(tr("analysis.save_condensations"), key="save_condensations"):
                before = dict(zip(shown["segment_id"], shown["condensation"], strict=True))
                changed = [(int(s), t or "") for s, t in zip(edited["segment_id"], edited["condensation"], strict=True)
                           if (t or "") != before[s]]

                def save_all(s):  # type: ignore[no-untyped-def]
                    for seg_id, text in changed:
                        analysis_service.condense_segment(s, pid, seg_id, c_code, text, actor_id=uid)
                    return tr("analysis.condensations_saved", count=len(changed))

                run(save_all)

# --- Display -------------------------------------------------------------------------------------
if section == "display":
    kind = st.radio(tr("analysis.display"), DISPLAYS, format_func=lambda v: tr(f"analysis.display_{v}"),
                    horizontal=True, key="display_kind")
    cols = st.columns(5)
    book_ids = [b for b, _, _ in books]
    book = cols[0].selectbox(tr("analysis.codebook"), [None, *book_ids], key="display_book",
                             index=1 if book_ids else 0, format_func=lambda b: book_name.get(b, tr("analysis.all")))
    coders = cols[1].multiselect(tr("analysis.coders"), [i for i, _ in people], format_func=dict(people).get,
                                 key="display_coders", placeholder=tr("analysis.all"))
    kinds = cols[2].multiselect(tr("analysis.kinds"), DOCUMENT_KINDS, format_func=lambda k: tr(f"kind.{k}"),
                                key="display_kinds", placeholder=tr("analysis.all"))
    chosen_groups = cols[3].multiselect(tr("analysis.groups"), groups, key="display_groups",
                                        placeholder=tr("analysis.all"))
    only_codes = cols[4].multiselect(tr("analysis.codes"), list(code_label), format_func=code_label.get,
                                     key="display_codes", placeholder=tr("analysis.all"))
    filters = disp.Filters(codebook_ids=(book,) if book and kind in ("frequencies", "cooccurrence") else (),
                           code_ids=tuple(only_codes), coder_ids=tuple(coders), kinds=tuple(kinds),
                           groups=tuple(chosen_groups))
    dims = disp.dimensions(codes, book)
    dim_by_label = dict(zip(dims["label"], dims["code_id"], strict=True))
    drill: dict[str, object] | None = None
    chart_svg = None
    chart_json: str | None = None  # the frequency chart's Vega-Lite spec
    cell_edit: dict[str, object] | None = None  # saved after the read session closes (SQLite: one writer)
    with state.reading() as session:
        if kind == "frequencies":
            table = disp.code_frequencies(session, pid, filters, lang)
            st.dataframe(table.drop(columns=["code_id"]), hide_index=True, width="stretch")
            top = table.head(25)
            chart = alt.Chart(top).mark_bar().encode(x=alt.X("segments:Q"), y=alt.Y("label:N", sort="-x"),
                                                     tooltip=["label", "segments", "documents", "informants"])
            st.altair_chart(chart, width="stretch")
            chart_json = chart.to_json()
            chart_svg = export.bar_chart_svg(top["label"].tolist(), top["segments"].tolist(), tr("analysis.segments"))
            row = st.selectbox(tr("analysis.drill_row"), [None, *table["code_id"]], key="drill_freq",
                               format_func=lambda c: code_label.get(c, "—"))
            if row is not None:
                drill = {"all_of": (int(row),)}
        elif kind in ("case_ordered", "role_ordered", "checklist"):
            if book is None:
                st.info(tr("analysis.pick_codebook"))
                table = pd.DataFrame()
            elif kind == "case_ordered":
                cell = st.radio(tr("analysis.cells"), ["count", "excerpt", "rating"], horizontal=True,
                                format_func=lambda v: tr(f"analysis.cell_{v}"), key="case_cells")
                table = disp.case_ordered_matrix(session, pid, book, filters, cell=cell, lang=lang)
            elif kind == "role_ordered":
                table = disp.role_ordered_matrix(session, pid, book, filters, lang=lang)
            else:
                table = disp.checklist_matrix(session, pid, book, filters, lang=lang)
            if book is not None:
                st.dataframe(table, width="stretch")
            if kind == "checklist" and not table.empty:
                with st.form("checklist_cell"):
                    case_names = dict(zip(table["case_id"], table["pseudonym"], strict=False))
                    c1, c2, c3, c4 = st.columns(4)
                    ck_case = c1.selectbox(tr("analysis.informant"), list(case_names), format_func=case_names.get)
                    ck_dim = c2.selectbox(tr("analysis.dimension"), list(dim_by_label.values()),
                                          format_func=code_label.get)
                    ck_present = c3.checkbox(tr("analysis.present"))
                    ck_strength = c4.select_slider(tr("analysis.strength"), [0, 1, 2, 3], value=1)
                    ck_rating = st.text_input(tr("analysis.rating"))
                    ck_note = st.text_input(tr("analysis.note"))
                    if st.form_submit_button(tr("analysis.save_cell")):
                        cell_edit = {"case_id": ck_case, "code_id": ck_dim, "present": ck_present,
                                     "strength": ck_strength, "rating": ck_rating or None, "note": ck_note}
            left, right = st.columns(2)
            if kind == "role_ordered":
                row = left.selectbox(tr("analysis.drill_row"), [None, *table.index], key="drill_role", format_func=dash)
            else:
                cases = disp.case_frame(session, pid).drop_duplicates("case_id")
                case_names = dict(zip(cases["case_id"], cases["pseudonym"], strict=True))
                row = left.selectbox(tr("analysis.drill_row"), [None, *sorted(case_names, key=case_names.get)],
                                     key="drill_case", format_func=lambda c: case_names.get(c, "—"))
            col = right.selectbox(tr("analysis.drill_column"), [None, *dim_by_label], key="drill_dim", format_func=dash)
            if row is not None and col is not None:
                where = {"group": row} if kind == "role_ordered" else {"case_id": int(row)}
                drill = {"all_of": (dim_by_label[col],), **where}
        elif kind == "cross_framework":
            keys = {k: b for b, _, k in books}
            left, right = st.columns(2)
            rows_book = left.selectbox(tr("analysis.rows_codebook"), book_ids, format_func=book_name.get,
                                       index=book_ids.index(keys["ansell_gash_2008"]) if "ansell_gash_2008" in keys else 0)
            factor_book = right.selectbox(tr("analysis.factors_codebook"), book_ids, format_func=book_name.get,
                                          index=book_ids.index(keys["najam_5c_1995"]) if "najam_5c_1995" in keys else 0)
            table = disp.cross_framework_matrix(session, pid, rows_book, factor_book, filters, lang=lang)
            st.dataframe(table, width="stretch")
            row_dims = disp.dimensions(codes, rows_book)
            factor_dims = disp.dimensions(codes, factor_book)
            a, b, c = st.columns(3)
            row = a.selectbox(tr("analysis.drill_row"), [None, *row_dims["code_id"]], key="drill_cross_row",
                              format_func=lambda i: code_label.get(i, "—"))
            col = b.selectbox(tr("analysis.drill_column"), [None, *factor_dims["code_id"]], key="drill_cross_col",
                              format_func=lambda i: code_label.get(i, "—"))
            direction = c.selectbox(tr("analysis.direction"), disp.DIRECTIONS, key="drill_cross_dir")
            if row is not None and col is not None:
                drill = {"all_of": (int(row), int(col)), "direction": direction}
        else:
            left, right = st.columns(2)
            scope = left.radio(tr("analysis.scope"), ["segment", "turn"], horizontal=True, key="cooc_scope",
                               format_func=lambda v: tr(f"analysis.scope_{v}"))
            level = right.radio(tr("analysis.level"), ["code", "dimension"], horizontal=True, key="cooc_level",
                                format_func=lambda v: tr(f"analysis.level_{v}"))
            table = disp.cooccurrence(session, pid, filters, scope=scope, level=level, lang=lang)
            st.dataframe(table, width="stretch")
            if not table.empty:
                edges = disp.cooccurrence_edges(table)
                sizes = {n: int(table.at[n, n]) for n in table.index}
                chart_svg = export.network_svg(edges.head(150), sizes)
                st.image(chart_svg)
                by_label = dict(zip(table.index, table.attrs["code_ids"], strict=True))
                a, b = st.columns(2)
                row = a.selectbox(tr("analysis.drill_row"), [None, *table.index], key="drill_cooc_a", format_func=dash)
                col = b.selectbox(tr("analysis.drill_column"), [None, *table.columns], key="drill_cooc_b", format_func=dash)
                if row is not None and col is not None:
                    drill = {"all_of": (by_label[row], by_label[col])}
        drill_table = disp.cell_segments(session, pid, filters, **drill) if drill else None
    if cell_edit is not None:
        run(lambda s: (analysis_service.rate_case(s, pid, actor_id=uid, **cell_edit), tr("analysis.cell_saved"))[1])

    d1, d2, d3 = st.columns(3)
    d1.download_button(tr("analysis.download_csv"), export.csv_bytes(table), f"{kind}.csv", "text/csv",
                       key="dl_csv")
    d2.download_button(tr("analysis.download_xlsx"), export.xlsx_bytes(table, kind), f"{kind}.xlsx",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="dl_xlsx")
    if chart_svg:
        d3.download_button(tr("analysis.download_svg"), chart_svg.encode("utf-8"), f"{kind}.svg", "image/svg+xml",
                           key="dl_svg")
    if chart_json:
        d3.download_button(tr("analysis.download_vega"), chart_json.encode("utf-8"), f"{kind}.vl.json",
                           "application/json", key="dl_vega")
    if drill_table is not None:
        st.subheader(tr("analysis.cell_segments"))
        segment_list(drill_table, "drill")

# --- Conclusions ---------------------------------------------------------------------------------
if section == "conclusions":
    theme_names = dict(zip(patterns["pattern_code_id"], patterns["name"], strict=True))
    with st.form("analysis_conclusion", clear_on_submit=True):
        statement = st.text_area(tr("analysis.statement"))
        a, b, c = st.columns(3)
        about_code = a.selectbox(tr("analysis.dimension"), [None, *code_label], format_func=lambda i: code_label.get(i, "—"))
        about_theme = b.selectbox(tr("analysis.theme"), [None, *theme_names], format_func=lambda i: theme_names.get(i, "—"))
        status = c.selectbox(tr("analysis.status"), CONCLUSION_STATUSES, format_func=lambda v: tr(f"analysis.status_{v}"))
        if st.form_submit_button(tr("analysis.add_conclusion")):
            run(lambda s: (analysis_service.add_conclusion(s, pid, statement, code_id=about_code,
                                                           pattern_code_id=about_theme, status=status, actor_id=uid),
                           tr("analysis.conclusion_added"))[1])
    with state.reading() as session:
        register_table = register.conclusion_table(session, pid, lang)
    if register_table.empty:
        st.caption(tr("analysis.no_conclusions"))
        st.stop()
    shown = register_table.assign(status=register_table["status"].map(lambda v: tr(f"analysis.status_{v}")),
                                  tactics=register_table["tactics"].map(lambda ts: ", ".join(tr(f"analysis.tactic_{t}")
                                                                                             for t in ts)))
    st.dataframe(shown.drop(columns=["conclusion_id"]), hide_index=True, width="stretch")
    statements = dict(zip(register_table["conclusion_id"], register_table["statement"], strict=True))
    cid = st.selectbox(tr("analysis.conclusion"), list(statements), format_func=lambda i: statements[i][:90],
                       key="conclusion_pick")
    current = register_table.set_index("conclusion_id").loc[cid]

    st.markdown(f"#### {tr('analysis.triangulation')}")
    with state.reading() as session:
        tri = register.triangulation(session, cid)
        evidence = register.evidence_table(session, cid)
        history = analysis_service.conclusion_history(session, cid)
        about = session.get(Conclusion, cid)
        candidate_codes = tuple([about.code_id] if about.code_id else
                                register.pattern_code_ids(session, about.pattern_code_id) if about.pattern_code_id else [])
        candidates = (disp.cell_segments(session, pid, all_of=candidate_codes[:1]) if len(candidate_codes) == 1
                      else disp.segment_table(session, pid, sorted(set().union(*[
                          set(disp.cell_segments(session, pid, all_of=(c,))["segment_id"]) for c in candidate_codes])))
                      if candidate_codes else disp.cell_segments(session, pid))
    for flag in tri["flags"]:
        (st.warning if flag != "no_negative" else st.info)(tr(f"analysis.flag_{flag}"))
    if not tri["thin"]:
        st.success(tr("analysis.triangulated", groups=", ".join(tri["groups"]),
                      kinds=", ".join(tr(f"kind.{k}") for k in tri["kinds"])))
    g, k = st.columns(2)
    g.dataframe(tri["by_group"], width="stretch")
    k.dataframe(tri["by_kind"].rename(index=lambda v: tr(f"kind.{v}")), width="stretch")

    st.markdown(f"#### {tr('analysis.evidence')}")
    if not evidence.empty:
        evidence = evidence.assign(stance=evidence["stance"].map(lambda v: tr(f"analysis.stance_{v}")),
                                   kind=evidence["kind"].map(lambda v: tr(f"kind.{v}")))
        st.dataframe(evidence[["stance", "note", "document", "informants", "groups", "kind", "snippet"]],
                     hide_index=True, width="stretch")
    seg_label = {int(r.segment_id): f"{r.document} · {r.start}: {r.snippet[:70]}"
                 for r in candidates.head(500).itertuples(index=False)}
    with st.form("analysis_evidence", clear_on_submit=True):
        ev_segment = st.selectbox(tr("analysis.evidence_segment"), list(seg_label), format_func=seg_label.get)
        ev_stance = st.radio(tr("analysis.stance"), EVIDENCE_STANCES, horizontal=True,
                             format_func=lambda v: tr(f"analysis.stance_{v}"))
        ev_note = st.text_input(tr("analysis.note"))
        if st.form_submit_button(tr("analysis.link_evidence")) and ev_segment is not None:
            run(lambda s: (analysis_service.link_evidence(s, cid, ev_segment, ev_stance, note=ev_note, actor_id=uid),
                           tr("analysis.evidence_linked"))[1])

    st.markdown(f"#### {tr('analysis.verification')}")
    with st.form("analysis_tactic", clear_on_submit=True):
        tactic = st.selectbox(tr("analysis.tactic"), TACTICS, format_func=lambda v: tr(f"analysis.tactic_{v}"))
        tactic_note = st.text_input(tr("analysis.note"))
        if st.form_submit_button(tr("analysis.record_tactic")):
            run(lambda s: (analysis_service.record_tactic(s, cid, tactic, note=tactic_note, actor_id=uid),
                           tr("analysis.tactic_recorded"))[1])

    st.markdown(f"#### {tr('analysis.revise')}")
    with st.form("analysis_revise"):
        new_status = st.selectbox(tr("analysis.status"), CONCLUSION_STATUSES,
                                  index=CONCLUSION_STATUSES.index(current["status"]),
                                  format_func=lambda v: tr(f"analysis.status_{v}"))
        new_statement = st.text_area(tr("analysis.statement"), value=current["statement"])
        revise_note = st.text_input(tr("analysis.note"))
        if st.form_submit_button(tr("analysis.save_revision")):
            run(lambda s: (analysis_service.revise_conclusion(s, cid, status=new_status, statement=new_statement,
                                                              note=revise_note, actor_id=uid),
                           tr("analysis.revision_saved"))[1])
    st.dataframe(pd.DataFrame([{"at": h.at, "from": h.old_status or "", "to": h.status, "statement": h.statement,
                                "note": h.note} for h in history]), hide_index=True, width="stretch")

    if st.button(tr("analysis.delete_conclusion"), key="delete_conclusion"):
        ss["confirm_delete_conclusion"] = cid
    if ss.get("confirm_delete_conclusion") == cid:
        st.warning(tr("analysis.delete_confirm", statement=statements[cid][:80]))
        yes, no = st.columns(2)
        if yes.button(tr("analysis.delete_yes"), type="primary", key="delete_conclusion_yes"):
            ss.pop("confirm_delete_conclusion", None)
            run(lambda s: (analysis_service.delete_conclusion(s, cid, actor_id=uid), tr("analysis.conclusion_deleted"))[1])
        if no.button(tr("analysis.delete_no"), key="delete_conclusion_no"):
            ss.pop("confirm_delete_conclusion", None)
            st.rerun()
