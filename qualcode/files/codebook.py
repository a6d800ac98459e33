"""One codebook reader and writer for the three file formats: YAML, CSV and REFI-QDA ``.qdc``.

The page's upload, ``python -m qualcode codebook import/export``, ``suggest --codebook`` and the
demo all read through :func:`read_codebook` and write through :func:`write_codebook`. The
format follows the file's extension. Every reader decodes with ``qualcode.files.decode`` (CSV,
YAML) or a safe XML parser (.qdc), and refuses, naming the file and the limit, whatever passes
``qualcode.limits`` (file size, codes per codebook, depth of code paths, YAML aliases and
nesting, rows per sheet).
"""

from __future__ import annotations

from pathlib import PurePath

from qualcode import limits
from qualcode.codebooks import CodebookSpec, dump_codebook, parse_codebook_bytes
from qualcode.errors import ImportFileError

FORMATS = {".yaml": "yaml", ".yml": "yaml", ".csv": "csv", ".qdc": "qdc"}
"""File extension -> format name."""
MEDIA_TYPES = {"yaml": "application/x-yaml", "csv": "text/csv", "qdc": "application/xml"}
EXTENSIONS = {"yaml": ".yaml", "csv": ".csv", "qdc": ".qdc"}


def format_of(filename: str) -> str:
    """The codebook format of ``filename`` by its extension; ImportFileError when it has none we read."""
    fmt = FORMATS.get(PurePath(filename).suffix.lower())
    if fmt is None:
        raise ImportFileError("import.unsupported", file=filename, supported=", ".join(FORMATS))
    return fmt


def read_codebook(filename: str, data: bytes, *, codebook_id: str | None = None,
                  name: str | None = None) -> CodebookSpec:
    """The codebook in the file ``filename`` whose content is ``data``.

    A YAML file carries its own id and name; for CSV and .qdc they come from ``codebook_id`` and
    ``name``, or else from the file name."""
    fmt = format_of(filename)
    if not data:
        raise ImportFileError("import.empty", file=filename)
    if len(data) > limits.MAX_FILE_BYTES:
        from qualcode.importers import megabytes

        raise ImportFileError("import.too_big", file=filename, size_mb=megabytes(len(data)),
                              limit_mb=megabytes(limits.MAX_FILE_BYTES))
    if fmt == "yaml":
        return parse_codebook_bytes(data, filename)
    if fmt == "csv":
        from qualcode.exchange.codebook_csv import csv_to_codebook

        return csv_to_codebook(data, filename, codebook_id=codebook_id, name=name)
    from qualcode.exchange.qdc import qdc_to_codebook

    return qdc_to_codebook(data, filename, codebook_id=codebook_id, name=name)


def write_codebook(spec: CodebookSpec, fmt: str) -> bytes:
    """The codebook as a file in ``fmt`` ("yaml", "csv" or "qdc")."""
    if fmt == "yaml":
        return dump_codebook(spec).encode("utf-8")
    if fmt == "csv":
        from qualcode.exchange.codebook_csv import codebook_to_csv

        return codebook_to_csv(spec)
    if fmt == "qdc":
        from qualcode.exchange.qdc import codebook_to_qdc

        return codebook_to_qdc(spec)
    raise ValueError(f"unknown codebook format {fmt!r}")
