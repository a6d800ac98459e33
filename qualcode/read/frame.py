"""The coding frame: one row per coding, the one reader of codings for every display, export,
measure, report and agreement computation; and the tables around it.

:func:`coding_frame` reads the project's codings restricted by a :class:`~qualcode.read.filters.
Filters`. Kind, stakeholder group, case and document choose the documents read (group and case
keep documents linked to a matching case); codebook, code (with its sub-codes) and coder filter
the rows. The plain frame holds integer columns only and is read straight through the driver
(200,000 codings in a fraction of a second); ``detail=True`` adds the names a person reads:
document title, code key/path/names/label, codebook, dimension, coder, text, timestamps, the
document's cases and stakeholder groups, and the speaker turn the segment starts in.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Row, Select, select
from sqlalchemy.orm import Session

from qualcode.models import Case, Codebook, Coding, Document, Segment, Turn, User, case_documents
from qualcode.read.codes import code_frame, codebook_code_ids, descendant_ids
from qualcode.read.filters import NO_FILTERS, Filters

NO_CASE = "—"
NO_GROUP = "—"
BASE_COLUMNS = ["coding_id", "segment_id", "document_id", "code_id", "coder_id"]
SPAN_COLUMNS = ["start", "end"]
DETAIL_COLUMNS = [
    "coding_id", "segment_id", "document_id", "document", "kind", "start", "end", "text", "turn_id", "speaker",
    "cases", "groups", "code_id", "code_key", "code_path", "code", "code_name_id", "code_name_en", "codebook_id",
    "codebook", "codebook_name", "dimension_id", "dimension", "coder_id", "coder_login", "coder", "coded_at",
    "updated_at",
]
SEGMENT_COLUMNS = ["segment_id", "document_id", "document", "kind", "start", "end", "snippet", "informants", "groups",
                   "codes"]
CHUNK = 30_000  # ids per IN list


def case_frame(session: Session, project_id: int) -> pd.DataFrame:
    """One row per case linked to a document: document_id, case_id, pseudonym, stakeholder group
    (:data:`NO_GROUP` where the case has none)."""
    rows = session.execute(
        select(case_documents.c.document_id, Case.id, Case.pseudonym, Case.stakeholder_group)
        .join(Case, Case.id == case_documents.c.case_id)
        .where(Case.project_id == project_id)
        .order_by(Case.pseudonym)
    ).all()
    frame = pd.DataFrame(rows, columns=["document_id", "case_id", "pseudonym", "group"])
    frame["group"] = frame["group"].replace("", NO_GROUP)
    return frame


def matching_cases(cases: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The rows of a :func:`case_frame` that the group and case filters keep."""
    if filters.groups:
        cases = cases[cases["group"].isin(filters.groups)]
    if filters.case_ids:
        cases = cases[cases["case_id"].isin(filters.case_ids)]
    return cases


def document_ids(session: Session, project_id: int, filters: Filters = NO_FILTERS) -> list[int]:
    """The project's documents that the kind, group, case and document filters keep."""
    query = select(Document.id).where(Document.project_id == project_id).order_by(Document.id)
    if filters.kinds:
        query = query.where(Document.kind.in_(filters.kinds))
    if filters.document_ids:
        query = query.where(Document.id.in_(filters.document_ids))
    ids = list(session.scalars(query))
    if filters.groups or filters.case_ids:
        linked = set(matching_cases(case_frame(session, project_id), filters)["document_id"])
        ids = [i for i in ids if i in linked]
    return ids


def int_rows(session: Session, stmt: Select[*tuple[Any, ...]], columns: list[str]) -> pd.DataFrame:
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


