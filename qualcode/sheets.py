"""Small CSV sheets researchers keep beside their transcripts (metadata, cases): read through
``qualcode.files.csvfile`` (any encoding the decoder knows, including Excel's UTF-16 "Unicode
text"; delimiter sniffed among , ; and tab; at most ``limits.MAX_SHEET_ROWS`` rows), headers
lower-cased and cells trimmed."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from qualcode.errors import ImportFileError
from qualcode.files.csvfile import read_csv, table


def read_rows(filename: str, data: bytes, wanted: Iterable[str] = ()) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """The sheet's lower-cased headers and its rows as (spreadsheet row number, {header: cell}).

    ``wanted``: column names the caller looks for, which help tell the delimiter."""
    header, body = table(filename, read_csv(filename, data, wanted=wanted).rows)
    if not header:
        raise ImportFileError("cases.sheet_empty", file=filename)
    headers = [h.lower() for h in header]

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for number, cells in body:
            yield number, {name: cell for name, cell in zip(headers, cells, strict=False) if name}

    return headers, rows()
