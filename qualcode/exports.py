"""Coded segments out of qualcode: one row per coding as a DataFrame, and CSV / XLSX writers.

The XLSX workbook has the full table, one sheet per code or per dimension (top-level code), and a
triangulation sheet (dimension by stakeholder group by source kind). Text cells that a spreadsheet
would run as a formula (starting with ``= + - @``, a tab or a carriage return) get a leading
apostrophe, in CSV and XLSX alike.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pandas as pd
import xlsxwriter
from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode.models import Memo
from qualcode.read.filters import NO_FILTERS, Filters
from qualcode.read.frame import coding_frame

COLUMNS = [
    "coding_id", "document", "case", "stakeholder_group", "source_kind", "speaker", "code_id", "code_path",
    "code_name_id", "code_name_en", "dimension", "codebook", "coder", "start", "end", "text", "memo",
    "coded_at", "updated_at",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


SegmentFilters = Filters  # the export's old name for the one read-side Filters


def coded_segments(session: Session, project_id: int, filters: Filters | None = None) -> pd.DataFrame:
    """One row per coding with document, case, group, source kind, speaker, code, coder, span,
    text and memo: the read side's detailed coding frame, in the export's column names."""
    frame = coding_frame(session, project_id, filters or NO_FILTERS, detail=True)
    raw = frame.rename(columns={"kind": "source_kind", "cases": "case", "groups": "stakeholder_group",
                                "code_id": "code_pk", "code_key": "code_id", "codebook": "codebook_key",
                                "codebook_name": "codebook", "coder": "coder"})
    raw["memo"] = _memos(session, raw)
    return raw[COLUMNS].reset_index(drop=True)


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
    table = dimension_sources(frame)
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
