"""Coded segments out of qualcode: one row per coding as a DataFrame, and CSV / XLSX writers.

The XLSX workbook has the full table, one sheet per code or per dimension (top-level code), and a
triangulation sheet (dimension by stakeholder group by source kind). Text cells that a spreadsheet
would run as a formula (starting with ``= + - @``, a tab or a carriage return) get a leading
apostrophe, in CSV and XLSX alike.
"""

from __future__ import annotations

import bisect
import io
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd
import xlsxwriter
from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode.models import Case, Code, Codebook, Coding, Document, Memo, Segment, Turn, User, case_documents

COLUMNS = [
    "coding_id", "document", "case", "stakeholder_group", "source_kind", "speaker", "code_id", "code_path",
    "code_name_id", "code_name_en", "dimension", "codebook", "coder", "start", "end", "text", "memo",
    "coded_at", "updated_at",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


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


# ---------------------------------------------------------------- writers


def neutralise(value: object) -> object:
    """A text cell a spreadsheet would read as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell neutralised and time zones dropped (Excel has none)."""
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].dt.tz_convert("UTC").dt.tz_localize(None)
        elif out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    return out


def to_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a byte order mark, so Excel opens Indonesian text correctly."""
    return safe_frame(frame).to_csv(index=False).encode("utf-8-sig")


def triangulation(frame: pd.DataFrame) -> pd.DataFrame:
    """Codings per dimension (rows) by stakeholder group and source kind (columns)."""
    if frame.empty:
        return pd.DataFrame()
    data = frame.assign(stakeholder_group=frame["stakeholder_group"].replace("", "-"))
    table = pd.pivot_table(data, index="dimension", columns=["stakeholder_group", "source_kind"], values="coding_id",
                           aggfunc="count", fill_value=0)
    return table


def _sheet_name(name: str, used: set[str]) -> str:
    base = (_SHEET_BAD.sub("_", name).strip("'") or "sheet")[:28]
    candidate, n = base, 1
    while candidate.lower() in used:
        n += 1
        candidate = f"{base[:25]}~{n}"
    used.add(candidate.lower())
    return candidate


def _cells(frame: pd.DataFrame) -> list[list[object]]:
    """Rows of plain Python values: missing values empty, timestamps as naive datetimes."""
    columns = []
    for name in frame.columns:
        series = frame[name]
        if pd.api.types.is_datetime64_any_dtype(series):
            columns.append([None if pd.isna(v) else v.to_pydatetime() for v in series])
        else:
            columns.append([None if v is None or (isinstance(v, float) and v != v) else v for v in series.tolist()])
    return [list(row) for row in zip(*columns, strict=True)] if columns else []


def _write_sheet(workbook: Any, name: str, frame: pd.DataFrame, header: Any, stamp: Any) -> None:
    sheet = workbook.add_worksheet(name)
    sheet.write_row(0, 0, [str(c) for c in frame.columns], header)
    dates = [i for i, c in enumerate(frame.columns) if pd.api.types.is_datetime64_any_dtype(frame[c])]
    for i in dates:
        sheet.set_column(i, i, 19, stamp)
    for r, row in enumerate(_cells(frame), start=1):
        sheet.write_row(r, 0, row)
    sheet.freeze_panes(1, 0)


def to_xlsx(frame: pd.DataFrame, by: str = "code") -> bytes:
    """Workbook: ``segments`` (all rows), one sheet per code (``by="code"``) or per dimension
    (``by="dimension"``), and ``triangulation``."""
    safe = safe_frame(frame)
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                            "strings_to_numbers": False})
    header = workbook.add_format({"bold": True})
    stamp = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    used = {"segments", "triangulation"}
    _write_sheet(workbook, "segments", safe, header, stamp)
    column = "code_path" if by == "code" else "dimension"
    for value, part in safe.groupby(column, sort=True):
        label = str(part["code_name_id"].iloc[0]) or str(value) if by == "code" else (str(value) or "-")
        _write_sheet(workbook, _sheet_name(label, used), part, header, stamp)
    table = triangulation(frame)
    sheet = workbook.add_worksheet("triangulation")
    if not table.empty:
        groups = [str(g) for g, _ in table.columns]
        kinds = [str(k) for _, k in table.columns]
        sheet.write_row(0, 0, ["stakeholder_group", *groups], header)
        sheet.write_row(1, 0, ["source_kind", *kinds], header)
        sheet.write(2, 0, "dimension", header)
        for r, (dimension, counts) in enumerate(table.iterrows(), start=3):
            sheet.write_row(r, 0, [neutralise(str(dimension)), *[int(v) for v in counts]])
    else:
        sheet.write(0, 0, "dimension", header)
    workbook.close()
    return buffer.getvalue()
