"""Data displays (Miles, Huberman & Saldaña) built from the database: DataFrame in, DataFrame out.

Every display starts from the read side's coding frame (:func:`qualcode.read.frame.coding_frame`,
one row per coding, restricted by one :class:`qualcode.read.filters.Filters`) and is plain pandas
from there. A *dimension* is a top-level code of a codebook;
a coding of any of its descendants counts for it. A segment counts once per cell, however many
coders or sub-codes it carries. :func:`cell_segments` gives the segments behind any cell.
:func:`cooccurrence_network` turns the co-occurrence matrix into a graph (drawn and written by
``qualcode.files.charts``); :func:`shade` colours a count matrix's cells by their count.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import pandas as pd
from pandas.io.formats.style import Styler
from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode import codebook_meta
from qualcode.analysis.tables import CaseRating, Condensation
from qualcode.models import Codebook, Segment
from qualcode.read.codes import code_colours, code_frame, codebook_code_ids, descendant_ids, dimensions
from qualcode.read.filters import NO_FILTERS, Filters
from qualcode.read.frame import (
    NO_CASE,
    NO_GROUP,
    case_frame,
    coding_frame,
    matching_cases,
    segment_table,
    segment_turns,
)
from qualcode.read.measures import code_frequencies

__all__ = [  # what pages and the report read from here (some re-exported from qualcode.read)
    "NO_CASE", "NO_GROUP", "Filters", "NO_FILTERS", "case_frame", "code_frame", "coding_frame",
    "code_frequencies", "dimensions", "segment_table", "segment_turns", "case_ordered_matrix", "role_ordered_matrix",
    "checklist_matrix", "cross_framework_matrix", "cooccurrence", "cooccurrence_edges", "cooccurrence_network",
    "cell_segments", "shade",
]



def _with_cases(frame: pd.DataFrame, cases: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """``frame`` with one row per linked case (documents without a case get NO_CASE)."""
    out = frame.merge(matching_cases(cases, filters), on="document_id", how="left")
    out["pseudonym"] = out["pseudonym"].fillna(NO_CASE)
    out["group"] = out["group"].fillna(NO_GROUP)
    return out


def _dimension_frame(session: Session, project_id: int, filters: Filters, codebook_id: int | None,
                     lang: str, *, per_code: bool = False) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Codings under the codebook's dimensions: one row per segment and dimension (and code, if
    ``per_code``)."""
    codes = code_frame(session, project_id, lang)
    if codebook_id is not None:
        filters = filters.but(codebook_ids=(codebook_id,))
    frame = coding_frame(session, project_id, filters, codes)
    dims = dimensions(codes, codebook_id)
    frame = frame[frame["dimension_id"].isin(dims["code_id"])]
    keys = ["segment_id", "dimension_id", "code_id"] if per_code else ["segment_id", "dimension_id"]
    frame = frame.drop_duplicates(keys)[["segment_id", "document_id", "dimension_id", "code_id"]]
    return frame, dims, codes


def case_ordered_matrix(session: Session, project_id: int, codebook_id: int | None, filters: Filters = NO_FILTERS,
                        *, cell: str = "count", lang: str = "id", excerpt_chars: int = 80,
                        per_cell: int = 5) -> pd.DataFrame:
    """Informants (rows, with their stakeholder group) by dimensions (columns).

    ``cell`` is ``count`` (segments), ``excerpt`` (up to ``per_cell`` one-line condensations,
    condensed segments first, or the segment's opening words in quotes where none was written,
    then "(+n)" for the rest) or ``rating`` (the researcher's rating).
    """
    if cell == "rating":  # the researcher's cells: no codings to read
        frame, dims = pd.DataFrame(columns=["segment_id", "document_id", "dimension_id", "code_id"]), dimensions(
            code_frame(session, project_id, lang), codebook_id)
    else:
        frame, dims, codes = _dimension_frame(session, project_id, filters, codebook_id, lang,
                                              per_code=cell == "excerpt")
    cases = case_frame(session, project_id)
    labels = dict(zip(dims["code_id"], dims["label"], strict=True))
    rows = matching_cases(cases, filters)[["case_id", "pseudonym", "group"]].drop_duplicates()
    index = pd.MultiIndex.from_frame(rows.sort_values(["group", "pseudonym"])[["pseudonym", "group"]])
    long = _with_cases(frame, cases, filters)
    long = long[long["pseudonym"] != NO_CASE]
    fill: str | int  # what an empty cell shows: "" for text cells, 0 for counts
    if cell == "rating":
        ratings = pd.DataFrame(session.execute(
            select(CaseRating.case_id, CaseRating.code_id, CaseRating.rating).where(CaseRating.project_id == project_id)
        ).all(), columns=["case_id", "code_id", "rating"]).merge(rows, on="case_id")
        ratings = ratings[ratings["code_id"].isin(dims["code_id"])]
        table = ratings.pivot_table(index=["pseudonym", "group"], columns="code_id", values="rating", aggfunc="first")
        fill = ""
    elif cell == "excerpt":
        table = _excerpt_cells(session, project_id, long, codes, excerpt_chars, per_cell)
        fill = ""
    else:
        table = long.groupby(["pseudonym", "group", "dimension_id"]).size().unstack("dimension_id")
        fill = 0
    table = table.reindex(index=index, columns=list(dims["code_id"]))
    table = table.astype(object).fillna(fill) if fill == "" else table.fillna(fill)
    if cell == "count":
        table = table.astype(int)
    table.columns = [labels[c] for c in table.columns]
    table.index.names = ["informant", "group"]
    return table


