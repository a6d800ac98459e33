"""Analysis · Display (Miles–Huberman): frequencies, case- and role-ordered matrices, checklist,
cross-framework matrix and co-occurrence (a matrix and a force-directed network across codebooks),
each with downloads (CSV, XLSX, charts as SVG and PNG, the network as GEXF) and a drill-down to the
segments behind a cell. Count matrices are shaded by count; code bars take the code's colour."""

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import streamlit as st

from qualcode.read.views import display as views
from qualcode.read.views.common import DOCUMENT_KINDS
from qualcode.services import analysis as analysis_service
from qualcode.ui import analysis as ui
from qualcode.ui import runner, state
from qualcode.ui.columns import header_name, headers, localised
from qualcode.ui.state import tr

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

page, context = ui.open_page("nav.display")
pid, lang = page.project_id, page.lang
code_label = context.code_labels
book_name = context.book_names
book_ids = list(book_name)


@dataclass
class Shown:
    """What a display put on screen, for the downloads and the drill-down below it."""

    table: pd.DataFrame = field(default_factory=pd.DataFrame)  # as on screen: the CSV and XLSX downloads
    drill: dict[str, Any] | None = None  # the cell whose segments to list
    chart_svg: str | None = None
    chart_json: str | None = None  # the frequency chart's Vega-Lite spec
    chart_png: Callable[[], bytes] | None = None  # rendered when the PNG download is clicked
    gexf: Callable[[], bytes] | None = None  # the network for Gephi, written when its download is clicked
    cell_edit: dict[str, Any] | None = None  # a checklist cell to store


kind = st.radio(tr("analysis.display"), views.DISPLAYS, format_func=lambda v: tr(f"analysis.display_{v}"),
                horizontal=True, key="display_kind")
cols = st.columns(5)
if kind == "cooccurrence":  # the network spans codebooks: choose which (all by default)
    network_books = {**book_name, 0: tr("codebook.inductive")}
    chosen_books = cols[0].multiselect(tr("display.network_books"), list(network_books), default=list(network_books),
                                       format_func=state.label_of(network_books), key="display_books",
                                       placeholder=tr("analysis.all"))
    book = None
else:
    chosen_books = []
    book = cols[0].selectbox(tr("analysis.codebook"), [None, *book_ids], key="display_book",
                             index=1 if book_ids else 0, format_func=state.label_of(book_name, tr("analysis.all")))
people = {m.id: m.name for m in context.people}
coders = cols[1].multiselect(tr("analysis.coders"), list(people), format_func=state.label_of(people),
                             key="display_coders", placeholder=tr("analysis.all"))
kinds = cols[2].multiselect(tr("analysis.kinds"), DOCUMENT_KINDS, format_func=lambda k: tr(f"kind.{k}"),
                            key="display_kinds", placeholder=tr("analysis.all"))
chosen_groups = cols[3].multiselect(tr("analysis.groups"), context.groups, key="display_groups",
                                    placeholder=tr("analysis.all"))
only_codes = cols[4].multiselect(tr("analysis.codes"), list(code_label), format_func=state.label_of(code_label),
                                 key="display_codes", placeholder=tr("analysis.all"))
filters = views.Filters(codebook_ids=(book,) if book and kind in views.BY_CODEBOOK else tuple(chosen_books),
                        code_ids=tuple(only_codes), coder_ids=tuple(coders), kinds=tuple(kinds),
                        groups=tuple(chosen_groups))
dims = views.dimensions(context.codes, book)
dim_by_label = dict(zip(dims["label"], dims["code_id"], strict=True))


def frequencies(session: Any) -> Shown:
    table = views.frequency_columns(views.display_table(session, pid, kind, book, filters, lang=lang))
    shown = table.drop(columns=["code_id"])
    st.dataframe(shown, hide_index=True, width="stretch", column_config=headers(shown.columns))
    top = table.head(25)
    stored = views.code_colours(session, pid)
    colours = [stored.get(int(c), "") for c in top["code_id"]]
    chart = views.bar_chart(top, x="segments", y="label", x_title=tr("analysis.segments"), y_title=tr("analysis.code"),
                            colours=dict(zip(top["label"], colours, strict=True)),
                            tooltip=["label", "segments", "documents", "informants"])
    st.altair_chart(chart, width="stretch")
    svg = views.bar_chart_svg(top["label"].tolist(), top["segments"].tolist(), tr("analysis.segments"), colours)
    row = st.selectbox(tr("analysis.drill_row"), [None, *table["code_id"]], key="drill_freq",
                       format_func=state.label_of(code_label))
    return Shown(localised(shown), {"all_of": (int(row),)} if row is not None else None, svg, chart.to_json(),
                 lambda: views.chart_png(chart))