def coding_frame(session: Session, project_id: int, filters: Filters = NO_FILTERS, codes: pd.DataFrame | None = None,
                 *, spans: bool = False, detail: bool = False, speakers: bool = True,
                 lang: str = "id") -> pd.DataFrame:
    """One row per coding of the project that ``filters`` keep.

    Always: ``coding_id, segment_id, document_id, code_id, coder_id, kind, dimension_id``;
    ``spans`` adds the segment's ``start`` and ``end``; ``detail`` adds every column of
    :data:`DETAIL_COLUMNS` (labels in ``lang``) and sorts by document, position, code and coder;
    ``speakers=False`` leaves ``turn_id`` and ``speaker`` empty (saves reading the turns).
    ``codes`` is the project's :func:`~qualcode.read.codes.code_frame`, when the caller has it.
    """
    codes = code_frame(session, project_id, lang) if codes is None else codes
    documents = session.execute(select(Document.id, Document.kind, Document.title)
                                .where(Document.project_id == project_id)).all()
    doc_ids = document_ids(session, project_id, filters) if filters.selects_documents else [d[0] for d in documents]
    columns = BASE_COLUMNS + (SPAN_COLUMNS if spans or detail else [])
    picked = [Coding.id, Coding.segment_id, Segment.document_id, Coding.code_id, Coding.coder_id]
    picked += [Segment.start, Segment.end] if spans or detail else []
    query = select(*picked).join(Segment, Coding.segment_id == Segment.id).where(Segment.document_id.in_(doc_ids or [-1]))
    frame = int_rows(session, query, columns)
    # Code and coder filters run here, not in SQL: an IN list on code_id makes SQLite probe the
    # (segment, code) index once per pair, three times slower than reading every coding.
    keep = None
    if filters.codebook_ids:
        keep = frame["code_id"].isin(codebook_code_ids(codes, filters.codebook_ids))
    if filters.code_ids:
        hit = frame["code_id"].isin(descendant_ids(codes, filters.code_ids))
        keep = hit if keep is None else keep & hit
    if filters.coder_ids:
        hit = frame["coder_id"].isin(filters.coder_ids)
        keep = hit if keep is None else keep & hit
    if keep is not None:
        frame = frame[keep].reset_index(drop=True)
    frame["kind"] = frame["document_id"].map({d: k for d, k, _ in documents}).astype("category")
    frame["dimension_id"] = frame["code_id"].map(dict(zip(codes["code_id"], codes["dimension_id"], strict=True)))
    if detail:
        frame = _describe(session, project_id, frame, codes, {d: t for d, _, t in documents}, speakers)
    return frame


def _describe(session: Session, project_id: int, frame: pd.DataFrame, codes: pd.DataFrame,
              titles: dict[int, str], speakers: bool = True) -> pd.DataFrame:
    """The detail columns of :func:`coding_frame`."""
    frame = frame.assign(kind=frame["kind"].astype(str), document=frame["document_id"].map(titles))
    extra: list[Row[int, str, dt.datetime, dt.datetime]] = []
    ids = frame["coding_id"].tolist()
    for i in range(0, len(ids), CHUNK):
        extra += session.execute(
            select(Coding.id, Segment.snippet, Coding.created_at, Coding.updated_at)
            .join(Segment, Coding.segment_id == Segment.id).where(Coding.id.in_(ids[i:i + CHUNK]))).all()
    frame = frame.merge(pd.DataFrame(extra, columns=["coding_id", "text", "coded_at", "updated_at"]),
                        on="coding_id", how="left")
    names = codes.set_index("code_id")
    frame["code_key"] = frame["code_id"].map(names["key"])
    frame["code_path"] = frame["code_id"].map(names["path"])
    frame["code"] = frame["code_id"].map(names["label"])
    frame["code_name_id"] = frame["code_id"].map(names["name_id"])
    frame["code_name_en"] = frame["code_id"].map(names["name_en"])
    frame["codebook_id"] = frame["code_id"].map(names["codebook_id"]).astype("Int64")
    frame["codebook"] = frame["code_id"].map(names["codebook"]).fillna("")
    books = dict(session.execute(select(Codebook.id, Codebook.name).where(Codebook.project_id == project_id)).all())
    frame["codebook_name"] = [books.get(int(b), "") if pd.notna(b) else "" for b in frame["codebook_id"]]
    frame["dimension"] = frame["dimension_id"].map(names["label"]).fillna("")
    users = pd.DataFrame(session.execute(select(User.id, User.login, User.display_name)
                                         .where(User.id.in_(frame["coder_id"].unique().tolist()))).all(),
                         columns=["coder_id", "coder_login", "coder"])
    frame = frame.merge(users, on="coder_id", how="left")
    cases = case_frame(session, project_id)
    per_doc = cases.groupby("document_id").agg(
        cases=("pseudonym", "; ".join),
        groups=("group", lambda s: "; ".join(dict.fromkeys(g for g in s if g != NO_GROUP))))
    frame = frame.merge(per_doc, left_on="document_id", right_index=True, how="left")
    frame[["cases", "groups"]] = frame[["cases", "groups"]].fillna("")
    if speakers:
        frame = frame.merge(segment_turn_rows(session, frame), on="segment_id", how="left")
    else:
        frame = frame.assign(turn_id=pd.array([pd.NA] * len(frame), dtype="Int64"), speaker="")
    frame["speaker"] = frame["speaker"].astype(object).where(frame["speaker"].notna(), "")
    frame = frame.sort_values(["document", "start", "end", "code_path", "coder"], kind="stable")
    return frame[DETAIL_COLUMNS].reset_index(drop=True)