def _excerpt_cells(session: Session, project_id: int, long: pd.DataFrame, codes: pd.DataFrame, chars: int,
                   per_cell: int) -> pd.DataFrame:
    """Cells of excerpts: the condensations (or opening words) of the first segments of each cell.

    A segment's condensation is looked up under the code applied to it and then under each code
    above it up to the column's dimension (the Condensation page writes one under the code chosen
    there, often a parent whose descendants' segments it lists): the most specific one wins."""
    long = long.drop_duplicates(["case_id", "dimension_id", "segment_id", "code_id"])
    stored = {
        (s, c): text for s, c, text in session.execute(
            select(Condensation.segment_id, Condensation.code_id, Condensation.text)
            .where(Condensation.project_id == project_id)
        )
    }
    books = codes["codebook_id"].fillna(-1).astype(int)
    by_path = {(b, p): c for b, p, c in zip(books, codes["path"], codes["code_id"], strict=True)}
    path_of = {c: (b, p) for (b, p), c in by_path.items()}

    def above(code_id: int) -> list[int]:
        """The code and its ancestors, most specific first (the last is its dimension)."""
        if code_id not in path_of:
            return [code_id]
        book, path = path_of[code_id]
        parts = path.split("/")
        chain = [by_path.get((book, "/".join(parts[:n]))) for n in range(len(parts), 0, -1)]
        return [c for c in chain if c is not None]

    def condensation(segment_id: int, code_id: int) -> str | None:
        return next((stored[(segment_id, c)] for c in above(code_id) if (segment_id, c) in stored), None)

    found = {(s, c): condensation(s, c) for s, c in zip(long["segment_id"], long["code_id"], strict=True)}
    condensed = {k: v for k, v in found.items() if v is not None}
    keys = list(zip(long["segment_id"], long["code_id"], strict=True))
    long = long.assign(has=[k in condensed for k in keys])
    cell = ["pseudonym", "group", "dimension_id"]
    # A segment condensed under one of its codes in a cell is not quoted again for another.
    long = long[long["has"] | ~long.groupby([*cell, "segment_id"])["has"].transform("any")]
    long = long.sort_values(["has", "segment_id"], ascending=[False, True])
    totals = long.groupby(cell)["segment_id"].nunique()
    kept = long.groupby(cell).head(per_cell)
    missing = kept.loc[~kept["has"], "segment_id"].unique().tolist()
    snippets = dict(session.execute(select(Segment.id, Segment.snippet).where(Segment.id.in_(missing))).all())

    def excerpt(segment_id: int, code_id: int) -> str:
        text = condensed.get((segment_id, code_id))
        if text is None:
            raw = " ".join(snippets.get(segment_id, "").split())
            text = f"“{raw[:chars]}{'…' if len(raw) > chars else ''}”"
        return text

    kept = kept.assign(excerpt=[excerpt(s, c) for s, c in zip(kept["segment_id"], kept["code_id"], strict=True)])
    kept = kept.drop_duplicates([*cell, "excerpt"])
    joined = kept.groupby(cell).agg(text=("excerpt", " · ".join), shown=("segment_id", "nunique"))
    rest = totals.reindex(joined.index) - joined["shown"]
    joined["text"] = [t + (f" (+{n})" if n > 0 else "") for t, n in zip(joined["text"], rest, strict=True)]
    return joined["text"].unstack("dimension_id")


