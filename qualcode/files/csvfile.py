"""Reading CSV sheets: one decoder, one delimiter sniffer, one row limit.

Every CSV that qualcode reads (transcripts one per row, metadata and case sheets, codebook
sheets) comes through :func:`read_csv`: the bytes are decoded by :mod:`qualcode.files.decode`,
the delimiter (comma, semicolon or tab) is sniffed from the header, and reading stops with a
refusal naming the file and the limit as soon as the sheet passes ``limits.MAX_SHEET_ROWS``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from qualcode import limits
from qualcode.errors import ImportFileError
from qualcode.files.decode import decode

DELIMITERS = (",", ";", "\t")
Row = TypeVar("Row")
CSV_FIELD_LIMIT = 64 * 1024 * 1024
"""The csv module's default cell limit (128 KiB) is shorter than a long transcript."""


@dataclass
class CsvSheet:
    rows: list[list[str]]  # every row as read, blank ones included (row n of the sheet is rows[n - 1])
    encoding: str


def header_line(text: str) -> str:
    """The first non-blank line of ``text``."""
    return re.split(r"[\r\n]", text.lstrip("\r\n"), maxsplit=1)[0]


def sniff_delimiter(text: str, wanted: Iterable[str] = (), normalise: Callable[[str], str] | None = None) -> str:
    """The delimiter among comma, semicolon and tab that reads the header best.

    Best means: finds most of the ``wanted`` column names (compared after ``normalise``, by
    default stripped and lower-cased), then splits the header into most columns. A comma when
    no delimiter splits it.
    """
    header = header_line(text)
    wanted = set(wanted)
    norm = normalise or (lambda cell: cell.strip().lower())

    def score(delimiter: str) -> tuple[int, int]:
        try:
            cells = next(csv.reader([header], delimiter=delimiter), [])
        except csv.Error:
            return (0, 0)
        return len(wanted & {norm(c) for c in cells}), len(cells)

    return max(DELIMITERS, key=score)


def read_csv(filename: str, data: bytes, *, wanted: Iterable[str] = (),
             normalise: Callable[[str], str] | None = None, corrupt_key: str = "import.corrupt") -> CsvSheet:
    """The rows of a CSV file, decoded and split; refused past ``limits.MAX_SHEET_ROWS`` rows."""
    decoded = decode(filename, data)
    delimiter = sniff_delimiter(decoded.text, wanted, normalise)
    csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))
    reader = csv.reader(io.StringIO(decoded.text, newline=""), delimiter=delimiter)
    try:
        rows = list(limit_rows(filename, reader))
    except csv.Error as exc:
        raise ImportFileError(corrupt_key, file=filename, kind=".csv", row=reader.line_num, problem=str(exc)) from exc
    return CsvSheet(rows, decoded.encoding)


def limit_rows(filename: str, rows: Iterable[Row]) -> Iterator[Row]:
    """``rows``, refusing the sheet (``limit.sheet_rows``) when it has more than the limit.

    Blank rows count too, so a sheet of a million empty lines is refused as quickly."""
    for number, row in enumerate(rows, start=1):
        if number > limits.MAX_SHEET_ROWS + 1:  # + 1: the header
            raise ImportFileError("limit.sheet_rows", file=filename, limit=f"{limits.MAX_SHEET_ROWS:,}")
        yield row


def table(filename: str, rows: list[list[str]]) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The first non-blank row (stripped) and the non-blank rows under it, each with its sheet row number."""
    numbered = [(number, [cell.strip() for cell in row]) for number, row in enumerate(rows, start=1)]
    numbered = [(number, row) for number, row in numbered if any(row)]
    if not numbered:
        return [], []
    return numbered[0][1], numbered[1:]
