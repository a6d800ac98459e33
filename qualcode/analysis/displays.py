"""Data displays (Miles, Huberman & Saldaña) built from the database: DataFrame in, DataFrame out.

Every display starts from one tidy frame of codings (:func:`coding_frame`, one row per coding,
filtered in SQL) and is plain pandas from there. A *dimension* is a top-level code of a codebook;
a coding of any of its descendants counts for it. A segment counts once per cell, however many
coders or sub-codes it carries. :func:`cell_segments` gives the segments behind any cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from qualcode import codebook_meta
from qualcode.analysis.tables import CaseRating, Condensation
from qualcode.models import Case, Code, Codebook, Coding, Document, Segment, Turn, case_documents

NO_CASE = "—"
NO_GROUP = "—"


@dataclass(frozen=True)
class Filters:
    """What a display is restricted to; an empty tuple means no restriction."""

    codebook_ids: tuple[int, ...] = ()
    code_ids: tuple[int, ...] = ()  # these codes and their descendants
    coder_ids: tuple[int, ...] = ()
    kinds: tuple[str, ...] = ()  # document kinds: interview, observation, document
    groups: tuple[str, ...] = ()  # stakeholder groups of the cases linked to the document
    case_ids: tuple[int, ...] = field(default=())


def code_frame(session: Session, project_id: int, lang: str = "id") -> pd.DataFrame:
    """One row per code: id, key, path, label, codebook id and key, and its dimension (top-level code)."""
    rows = session.execute(
        select(Code.id, Code.key, Code.path, Code.name_id, Code.name_en, Code.codebook_id, Codebook.key, Code.sort_order)
        .outerjoin(Codebook, Code.codebook_id == Codebook.id)
        .where(Code.project_id == project_id)
    ).all()
    frame = pd.DataFrame(rows, columns=["code_id", "key", "path", "name_id", "name_en", "codebook_id", "codebook",
                                        "sort_order"])
    names = frame["name_en"].where((frame["name_en"] != "") & (lang == "en"), frame["name_id"]) if len(frame) else []
    frame["label"] = names
    frame["label"] = frame["label"].where(frame["label"] != "", frame["key"]) if len(frame) else frame["label"]
    by_key = dict(zip(frame["key"], frame["code_id"], strict=True))
    frame["top_key"] = [p.split("/", 1)[0] for p in frame["path"]]
    frame["dimension_id"] = [by_key.get(k, i) for k, i in zip(frame["top_key"], frame["code_id"], strict=True)]
    return frame.sort_values(["codebook", "path"], na_position="last").reset_index(drop=True)


def case_frame(session: Session, project_id: int) -> pd.DataFrame:
    """One row per case linked to a document: document_id, case_id, pseudonym, stakeholder group."""
    rows = session.execute(
        select(case_documents.c.document_id, Case.id, Case.pseudonym, Case.stakeholder_group)
        .join(Case, Case.id == case_documents.c.case_id)
        .where(Case.project_id == project_id)
    ).all()
    frame = pd.DataFrame(rows, columns=["document_id", "case_id", "pseudonym", "group"])
    frame["group"] = frame["group"].replace("", NO_GROUP)
    return frame


def _descendants(codes: pd.DataFrame, code_ids: tuple[int, ...]) -> list[int]:
    paths = codes.loc[codes["code_id"].isin(code_ids), "path"].tolist()
    keep = codes["path"].isin(paths)
    for path in paths:
        keep |= codes["path"].str.startswith(path + "/")
    return codes.loc[keep, "code_id"].tolist()


def _int_rows(session: Session, stmt: Select[Any], columns: list[str]) -> pd.DataFrame:
    """Run a select of integer columns straight through the driver into a DataFrame: at 200,000
    rows, building SQLAlchemy Row objects costs more than the query itself."""
    conn = session.connection()
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(str(compiled))
        rows = cursor.fetchall()
    finally:
        cursor.close()
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype="int64") for c in columns})
    return pd.DataFrame(np.asarray(rows, dtype=np.int64), columns=columns)


def coding_frame(session: Session, project_id: int, filters: Filters = Filters(),
                 codes: pd.DataFrame | None = None, *, offsets: bool = False) -> pd.DataFrame:
    """One row per coding: segment, document, kind, code, coder, dimension (and the segment's
    start when ``offsets``).

    Kind, stakeholder group and case choose the documents read (group and case keep documents
    linked to a matching case); codebook, code (with descendants) and coder filter the rows.
    """
    codes = code_frame(session, project_id) if codes is None else codes
    documents = session.execute(select(Document.id, Document.kind).where(Document.project_id == project_id)).all()
    kind_of = {doc_id: kind for doc_id, kind in documents}
    doc_ids = [doc_id for doc_id, kind in documents if not filters.kinds or kind in filters.kinds]
    if filters.groups or filters.case_ids:
        cases = case_frame(session, project_id)
        if filters.groups:
            cases = cases[cases["group"].isin(filters.groups)]
        if filters.case_ids:
            cases = cases[cases["case_id"].isin(filters.case_ids)]
        doc_ids = [i for i in doc_ids if i in set(cases["document_id"])]
    columns = ["segment_id", "document_id", "code_id", "coder_id"] + (["start"] if offsets else [])
    picked = [Coding.segment_id, Segment.document_id, Coding.code_id, Coding.coder_id] + ([Segment.start] if offsets else [])
    query = select(*picked).join(Segment, Coding.segment_id == Segment.id).where(Segment.document_id.in_(doc_ids or [-1]))
    frame = _int_rows(session, query, columns)
    # Code and coder filters run here, not in SQL: an IN list on code_id makes SQLite probe the
    # (segment, code) index once per pair, three times slower than reading every coding.
    keep = None
    if filters.codebook_ids:
        keep = frame["code_id"].isin(codes.loc[codes["codebook_id"].isin(filters.codebook_ids), "code_id"])
    if filters.code_ids:
        hit = frame["code_id"].isin(_descendants(codes, filters.code_ids))
        keep = hit if keep is None else keep & hit
    if filters.coder_ids:
        hit = frame["coder_id"].isin(filters.coder_ids)
        keep = hit if keep is None else keep & hit
    if keep is not None:
        frame = frame[keep].reset_index(drop=True)
    frame["kind"] = frame["document_id"].map(kind_of).astype("category")
    dims = dict(zip(codes["code_id"], codes["dimension_id"], strict=True))
    frame["dimension_id"] = frame["code_id"].map(dims)
    return frame


def _with_cases(frame: pd.DataFrame, cases: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """``frame`` with one row per linked case (documents without a case get NO_CASE)."""
    if filters.groups:
        cases = cases[cases["group"].isin(filters.groups)]
    if filters.case_ids:
        cases = cases[cases["case_id"].isin(filters.case_ids)]
    out = frame.merge(cases, on="document_id", how="left")
    out["pseudonym"] = out["pseudonym"].fillna(NO_CASE)
    out["group"] = out["group"].fillna(NO_GROUP)
    return out


def code_frequencies(session: Session, project_id: int, filters: Filters = Filters(), lang: str = "id") -> pd.DataFrame:
    """Per code: codings, segments, documents and informants (cases) that carry it."""
    codes = code_frame(session, project_id, lang)
    frame = coding_frame(session, project_id, filters, codes)
    cases = case_frame(session, project_id)
    grouped = frame.groupby("code_id")
    counts = pd.DataFrame({
        "codings": grouped.size(),
        "segments": grouped["segment_id"].nunique(),
        "documents": grouped["document_id"].nunique(),
    })
    pairs = frame[["code_id", "document_id"]].drop_duplicates().merge(cases, on="document_id")
    counts["informants"] = pairs.groupby("code_id")["case_id"].nunique()
    out = codes[["code_id", "codebook", "key", "path", "label"]].merge(counts, left_on="code_id", right_index=True)
    out["informants"] = out["informants"].fillna(0).astype(int)
    return out.sort_values(["segments", "path"], ascending=[False, True]).reset_index(drop=True)


def dimensions(codes: pd.DataFrame, codebook_id: int | None) -> pd.DataFrame:
    """The top-level codes of a codebook (or of every codebook), in codebook order."""
    top = codes[~codes["path"].str.contains("/")]
    if codebook_id is not None:
        top = top[top["codebook_id"] == codebook_id]
    return top.sort_values(["codebook", "sort_order", "path"], na_position="last")


def _dimension_frame(session: Session, project_id: int, filters: Filters, codebook_id: int | None,
                     lang: str, *, per_code: bool = False) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Codings under the codebook's dimensions: one row per segment and dimension (and code, if
    ``per_code``)."""
    codes = code_frame(session, project_id, lang)
    if codebook_id is not None:
        filters = Filters(**{**filters.__dict__, "codebook_ids": (codebook_id,)})
    frame = coding_frame(session, project_id, filters, codes)
    dims = dimensions(codes, codebook_id)
    frame = frame[frame["dimension_id"].isin(dims["code_id"])]
    keys = ["segment_id", "dimension_id", "code_id"] if per_code else ["segment_id", "dimension_id"]
    frame = frame.drop_duplicates(keys)[["segment_id", "document_id", "dimension_id", "code_id"]]
    return frame, dims, codes