def role_ordered_matrix(session: Session, project_id: int, codebook_id: int | None, filters: Filters = NO_FILTERS,
                        *, lang: str = "id") -> pd.DataFrame:
    """Stakeholder groups (rows) by dimensions (columns): segments, counted once per group."""
    frame, dims, _ = _dimension_frame(session, project_id, filters, codebook_id, lang)
    cases = case_frame(session, project_id)
    long = _with_cases(frame, cases, filters)
    long = long.drop_duplicates(["group", "dimension_id", "segment_id"])
    table = long.groupby(["group", "dimension_id"]).size().unstack("dimension_id")
    table = table.reindex(columns=list(dims["code_id"])).fillna(0).astype(int)
    table.columns = [dict(zip(dims["code_id"], dims["label"], strict=True))[c] for c in table.columns]
    table.index.name = "group"
    return table


def checklist_matrix(session: Session, project_id: int, codebook_id: int | None, filters: Filters = NO_FILTERS,
                     *, lang: str = "id") -> pd.DataFrame:
    """Long table per case and dimension: coded segments, and the researcher's present, strength,
    rating and note (``present`` a nullable boolean and ``strength`` a nullable integer: missing where not judged)."""
    frame, dims, _ = _dimension_frame(session, project_id, filters, codebook_id, lang)
    cases = case_frame(session, project_id)
    rows = cases[["case_id", "pseudonym", "group"]].drop_duplicates()
    if filters.groups:
        rows = rows[rows["group"].isin(filters.groups)]
    grid = rows.merge(dims[["code_id", "label"]], how="cross")
    long = _with_cases(frame, cases, filters)
    counts = long.groupby(["case_id", "dimension_id"]).size().rename("segments").reset_index()
    grid = grid.merge(counts, left_on=["case_id", "code_id"], right_on=["case_id", "dimension_id"], how="left")
    grid["segments"] = grid["segments"].fillna(0).astype(int)
    stored = pd.DataFrame(session.execute(
        select(CaseRating.case_id, CaseRating.code_id, CaseRating.present, CaseRating.strength, CaseRating.rating,
               CaseRating.note)
        .where(CaseRating.project_id == project_id)
    ).all(), columns=["case_id", "code_id", "present", "strength", "rating", "note"])
    grid = grid.merge(stored, on=["case_id", "code_id"], how="left")
    grid["rating"] = grid["rating"].fillna("")
    grid["note"] = grid["note"].fillna("")
    grid["present"] = grid["present"].astype("boolean")
    grid["strength"] = grid["strength"].astype("Int64")  # a whole number, not 1.0 (the merge's float)
    grid = grid.rename(columns={"label": "dimension"})
    cols = ["case_id", "pseudonym", "group", "code_id", "dimension", "segments", "present", "strength", "rating",
            "note"]
    return grid[cols].sort_values(["group", "pseudonym"]).reset_index(drop=True)


def cross_framework_matrix(session: Session, project_id: int, rows_codebook_id: int, factors_codebook_id: int,
                           filters: Filters = NO_FILTERS, *, lang: str = "id") -> pd.DataFrame:
    """Dimensions of one framework (rows, e.g. Ansell & Gash) by the factors of another (e.g.
    Najam's 5Cs) split by direction: a segment counts in (row, C, direction) when it carries a
    code under the row dimension, a code under the C and a direction code (the factors codebook's
    ``meta.directions``, e.g. ``supporting``/``inhibiting``)."""
    codes = code_frame(session, project_id, lang)
    plain = filters.but(codebook_ids=(rows_codebook_id, factors_codebook_id), code_ids=())
    frame = coding_frame(session, project_id, plain, codes)
    rows = dimensions(codes, rows_codebook_id)
    factor_codes = codes[codes["codebook_id"] == factors_codebook_id]
    directions = codebook_meta.directions(session, factors_codebook_id)  # the codebook's meta: section
    direction_codes = factor_codes[factor_codes["key"].isin(directions)]
    direction_tops = set(direction_codes["dimension_id"])
    factors = dimensions(codes, factors_codebook_id)
    factors = factors[~factors["code_id"].isin(direction_tops)]
    seg_rows = frame.loc[frame["dimension_id"].isin(rows["code_id"]), ["segment_id", "dimension_id"]].drop_duplicates()
    seg_factors = frame.loc[frame["dimension_id"].isin(factors["code_id"]), ["segment_id", "dimension_id"]]
    seg_dirs = frame[frame["code_id"].isin(direction_codes["code_id"])][["segment_id", "code_id"]]
    seg_dirs = seg_dirs.assign(direction=seg_dirs["code_id"].map(dict(zip(direction_codes["code_id"],
                                                                          direction_codes["key"], strict=True))))
    joined = (seg_rows.merge(seg_factors.drop_duplicates().rename(columns={"dimension_id": "factor_id"}), on="segment_id")
              .merge(seg_dirs[["segment_id", "direction"]].drop_duplicates(), on="segment_id"))
    table = joined.drop_duplicates().groupby(["dimension_id", "factor_id", "direction"]).size()
    columns = pd.MultiIndex.from_product([list(factors["code_id"]), list(directions)])
    table = table.unstack(["factor_id", "direction"]).reindex(index=list(rows["code_id"]), columns=columns)
    table = table.fillna(0).astype(int)
    factor_labels = dict(zip(factors["code_id"], factors["label"], strict=True))
    table.columns = pd.MultiIndex.from_tuples([(factor_labels[f], d) for f, d in table.columns], names=["factor",
                                                                                                          "direction"])
    table.index = pd.Index([dict(zip(rows["code_id"], rows["label"], strict=True))[i] for i in table.index],
                           name="dimension")
    return table