def matrix(session: Any) -> Shown:
    """Case-ordered, role-ordered and checklist matrices: a codebook's dimensions by case or group."""
    if book is None:
        st.info(tr("analysis.pick_codebook"))
        return Shown()
    cell = "count"
    if kind == "case_ordered":
        cell = st.radio(tr("analysis.cells"), ["count", "excerpt", "rating"], horizontal=True,
                        format_func=lambda v: tr(f"analysis.cell_{v}"), key="case_cells")
    table = views.display_table(session, pid, kind, book, filters, lang=lang, cell=cell)
    if kind == "checklist":
        # Present as ✓ / ✗ (as in the report), strength as a whole number; blank where not judged
        # (as text: the grid shows a missing number as "None" whatever the Styler's na_rep says).
        screen = localised(table.drop(columns=["case_id", "code_id"]).assign(
            present=table["present"].map(present_mark), strength=table["strength"].map(strength_mark)))
        st.dataframe(views.shade(screen, [header_name("segments")]), hide_index=True, width="stretch")
    else:
        screen = localised(table)
        st.dataframe(views.shade(screen) if cell == "count" else screen, width="stretch")
    shown = Shown(screen)
    if kind == "checklist" and not table.empty:
        shown.cell_edit = checklist_form(table)
    left, right = st.columns(2)
    if kind == "role_ordered":
        row = left.selectbox(tr("analysis.drill_row"), [None, *table.index], key="drill_role", format_func=ui.dash)
    else:
        case_names = views.cases(session, pid)
        row = left.selectbox(tr("analysis.drill_row"), [None, *case_names], key="drill_case",
                             format_func=state.label_of(case_names))
    col = right.selectbox(tr("analysis.drill_column"), [None, *dim_by_label], key="drill_dim", format_func=ui.dash)
    if row is not None and col is not None:
        where = {"group": row} if kind == "role_ordered" else {"case_id": int(row)}
        shown.drill = {"all_of": (dim_by_label[col],), **where}
    return shown


def present_mark(present: Any) -> str:
    return "" if pd.isna(present) else ("✓" if present else "✗")


def strength_mark(strength: Any) -> str:
    return "" if pd.isna(strength) else str(int(strength))


def checklist_form(table: pd.DataFrame) -> dict[str, Any] | None:
    """The form of one checklist cell, holding what is stored for the cell chosen (saving keeps
    what is not changed). The cell is chosen above the form: a choice inside it would not rerun."""
    case_names = dict(zip(table["case_id"], table["pseudonym"], strict=False))
    c1, c2 = st.columns(2)
    case = c1.selectbox(tr("analysis.informant"), list(case_names), format_func=state.label_of(case_names),
                        key="checklist_case")
    dimension = c2.selectbox(tr("analysis.dimension"), list(dim_by_label.values()),
                             format_func=state.label_of(code_label), key="checklist_dimension")
    stored = table[(table["case_id"] == case) & (table["code_id"] == dimension)]
    now = stored.iloc[0] if not stored.empty else None
    present_now = bool(now["present"]) if now is not None and pd.notna(now["present"]) else False
    strength_now = int(now["strength"]) if now is not None and pd.notna(now["strength"]) else 1
    rating_now = str(now["rating"]) if now is not None else ""
    note_now = str(now["note"]) if now is not None else ""
    # Keyed by the cell and what it holds: another cell, or a cell changed, draws fields holding it.
    key = f"{case}_{dimension}_{zlib.crc32(repr((present_now, strength_now, rating_now, note_now)).encode())}"
    with st.form("checklist_cell"):
        c3, c4 = st.columns(2)
        present = c3.checkbox(tr("analysis.present"), value=present_now, key=f"checklist_present_{key}")
        strength = c4.select_slider(tr("analysis.strength"), [0, 1, 2, 3], value=strength_now,
                                    help=tr("analysis.strength_help"), key=f"checklist_strength_{key}")
        rating = st.text_input(tr("analysis.rating"), value=rating_now, key=f"checklist_rating_{key}")
        note = st.text_input(tr("analysis.note"), value=note_now, key=f"checklist_note_{key}")
        if st.form_submit_button(tr("analysis.save_cell")):
            # strength is how strongly a present condition shows: a cell not present has none;
            # an emptied rating or note is stored empty (None would keep the old one)
            return {"case_id": case, "code_id": dimension, "present": present, "strength": strength if present else None,
                    "rating": rating, "note": note}
    return None