def case_ordered_matrix(session: Session, project_id: int, codebook_id: int | None, filters: Filters = Filters(),
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
        frame, dims, _ = _dimension_frame(session, project_id, filters, codebook_id, lang, per_code=cell == "excerpt")
    cases = case_frame(session, project_id)
    labels = dict(zip(dims["code_id"], dims["label"], strict=True))
    rows = cases[["case_id", "pseudonym", "group"]].drop_duplicates()
    if filters.groups:
        rows = rows[rows["group"].isin(filters.groups)]
    if filters.case_ids:
        rows = rows[rows["case_id"].isin(filters.case_ids)]
    index = pd.MultiIndex.from_frame(rows.sort_values(["group", "pseudonym"])[["pseudonym", "group"]])
    long = _with_cases(frame, cases, filters)
    long = long[long["pseudonym"] != NO_CASE]
    if cell == "rating":
        ratings = pd.DataFrame(session.execute(
            select(CaseRating.case_id, CaseRating.code_id, CaseRating.rating).where(CaseRating.project_id == project_id)
        ).all(), columns=["case_id", "code_id", "rating"]).merge(rows, on="case_id")
        ratings = ratings[ratings["code_id"].isin(dims["code_id"])]
        table = ratings.pivot_table(index=["pseudonym", "group"], columns="code_id", values="rating", aggfunc="first")
        fill = ""
    elif cell == "excerpt":
        table = _excerpt_cells(session, project_id, long, excerpt_chars, per_cell)
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


def _excerpt_cells(session: Session, project_id: int, long: pd.DataFrame, chars: int, per_cell: int) -> pd.DataFrame:
    """Cells of excerpts: the condensations (or opening words) of the first segments of each cell."""
    long = long.drop_duplicates(["case_id", "dimension_id", "segment_id", "code_id"])
    condensed = {
        (s, c): text for s, c, text in session.execute(
            select(Condensation.segment_id, Condensation.code_id, Condensation.text)
            .where(Condensation.project_id == project_id)
        )
    }
    keys = list(zip(long["segment_id"], long["code_id"], strict=True))
    long = long.assign(has=[k in condensed for k in keys]).sort_values(["has", "segment_id"], ascending=[False, True])
    cell = ["pseudonym", "group", "dimension_id"]
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


def role_ordered_matrix(session: Session, project_id: int, codebook_id: int | None, filters: Filters = Filters(),
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


def checklist_matrix(session: Session, project_id: int, codebook_id: int | None, filters: Filters = Filters(),
                     *, lang: str = "id") -> pd.DataFrame:
    """Long table per case and dimension: coded segments, and the researcher's present/strength/note."""
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
        select(CaseRating.case_id, CaseRating.code_id, CaseRating.present, CaseRating.strength, CaseRating.note)
        .where(CaseRating.project_id == project_id)
    ).all(), columns=["case_id", "code_id", "present", "strength", "note"])
    grid = grid.merge(stored, on=["case_id", "code_id"], how="left")
    grid["note"] = grid["note"].fillna("")
    grid = grid.rename(columns={"label": "dimension"})
    cols = ["case_id", "pseudonym", "group", "code_id", "dimension", "segments", "present", "strength", "note"]
    return grid[cols].sort_values(["group", "pseudonym"]).reset_index(drop=True)


