"""The one CSV / XLSX writer: every spreadsheet qualcode offers for download goes through here.

Cells come from researchers and from imported files, so a cell can hold ``=HYPERLINK(...)`` or
``@SUM(...)``; a spreadsheet program would run it as a formula when the file is opened (CSV
injection). Every text cell that starts with ``= + - @``, a tab or a carriage return gets a
leading apostrophe, in CSV and XLSX alike, and XLSX cells are written as strings, never as
formulas, URLs or numbers. A cell that already starts with an apostrophe followed by one of
those characters gets one more, so :func:`restore` gives back exactly what was written
(the codebook CSV round-trips).

CSV is UTF-8 with a byte-order mark (so Excel shows Indonesian text correctly) and CRLF line
ends. ``tests/test_file_edge.py`` holds that no other module writes CSV or XLSX.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

import pandas as pd
import xlsxwriter

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31


def neutralise(value: object) -> object:
    """A text cell a spreadsheet would read as a formula gets a leading apostrophe."""
    if isinstance(value, str) and (value.startswith(FORMULA_START) or
                                   (value.startswith("'") and value[1:2] and value[1].startswith(FORMULA_START))):
        return "'" + value
    return value


def restore(cell: str) -> str:
    """What :func:`neutralise` was given, for a cell of a file qualcode wrote."""
    if cell.startswith("'") and cell[1:2] and (cell[1] in FORMULA_START or cell[1] == "'"):
        return cell[1:]
    return cell


def flat(table: pd.DataFrame) -> pd.DataFrame:
    """A table with one header row: MultiIndex columns joined with " · ", a named index as columns."""
    out = table.copy()
    if isinstance(out.columns, pd.MultiIndex):
        out.columns = [" · ".join(str(p) for p in col) for col in out.columns]
    if not isinstance(out.index, pd.RangeIndex):
        out = out.reset_index()
    return out


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell and header neutralised and time zones dropped (Excel has none)."""
    out = flat(frame)
    out.columns = [neutralise(str(c)) for c in out.columns]
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].dt.tz_convert("UTC").dt.tz_localize(None)
        elif out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    return out


# ---------------------------------------------------------------- CSV


def csv_rows(header: Sequence[object], rows: Iterable[Sequence[object]]) -> bytes:
    """A CSV file of ``header`` and ``rows``, every cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        writer.writerow([neutralise("" if cell is None else cell) for cell in row])
    return out.getvalue().encode("utf-8-sig")


def csv_bytes(table: pd.DataFrame) -> bytes:
    """A table as CSV (UTF-8 with BOM), formula-safe."""
    return safe_frame(table).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


# ---------------------------------------------------------------- XLSX


def sheet_name(name: str, used: set[str]) -> str:
    """A valid, unused worksheet name made from ``name`` (``used`` holds lower-cased names)."""
    base = (_SHEET_BAD.sub("_", str(name)).strip("'") or "sheet")[:28]
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
            columns.append([None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else v
                            for v in series.tolist()])  # pd.NA: a nullable column's missing value
    return [list(row) for row in zip(*columns, strict=True)] if columns else []


class Workbook:
    """An XLSX workbook built sheet by sheet; every cell neutralised, nothing written as a formula.

    >>> book = Workbook(); book.add_frame("display", table); data = book.close()
    """

    def __init__(self) -> None:
        self._buffer = io.BytesIO()
        self._book = xlsxwriter.Workbook(self._buffer, {"in_memory": True, "strings_to_formulas": False,
                                                        "strings_to_urls": False, "strings_to_numbers": False})
        self.header = self._book.add_format({"bold": True})
        self._stamp = self._book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        self.used: set[str] = set()
        self._reserved: set[str] = set()

    def reserve(self, *names: str) -> None:
        """Keep these sheet names for later ``add_*`` calls with exactly that name."""
        self._reserved.update(n.lower() for n in names)
        self.used.update(n.lower() for n in names)

    def _title(self, name: str) -> str:
        if name.lower() in self._reserved:
            self._reserved.discard(name.lower())
            return name
        return sheet_name(name, self.used)

    def add_frame(self, name: str, frame: pd.DataFrame) -> str:
        """A sheet holding ``frame`` (header row frozen); returns the sheet name used."""
        safe = safe_frame(frame)
        title = self._title(name)
        sheet = self._book.add_worksheet(title)
        sheet.write_row(0, 0, [str(c) for c in safe.columns], self.header)
        for i, column in enumerate(safe.columns):
            if pd.api.types.is_datetime64_any_dtype(safe[column]):
                sheet.set_column(i, i, 19, self._stamp)
        for r, row in enumerate(_cells(safe), start=1):
            sheet.write_row(r, 0, row)
        sheet.freeze_panes(1, 0)
        return title

    def add_rows(self, name: str, rows: Iterable[Sequence[object]], header_rows: int = 1,
                 header_columns: int = 0) -> str:
        """A sheet of plain rows; the first ``header_rows`` rows and ``header_columns`` columns bold."""
        title = self._title(name)
        sheet = self._book.add_worksheet(title)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                bold = r < header_rows or c < header_columns
                sheet.write(r, c, neutralise(value), self.header if bold else None)
        return title

    def close(self) -> bytes:
        self._book.close()
        return self._buffer.getvalue()


def xlsx_bytes(table: pd.DataFrame, sheet: str = "display") -> bytes:
    """A one-sheet workbook holding ``table``, formula-safe."""
    book = Workbook()
    book.add_frame(sheet[:SHEET_NAME_MAX], table)
    return book.close()


def xlsx_sheets(sheets: dict[str, pd.DataFrame]) -> bytes:
    """A workbook with one sheet per entry, formula-safe."""
    book = Workbook()
    for name, frame in sheets.items():
        book.add_frame(name, frame)
    return book.close()
