"""Coded segments out of qualcode: one row per coding as a DataFrame, and CSV / XLSX writers.

The XLSX workbook has the full table, one sheet per code or per dimension (top-level code), and a
triangulation sheet (dimension by stakeholder group by source kind). Text cells that a spreadsheet
would run as a formula (starting with ``= + - @``, a tab or a carriage return) get a leading
apostrophe, in CSV and XLSX alike.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode.files import writer
from qualcode.files.writer import FORMULA_START, neutralise, safe_frame  # noqa: F401 (the exporters' names)
from qualcode.models import Case, Code, Codebook, Coding, Document, Memo, Segment, Turn, User, case_documents

COLUMNS = [
    "coding_id", "document", "case", "stakeholder_group", "source_kind", "speaker", "code_id", "code_path",
    "code_name_id", "code_name_en", "dimension", "codebook", "coder", "start", "end", "text", "memo",
    "coded_at", "updated_at",
]


@dataclass
class SegmentFilters:
    """The Analysis filters; ``None`` means no filter. ``codebook_ids`` may hold 0 for inductive codes."""

    codebook_ids: list[int] | None = None
    code_ids: list[int] | None = None
    coder_ids: list[int] | None = None
    kinds: list[str] | None = None
    groups: list[str] | None = None


def coded_segments(session: Session, project_id: int, filters: SegmentFilters | None = None) -> pd.DataFrame:
    """One row per coding with document, case, group, source kind, speaker, code, coder, span, text, memo."""
    f = filters or SegmentFilters()
    query = (
        select(Coding.id, Document.id, Document.title, Document.kind, Segment.id, Segment.start, Segment.end,
               Segment.snippet, Code.id, Code.key, Code.path, Code.name_id, Code.name_en, Code.codebook_id,
               User.display_name, Coding.created_at, Coding.updated_at)
        .join(Segment, Segment.id == Coding.segment_id)
        .join(Document, Document.id == Segment.document_id)
        .join(Code, Code.id == Coding.code_id)
        .join(User, User.id == Coding.coder_id)
        .where(Document.project_id == project_id)
        .order_by(Document.title, Segment.start, Segment.end, Code.path, User.display_name)
    )
    if f.code_ids:
        paths = list(session.scalars(select(Code.path).where(Code.id.in_(f.code_ids))))
        ids = {c.id for c in session.scalars(select(Code).where(Code.project_id == project_id))
               if any(c.path == p or c.path.startswith(p + "/") for p in paths)}
        query = query.where(Code.id.in_(ids))
    if f.codebook_ids is not None:
        books = [b for b in f.codebook_ids if b]
        condition = Code.codebook_id.in_(books)
        query = query.where(condition | Code.codebook_id.is_(None) if 0 in f.codebook_ids else condition)
    if f.coder_ids:
        query = query.where(Coding.coder_id.in_(f.coder_ids))
    if f.kinds:
        query = query.where(Document.kind.in_(f.kinds))
    rows = session.execute(query).all()
    raw = pd.DataFrame(rows, columns=[
        "coding_id", "document_id", "document", "source_kind", "segment_id", "start", "end", "text", "code_pk",
        "code_id", "code_path", "code_name_id", "code_name_en", "codebook_pk", "coder", "coded_at", "updated_at"])

    books = dict(session.execute(select(Codebook.id, Codebook.name).where(Codebook.project_id == project_id)).all())
    roots = {path: name for path, name in session.execute(
        select(Code.path, Code.name_id).where(Code.project_id == project_id)) if "/" not in path}
    cases: dict[int, list[tuple[str, str]]] = {}
    for document_id, pseudonym, group in session.execute(
            select(case_documents.c.document_id, Case.pseudonym, Case.stakeholder_group)
            .join(Case, Case.id == case_documents.c.case_id).where(Case.project_id == project_id)
            .order_by(Case.pseudonym)):
        cases.setdefault(document_id, []).append((pseudonym, group))
    raw["case"] = [("; ".join(p for p, _ in cases.get(d, []))) for d in raw["document_id"]]
    raw["stakeholder_group"] = [("; ".join(dict.fromkeys(g for _, g in cases.get(d, []) if g))) for d in raw["document_id"]]
    raw["codebook"] = [books.get(b, "") if b == b and b is not None else "" for b in raw["codebook_pk"]]
    raw["dimension"] = [roots.get(p.split("/", 1)[0], "") for p in raw["code_path"]]
    raw["speaker"] = _speakers(session, raw)
    raw["memo"] = _memos(session, raw)
    if f.groups:
        wanted = set(f.groups)
        raw = raw[[bool(wanted & set(g.split("; "))) for g in raw["stakeholder_group"]]]
    return raw[COLUMNS].reset_index(drop=True)


def _speakers(session: Session, raw: pd.DataFrame) -> list[str]:
    """The label of the turn the segment starts in (empty outside any turn)."""
    documents = sorted(set(raw["document_id"]))
    turns: dict[int, tuple[list[int], list[int], list[str]]] = {}
    for i in range(0, len(documents), 500):
        for document_id, start, end, speaker in session.execute(
                select(Turn.document_id, Turn.start, Turn.end, Turn.speaker)
                .where(Turn.document_id.in_(documents[i:i + 500])).order_by(Turn.document_id, Turn.start)):
            starts, ends, labels = turns.setdefault(document_id, ([], [], []))
            starts.append(start)
            ends.append(end)
            labels.append(speaker)
    out = []
    for document_id, start in zip(raw["document_id"], raw["start"], strict=True):
        starts, ends, labels = turns.get(document_id, ([], [], []))
        k = bisect.bisect_right(starts, start) - 1
        out.append(labels[k] if k >= 0 and start < ends[k] else "")
    return out


def _memos(session: Session, raw: pd.DataFrame) -> list[str]:
    segments = sorted(set(raw["segment_id"]))
    bodies: dict[int, list[str]] = {}
    for i in range(0, len(segments), 500):
        for segment_id, title, body in session.execute(
                select(Memo.segment_id, Memo.title, Memo.body).where(Memo.segment_id.in_(segments[i:i + 500]))
                .order_by(Memo.created_at)):
            bodies.setdefault(segment_id, []).append(f"{title}: {body}" if title else body)
    return ["\n\n".join(bodies.get(s, [])) for s in raw["segment_id"]]


# ---------------------------------------------------------------- writers (qualcode.files.writer)


def to_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a byte order mark, formula-safe (``qualcode.files.writer``)."""
    return writer.csv_bytes(frame)