def cooccurrence(session: Session, project_id: int, filters: Filters = NO_FILTERS, *, scope: str = "segment",
                 level: str = "code", lang: str = "id") -> pd.DataFrame:
    """Square matrix of codes (``level="code"``) or dimensions (``"dimension"``): in how many
    segments (``scope="segment"``) or speaker turns (``"turn"``) both occur. The diagonal holds
    how many units carry the code at all. Rows are labelled (a label two codes share gets the
    key added); ``attrs["code_ids"]`` gives the code id of each row."""
    codes = code_frame(session, project_id, lang)
    frame = coding_frame(session, project_id, filters, codes, spans=scope == "turn")
    item = "code_id" if level == "code" else "dimension_id"
    if scope == "turn":
        turns = segment_turns(session, frame)
        unit = frame["segment_id"].map(turns)
        frame = frame.assign(unit=unit.fillna(-frame["segment_id"]).astype(int))  # no turn: the segment alone
    else:
        frame = frame.assign(unit=frame["segment_id"])
    pairs = frame[["unit", item]].drop_duplicates()
    present = sorted(pairs[item].unique().tolist())
    order = [c for c in codes["code_id"] if c in set(present)]
    labels = dict(zip(codes["code_id"], codes["label"], strict=True))
    if not order:
        return pd.DataFrame(index=pd.Index([], name="code"))
    position = {c: i for i, c in enumerate(order)}
    pairs = pairs.assign(col=pairs[item].map(position))
    both = pairs[["unit", "col"]].merge(pairs[["unit", "col"]], on="unit")
    counts = both.groupby(["col_x", "col_y"]).size().unstack("col_y")
    counts = counts.reindex(index=range(len(order)), columns=range(len(order))).fillna(0).astype(int).to_numpy()
    keys = dict(zip(codes["code_id"], codes["key"], strict=True))
    names = [labels[c] for c in order]
    names = [f"{n} ({keys[c]})" if names.count(n) > 1 else n for n, c in zip(names, order, strict=True)]
    out = pd.DataFrame(counts, index=pd.Index(names, name="code"), columns=names)
    out.attrs["code_ids"] = order  # row i is code (or dimension) order[i]
    return out


def cooccurrence_edges(matrix: pd.DataFrame, minimum: int = 1) -> pd.DataFrame:
    """The co-occurrence matrix as a list of links (source, target, weight), each pair once."""
    rows = []
    names = list(matrix.index)
    for i, a in enumerate(names):
        for j in range(i + 1, len(names)):
            weight = int(matrix.iat[i, j])
            if weight >= minimum:
                rows.append((a, names[j], weight))
    return pd.DataFrame(rows, columns=["source", "target", "weight"]).sort_values("weight", ascending=False,
                                                                                   ignore_index=True)


def cooccurrence_network(session: Session, project_id: int, matrix: pd.DataFrame, *, minimum: int = 1,
                         lang: str = "id") -> nx.Graph:
    """The co-occurrence matrix as a graph: a node per code (id: the code's key; ``label`` in full
    as the matrix names it, ``codebook`` name, ``colour``, ``segments``: units that carry it, the
    matrix diagonal) and an edge per pair that occurs together at least ``minimum`` times
    (``weight``: in how many units). Codes from every codebook in the matrix take part."""
    graph = nx.Graph()
    if matrix.empty:
        return graph
    codes = code_frame(session, project_id, lang).set_index("code_id")
    colours = code_colours(session, project_id)
    books = {book_id: name for book_id, name in session.execute(
        select(Codebook.id, Codebook.name).where(Codebook.project_id == project_id))}
    ids = list(matrix.attrs["code_ids"])
    keys = [str(codes.at[c, "key"]) for c in ids]
    for i, (code_id, key) in enumerate(zip(ids, keys, strict=True)):
        book = codes.at[code_id, "codebook_id"]
        graph.add_node(key, label=str(matrix.index[i]), key=key, codebook=books.get(int(book), "") if pd.notna(book)
                       else "", colour=colours.get(code_id, ""), segments=int(matrix.iat[i, i]))
    for i in range(len(ids)):
        for j in range(i + 1, len(ids)):
            weight = int(matrix.iat[i, j])
            if weight >= minimum:
                graph.add_edge(keys[i], keys[j], weight=weight)
    return graph


