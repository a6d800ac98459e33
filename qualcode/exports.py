"""Coded segments out of qualcode: one row per coding as a DataFrame, and CSV / XLSX writers.

The XLSX workbook has the full table, one sheet per code or per dimension (top-level code), and a
triangulation sheet (dimension by stakeholder group by source kind). Text cells that a spreadsheet
would run as a formula (starting with ``= + - @``, a tab or a carriage return) get a leading
apostrophe, in CSV and XLSX alike.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode.files import writer
from qualcode.files.writer import FORMULA_START, neutralise, safe_frame  # noqa: F401 (the exporters' names)
from qualcode.models import Memo
from qualcode.read.filters import NO_FILTERS, Filters
from qualcode.read.frame import coding_frame

COLUMNS = [
    "coding_id", "document", "case", "stakeholder_group", "source_kind", "speaker", "code_id", "code_path",
    "code_name_id", "code_name_en", "dimension", "codebook", "coder", "start", "end", "text", "memo",
    "coded_at", "updated_at",
]


SegmentFilters = Filters  # the export's old name for the one read-side Filters


def coded_segments(session: Session, project_id: int, filters: Filters | None = None) -> pd.DataFrame:
    """One row per coding with document, case, group, source kind, speaker, code, coder, span,
    text and memo: the read side's detailed coding frame, in the export's column names."""
    frame = coding_frame(session, project_id, filters or NO_FILTERS, detail=True)
    raw = frame.rename(columns={"kind": "source_kind", "cases": "case", "groups": "stakeholder_group",
                                "code_id": "code_pk", "code_key": "code_id", "codebook": "codebook_key",
                                "codebook_name": "codebook", "coder": "coder"})
    raw["memo"] = _memos(session, raw)
    for stamp in ("coded_at", "updated_at"):  # to the second: microseconds mean nothing to a reader
        raw[stamp] = _to_second(raw[stamp])
    return raw[COLUMNS].reset_index(drop=True)


def _to_second(stamps: pd.Series) -> pd.Series:
    """Timestamps without their fraction of a second (missing ones stay missing)."""
    return pd.to_datetime(stamps).dt.floor("s")


def _memos(session: Session, raw: pd.DataFrame) -> list[str]:
    segments = sorted(set(raw["segment_id"]))
    bodies: dict[int, list[str]] = {}
    for i in range(0, len(segments), 500):
        for segment_id, title, body in session.execute(
                select(Memo.segment_id, Memo.title, Memo.body).where(Memo.segment_id.in_(segments[i:i + 500]))
                .order_by(Memo.created_at)):
            assert segment_id is not None  # selected by segment_id IN (...)
            bodies.setdefault(segment_id, []).append(f"{title}: {body}" if title else body)
    return ["\n\n".join(bodies.get(s, [])) for s in raw["segment_id"]]


# ---------------------------------------------------------------- writers (qualcode.files.writer)


def to_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a byte order mark, formula-safe (``qualcode.files.writer``)."""
    return writer.csv_bytes(frame)


def dimension_sources(frame: pd.DataFrame) -> pd.DataFrame:
    """Codings per dimension (rows) by stakeholder group and source kind (columns): the workbook's
    ``triangulation`` sheet (a conclusion's own triangulation is :func:`qualcode.analysis.register.
    triangulation`)."""
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
        book.add_frame(label, part.reset_index(drop=True))  # the rows' numbers in ``frame`` are no column
    table = dimension_sources(frame)
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