def triangulation(frame: pd.DataFrame) -> pd.DataFrame:
    """Codings per dimension (rows) by stakeholder group and source kind (columns)."""
    if frame.empty:
        return pd.DataFrame()
    data = frame.assign(stakeholder_group=frame["stakeholder_group"].replace("", "-"))
    table = pd.pivot_table(data, index="dimension", columns=["stakeholder_group", "source_kind"], values="coding_id",
                           aggfunc="count", fill_value=0)
    return table


def to_xlsx(frame: pd.DataFrame, by: str = "code") -> bytes:
    """Workbook: ``segments`` (all rows), one sheet per code (``by="code"``) or per dimension
    (``by="dimension"``), and ``triangulation``; formula-safe (``qualcode.files.writer``)."""
    book = writer.Workbook()
    book.reserve("segments", "triangulation")
    book.add_frame("segments", frame)
    column = "code_path" if by == "code" else "dimension"
    for value, part in frame.groupby(column, sort=True):
        label = str(part["code_name_id"].iloc[0]) or str(value) if by == "code" else (str(value) or "-")
        book.add_frame(label, part)
    table = triangulation(frame)
    if table.empty:
        book.add_rows("triangulation", [["dimension"]])
    else:
        rows: list[list[object]] = [
            ["stakeholder_group", *[str(g) for g, _ in table.columns]],
            ["source_kind", *[str(k) for _, k in table.columns]],
            ["dimension"],
        ]
        rows += [[str(dimension), *[int(v) for v in counts]] for dimension, counts in table.iterrows()]
        book.add_rows("triangulation", rows, header_rows=3)
    return book.close()
