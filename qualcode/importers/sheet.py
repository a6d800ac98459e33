"""Spreadsheets (.csv, .xlsx): one text per row.

The first non-blank row is the header. One column holds the text (TEXT_COLUMNS), one may hold
the title (TITLE_COLUMNS); every other column with a header goes into the row's metadata under
its lower-cased header (stakeholder, organisation, date...). Rows are numbered as a spreadsheet
program shows them, the header being row 1 when it is the first row. Completely blank rows are
passed over; a row with other cells filled but no text is an error naming the row. A .csv is
read by ``qualcode.files.csvfile`` (decoded like a .txt, delimiter sniffed, at most
``limits.MAX_SHEET_ROWS`` rows), and its rows carry the encoding found.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from pathlib import PurePath

from qualcode.errors import ImportFileError
from qualcode.files.csvfile import limit_rows, read_csv
from qualcode.importers import ExtractedText
from qualcode.importers.zipguard import check_zip
from qualcode.text import normalise_text

TEXT_COLUMNS = ("text", "teks", "transcript", "transkrip", "isi", "content")
TITLE_COLUMNS = ("title", "judul", "name", "nama", "file")
MAX_LISTED_ROWS = 20


def read_rows(filename: str, data: bytes) -> list[ExtractedText]:
    """One ExtractedText per filled row of the .csv or .xlsx file ``filename``."""
    if PurePath(filename).suffix.lower() == ".xlsx":
        return _texts(filename, _xlsx_rows(filename, data), encoding=None)
    sheet = read_csv(filename, data, wanted=TEXT_COLUMNS)
    return _texts(filename, sheet.rows, encoding=sheet.encoding)


def _xlsx_rows(filename: str, data: bytes) -> list[list[str]]:
    """The cells of the first worksheet of an .xlsx file, as text."""
    check_zip(filename, data, ".xlsx")
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of error for a damaged file
        raise ImportFileError("import.corrupt", file=filename, kind=".xlsx") from exc
    try:
        sheets = workbook.worksheets
        if not sheets:
            return []
        rows = sheets[0].iter_rows(values_only=True)
        return [[cell_text(value) for value in row] for row in limit_rows(filename, rows)]
    except ImportFileError:
        raise
    except Exception as exc:
        raise ImportFileError("import.corrupt", file=filename, kind=".xlsx") from exc
    finally:
        workbook.close()


def cell_text(value: object) -> str:
    """A spreadsheet value as the text a researcher sees: 3.0 -> "3", a midnight datetime -> its date."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _texts(filename: str, rows: Sequence[Sequence[str]], encoding: str | None) -> list[ExtractedText]:
    """Turn the header and rows into ExtractedTexts, refusing a missing text column or empty texts."""
    numbered = [(number, [cell.strip() for cell in row]) for number, row in enumerate(rows, start=1)]
    numbered = [(number, row) for number, row in numbered if any(row)]
    if not numbered:
        raise ImportFileError("import.no_text", file=filename)
    (_, header), body = numbered[0], numbered[1:]
    names = [cell.lower() for cell in header]
    text_at = _first_column(names, TEXT_COLUMNS)
    if text_at is None:
        found = ", ".join(cell for cell in header if cell) or "-"
        raise ImportFileError("import.sheet_no_text_column", file=filename, accepted=", ".join(TEXT_COLUMNS), found=found)
    title_at = _first_column(names, TITLE_COLUMNS)
    if not body:
        raise ImportFileError("import.sheet_no_rows", file=filename)

    stem = PurePath(filename).stem
    texts, empty = [], []
    for number, row in body:
        cells = list(row) + [""] * (len(names) - len(row))
        content = normalise_text(cells[text_at]).strip()
        if not content:
            empty.append(number)
            continue
        title = normalise_text(cells[title_at]).strip() if title_at is not None else ""
        metadata: dict[str, str] = {}
        for at, name in enumerate(names):
            if name and at not in (text_at, title_at) and cells[at]:
                metadata.setdefault(name, normalise_text(cells[at]))
        texts.append(ExtractedText(title or f"{stem} #{number}", content, filename, metadata, encoding, row=number))
    if empty:
        raise ImportFileError("import.sheet_empty_rows", file=filename, rows=_row_list(empty), column=header[text_at])
    return texts


def _first_column(names: list[str], accepted: Iterable[str]) -> int | None:
    """The position of the first accepted name (in the order of ``accepted``) among ``names``."""
    for name in accepted:
        if name in names:
            return names.index(name)
    return None


def _row_list(numbers: list[int]) -> str:
    """Row numbers for a message, at most MAX_LISTED_ROWS of them: "3, 5, 9"."""
    listed = ", ".join(str(number) for number in numbers[:MAX_LISTED_ROWS])
    return listed + (", …" if len(numbers) > MAX_LISTED_ROWS else "")