def segment_turn_rows(session: Session, frame: pd.DataFrame) -> pd.DataFrame:
    """For each segment of ``frame`` (columns segment_id, document_id, start): the turn it starts
    in and that turn's speaker label (``turn_id`` NA and speaker NaN outside any turn)."""
    segs = frame[["segment_id", "document_id", "start"]].drop_duplicates("segment_id")
    doc_ids = [int(d) for d in segs["document_id"].unique()]
    rows: list[Row[int, int, int, int, str]] = []
    for i in range(0, len(doc_ids), 500):
        rows += session.execute(select(Turn.id, Turn.document_id, Turn.start, Turn.end, Turn.speaker)
                                .where(Turn.document_id.in_(doc_ids[i:i + 500]))).all()
    turns = pd.DataFrame(rows, columns=["turn_id", "document_id", "turn_start", "turn_end", "speaker"])
    if turns.empty or segs.empty:
        return pd.DataFrame({"segment_id": segs["segment_id"].to_numpy(),
                             "turn_id": pd.array([pd.NA] * len(segs), dtype="Int64"),
                             "speaker": [np.nan] * len(segs)})
    turns = turns.astype({"turn_id": "int64", "document_id": "int64", "turn_start": "int64", "turn_end": "int64"})
    segs = segs.astype({"document_id": "int64", "start": "int64"}).sort_values("start")
    merged = pd.merge_asof(segs, turns.sort_values("turn_start"), left_on="start", right_on="turn_start",
                           by="document_id", direction="backward")
    inside = merged["start"] < merged["turn_end"]
    return pd.DataFrame({"segment_id": merged["segment_id"].to_numpy(),
                         "turn_id": merged["turn_id"].where(inside).astype("Int64").to_numpy(),
                         "speaker": merged["speaker"].where(inside).to_numpy()})


def segment_turns(session: Session, frame: pd.DataFrame) -> pd.Series:
    """The turn id each segment of ``frame`` starts in, indexed by segment id (NA outside turns)."""
    rows = segment_turn_rows(session, frame)
    return pd.Series(rows["turn_id"].to_numpy(), index=rows["segment_id"].to_numpy(), dtype="Int64")


def segment_table(session: Session, project_id: int, segment_ids: list[int], lang: str = "id",
                  codes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Segments of the project with document, kind, offsets, snippet, informants, groups and the
    keys of the codes on them; ordered by document and position. Segments of other projects are
    left out. ``codes`` is the project's :func:`~qualcode.read.codes.code_frame`, when the caller
    has it."""
    if not segment_ids:
        return pd.DataFrame(columns=SEGMENT_COLUMNS)
    rows: list[Row[int, int, str, str, int, int, str]] = []
    code_rows: list[Row[int, int]] = []
    for i in range(0, len(segment_ids), CHUNK):
        chunk = segment_ids[i:i + CHUNK]
        rows += session.execute(
            select(Segment.id, Segment.document_id, Document.title, Document.kind, Segment.start, Segment.end,
                   Segment.snippet)
            .join(Document, Segment.document_id == Document.id)
            .where(Document.project_id == project_id, Segment.id.in_(chunk))
        ).all()
        code_rows += session.execute(
            select(Coding.segment_id, Coding.code_id).where(Coding.segment_id.in_(chunk))).all()
    table = pd.DataFrame(rows, columns=SEGMENT_COLUMNS[:7])
    # Each document's informants and groups, in plain Python: a few rows per document, where a
    # pandas groupby with named aggregations cost half of the whole table.
    cases = case_frame(session, project_id)
    informants: dict[int, list[str]] = {}
    groups: dict[int, set[str]] = {}
    for doc_id, pseudonym, group in zip(cases["document_id"], cases["pseudonym"], cases["group"], strict=True):
        informants.setdefault(doc_id, []).append(pseudonym)
        groups.setdefault(doc_id, set()).add(group)
    table["informants"] = [", ".join(sorted(informants.get(d, ()))) for d in table["document_id"]]
    table["groups"] = [", ".join(sorted(groups.get(d, ()))) for d in table["document_id"]]
    codes = code_frame(session, project_id, lang) if codes is None else codes
    key_of = dict(zip(codes["code_id"], codes["key"], strict=True))
    keys: dict[int, set[str]] = {}
    for seg, code_id in code_rows:
        keys.setdefault(seg, set()).add(key_of.get(code_id, ""))
    table["codes"] = [", ".join(sorted(keys.get(s, ()))) for s in table["segment_id"]]
    return table.sort_values(["document", "start"]).reset_index(drop=True)[SEGMENT_COLUMNS]