def cross_framework(session: Any) -> Shown:
    pair = views.cross_pair(session, pid, context.books)
    if pair is None:
        st.info(tr("analysis.pick_codebook"))
        return Shown()
    left, right = st.columns(2)
    rows_book = left.selectbox(tr("analysis.rows_codebook"), book_ids, format_func=state.label_of(book_name),
                               index=book_ids.index(pair.rows))
    factor_book = right.selectbox(tr("analysis.factors_codebook"), book_ids, format_func=state.label_of(book_name),
                                  index=book_ids.index(pair.factors))
    if rows_book is None or factor_book is None:
        return Shown()
    chosen = views.CrossPair(rows_book, factor_book, views.directions(session, factor_book))
    table = views.display_table(session, pid, kind, book, filters, lang=lang, pair=chosen)
    direction_name = views.direction_labels(session, pid, factor_book, chosen.directions, lang)
    if isinstance(table.columns, pd.MultiIndex):
        table = table.rename(columns=direction_name, level="direction")
    screen = localised(table)
    st.dataframe(views.shade(screen), width="stretch")
    row_dims = views.dimensions(context.codes, rows_book)
    factor_dims = views.dimensions(context.codes, factor_book)
    a, b, c = st.columns(3)
    row = a.selectbox(tr("analysis.drill_row"), [None, *row_dims["code_id"]], key="drill_cross_row",
                      format_func=state.label_of(code_label))
    col = b.selectbox(tr("analysis.drill_column"), [None, *factor_dims["code_id"]], key="drill_cross_col",
                      format_func=state.label_of(code_label))
    direction = c.selectbox(tr("analysis.direction"), chosen.directions, key="drill_cross_dir",
                            format_func=lambda d: direction_name.get(d, d))
    drill = {"all_of": (int(row), int(col)), "direction": direction} if row is not None and col is not None else None
    return Shown(screen, drill)


def cooccurrence(session: Any) -> Shown:
    left, right = st.columns(2)
    scope = left.radio(tr("analysis.scope"), ["segment", "turn"], horizontal=True, key="cooc_scope",
                       format_func=lambda v: tr(f"analysis.scope_{v}"))
    level = right.radio(tr("analysis.level"), ["code", "dimension"], horizontal=True, key="cooc_level",
                        format_func=lambda v: tr(f"analysis.level_{v}"))
    table = views.display_table(session, pid, kind, book, filters, lang=lang, scope=scope, level=level)
    screen = localised(table)
    st.dataframe(views.shade(screen), width="stretch")
    shown = Shown(screen)
    if not table.empty:
        colour_by = st.radio(tr("display.colour_by"), ["code", "codebook"], horizontal=True, key="network_colour",
                             format_func=lambda v: tr(f"display.colour_by_{v}"))
        graph = views.cooccurrence_network(session, pid, table, lang=lang)
        positions = views.network_layout(graph)  # once, for the picture and the GEXF file
        svg = views.network_svg(graph, colour_by=colour_by, legend_title=tr("display.network_books"),
                                positions=positions)
        shown.chart_svg = svg
        shown.gexf = lambda: views.network_gexf(graph, positions=positions)
        shown.chart_png = lambda: views.svg_png(svg)
        st.caption(tr("display.network_help", codes=graph.number_of_nodes(), links=graph.number_of_edges()))
        st.image(svg)
        by_label = dict(zip(table.index, table.attrs["code_ids"], strict=True))
        a, b = st.columns(2)
        row = a.selectbox(tr("analysis.drill_row"), [None, *table.index], key="drill_cooc_a", format_func=ui.dash)
        col = b.selectbox(tr("analysis.drill_column"), [None, *table.columns], key="drill_cooc_b", format_func=ui.dash)
        if row is not None and col is not None:
            shown.drill = {"all_of": (by_label[row], by_label[col])}
    return shown


RENDER = {"frequencies": frequencies, "case_ordered": matrix, "role_ordered": matrix, "checklist": matrix,
          "cross_framework": cross_framework, "cooccurrence": cooccurrence}
with state.reading() as session:
    shown = RENDER[kind](session)
    drill_table = views.cell_segments(session, pid, filters, lang=lang, **shown.drill) if shown.drill else None
if shown.cell_edit is not None:  # stored after the read session closes (SQLite: one writer)
    cell_edit = shown.cell_edit
    runner.run(lambda s: analysis_service.rate_case(s, pid, actor_id=page.actor, **cell_edit),
               done=tr("analysis.cell_saved"))

d1, d2, d3, d4, d5 = st.columns(5)  # downloads do not rerun the page (a rerun would draw it all again)
d1.download_button(tr("analysis.download_csv"), views.csv_bytes(shown.table), f"{kind}.csv", "text/csv", key="dl_csv",
                   on_click="ignore")
d2.download_button(tr("analysis.download_xlsx"), views.xlsx_bytes(shown.table, kind), f"{kind}.xlsx", XLSX,
                   key="dl_xlsx", on_click="ignore")
if shown.chart_svg:
    d3.download_button(tr("analysis.download_svg"), shown.chart_svg.encode("utf-8"), f"{kind}.svg", "image/svg+xml",
                       key="dl_svg", on_click="ignore")
if shown.chart_json:
    d3.download_button(tr("analysis.download_vega"), shown.chart_json.encode("utf-8"), f"{kind}.vl.json",
                       "application/json", key="dl_vega", on_click="ignore")
if shown.chart_png:
    d4.download_button(tr("display.download_png"), shown.chart_png, f"{kind}.png", "image/png", key="dl_png",
                       on_click="ignore")
if shown.gexf:
    d5.download_button(tr("display.download_gexf"), shown.gexf, f"{kind}.gexf", "application/gexf+xml",
                       key="dl_gexf", on_click="ignore")
if drill_table is not None:
    st.subheader(tr("analysis.cell_segments"))
    ui.segment_list(drill_table, "drill")