def shade_styles(table: pd.DataFrame, columns: list[Any] | None = None) -> pd.DataFrame:
    """The CSS of each cell of a count matrix (same shape): shaded by its count from pale to dark
    blue, with dark or white text so it stays readable on it in either theme. Zero, empty and
    non-number cells (and columns not in ``columns``, when given) get no style and keep the theme's
    colours."""
    numbers = table.apply(pd.to_numeric, errors="coerce").astype(float)
    for position, column in enumerate(table.columns):
        if (columns is not None and column not in columns) or table.iloc[:, position].map(
                lambda v: isinstance(v, bool)).any():
            numbers.iloc[:, position] = float("nan")
    peak = float(numbers.max().max()) if numbers.notna().any().any() else 0.0

    def style(count: float) -> str:
        if pd.isna(count) or count <= 0 or peak <= 0:
            return ""
        share = 0.15 + 0.85 * count / peak
        red, green, blue = (round(255 + (dark - 255) * share) for dark in (8, 69, 148))  # towards #084594
        text = "#ffffff" if _luminance(red, green, blue) < 0.2 else "#111111"  # the stronger contrast
        return f"background-color: #{red:02x}{green:02x}{blue:02x}; color: {text}"

    return numbers.map(style)


def _luminance(red: int, green: int, blue: int) -> float:
    """Relative luminance of an sRGB colour (WCAG): 0 black, 1 white."""
    def linear(c: int) -> float:
        c_ = c / 255
        return c_ / 12.92 if c_ <= 0.04045 else ((c_ + 0.055) / 1.055) ** 2.4
    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def shade(table: pd.DataFrame, columns: list[Any] | None = None) -> Styler:
    """``table`` styled with :func:`shade_styles`, for Streamlit's ``st.dataframe``, which shows the
    shading and draws the cell values as text (never markup). Not for ``Styler.to_html``, which
    does not escape the values."""
    if not (table.index.is_unique and table.columns.is_unique):  # pandas styles unique labels only
        return table.style
    styles = shade_styles(table, columns)
    return table.style.apply(lambda _: styles, axis=None)


def cell_segments(session: Session, project_id: int, filters: Filters = NO_FILTERS, *,
                  all_of: tuple[int, ...] = (), case_id: int | None = None, group: str | None = None,
                  direction: str | None = None) -> pd.DataFrame:
    """The segments behind a cell: those carrying a code under every code in ``all_of`` (a
    dimension counts its descendants), of the case or stakeholder group given, and, for the
    cross-framework matrix, the direction code (``supporting``/``inhibiting``)."""
    codes = code_frame(session, project_id)
    frame = coding_frame(session, project_id, filters.but(codebook_ids=()), codes)
    if filters.codebook_ids:
        book_codes = set(codebook_code_ids(codes, filters.codebook_ids))
    else:
        book_codes = set(codes["code_id"])
    segment_ids: set[int] | None = None
    for code_id in all_of:
        under = set(descendant_ids(codes, (code_id,)))
        hits = set(frame.loc[frame["code_id"].isin(under), "segment_id"])
        segment_ids = hits if segment_ids is None else segment_ids & hits
    if direction:
        under = set(codes.loc[codes["key"] == direction, "code_id"])
        hits = set(frame.loc[frame["code_id"].isin(under), "segment_id"])
        segment_ids = hits if segment_ids is None else segment_ids & hits
    if segment_ids is None:
        segment_ids = set(frame.loc[frame["code_id"].isin(book_codes), "segment_id"])
    cases = case_frame(session, project_id)
    if case_id is not None or group is not None:
        wanted = cases[(cases["case_id"] == case_id) if case_id is not None else (cases["group"] == group)]
        docs = set(wanted["document_id"])
        segment_ids = set(frame.loc[frame["segment_id"].isin(segment_ids) & frame["document_id"].isin(docs),
                                    "segment_id"])
    return segment_table(session, project_id, sorted(segment_ids))