def cross_framework_matrix(session: Session, project_id: int, rows_codebook_id: int, factors_codebook_id: int,
                           filters: Filters = Filters(), *, lang: str = "id") -> pd.DataFrame:
    """Dimensions of one framework (rows, e.g. Ansell & Gash) by the factors of another (e.g.
    Najam's 5Cs) split by direction: a segment counts in (row, C, direction) when it carries a
    code under the row dimension, a code under the C and a direction code (the factors codebook's
    ``meta.directions``, e.g. ``supporting``/``inhibiting``)."""
    codes = code_frame(session, project_id, lang)
    plain = Filters(**{**filters.__dict__, "codebook_ids": (rows_codebook_id, factors_codebook_id), "code_ids": ()})
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


def segment_turns(session: Session, frame: pd.DataFrame) -> pd.Series:
    """The turn id each segment of ``frame`` starts in (NA where the document has no turns)."""
    segs = frame[["segment_id", "document_id", "start"]].drop_duplicates("segment_id")
    turns = pd.DataFrame(session.execute(
        select(Turn.id, Turn.document_id, Turn.start, Turn.end)
        .where(Turn.document_id.in_(segs["document_id"].unique().tolist()))
    ).all(), columns=["turn_id", "document_id", "turn_start", "turn_end"])
    if turns.empty:
        return pd.Series(pd.NA, index=segs["segment_id"].values, dtype="Int64")
    turns = turns.astype("int64")
    segs = segs.astype({"document_id": "int64", "start": "int64"}).sort_values("start")
    merged = pd.merge_asof(segs, turns.sort_values("turn_start"), left_on="start", right_on="turn_start",
                           by="document_id", direction="backward")
    inside = merged["start"] < merged["turn_end"]
    return pd.Series(merged["turn_id"].where(inside).values, index=merged["segment_id"].values)


