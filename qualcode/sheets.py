"""Small CSV sheets researchers keep beside their transcripts (metadata, cases): decoded
(UTF-8 with or without BOM, else Windows-1252), delimiter sniffed among , ; and tab, headers
lower-cased and cells trimmed."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from qualcode.errors import ImportFileError


def decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def read_rows(filename: str, data: bytes) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """The sheet's lower-cased headers and its rows as (spreadsheet row number, {header: cell})."""
    text = decode(data)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    if not reader.fieldnames:
        raise ImportFileError("cases.sheet_empty", file=filename)
    headers = [h.strip().lower() for h in reader.fieldnames]

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for number, raw in enumerate(reader, start=2):
            yield number, {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k}

    return headers, rows()