def cooccurrence(session: Session, project_id: int, filters: Filters = Filters(), *, scope: str = "segment",
                 level: str = "code", lang: str = "id") -> pd.DataFrame:
    """Square matrix of codes (``level="code"``) or dimensions (``"dimension"``): in how many
    segments (``scope="segment"``) or speaker turns (``"turn"``) both occur. The diagonal holds
    how many units carry the code at all. Rows are labelled (a label two codes share gets the
    key added); ``attrs["code_ids"]`` gives the code id of each row."""
    codes = code_frame(session, project_id, lang)
    frame = coding_frame(session, project_id, filters, codes, offsets=scope == "turn")
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


def cell_segments(session: Session, project_id: int, filters: Filters = Filters(), *,
                  all_of: tuple[int, ...] = (), case_id: int | None = None, group: str | None = None,
                  direction: str | None = None) -> pd.DataFrame:
    """The segments behind a cell: those carrying a code under every code in ``all_of`` (a
    dimension counts its descendants), of the case or stakeholder group given, and, for the
    cross-framework matrix, the direction code (``supporting``/``inhibiting``)."""
    codes = code_frame(session, project_id)
    frame = coding_frame(session, project_id, Filters(**{**filters.__dict__, "codebook_ids": ()}), codes)
    if filters.codebook_ids:
        book_codes = set(codes.loc[codes["codebook_id"].isin(filters.codebook_ids), "code_id"])
    else:
        book_codes = set(codes["code_id"])
    segment_ids: set[int] | None = None
    for code_id in all_of:
        under = set(_descendants(codes, (code_id,)))
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


def segment_table(session: Session, project_id: int, segment_ids: list[int], lang: str = "id") -> pd.DataFrame:
    """Segments with document, kind, offsets, snippet, informants and the codes on them."""
    columns = ["segment_id", "document_id", "document", "kind", "start", "end", "snippet", "informants", "groups",
               "codes"]
    if not segment_ids:
        return pd.DataFrame(columns=columns)
    rows = []
    for i in range(0, len(segment_ids), 30_000):
        chunk = segment_ids[i:i + 30_000]
        rows += session.execute(
            select(Segment.id, Segment.document_id, Document.title, Document.kind, Segment.start, Segment.end,
                   Segment.snippet)
            .join(Document, Segment.document_id == Document.id)
            .where(Document.project_id == project_id, Segment.id.in_(chunk))
        ).all()
    table = pd.DataFrame(rows, columns=columns[:7])
    cases = case_frame(session, project_id)
    per_doc = cases.groupby("document_id").agg(informants=("pseudonym", lambda s: ", ".join(sorted(s))),
                                               groups=("group", lambda s: ", ".join(sorted(set(s)))))
    table = table.merge(per_doc, left_on="document_id", right_index=True, how="left").fillna(
        {"informants": "", "groups": ""})
    code_rows = session.execute(
        select(Coding.segment_id, Code.key).join(Code, Coding.code_id == Code.id)
        .where(Coding.segment_id.in_(segment_ids[:30_000]))
    ).all()
    keys: dict[int, set[str]] = {}
    for seg, key in code_rows:
        keys.setdefault(seg, set()).add(key)
    table["codes"] = [", ".join(sorted(keys.get(s, ()))) for s in table["segment_id"]]
    return table.sort_values(["document", "start"]).reset_index(drop=True)[columns]
