"""Importing transcripts: turn an uploaded file's bytes into text, with no database involved.

``extract(filename, data)`` dispatches on the file's suffix to one small reader per format
(plain text through ``qualcode.files.decode``, ``docx``, ``odt``, ``rtf``, ``pdf``, ``sheet``).
Every reader is pure: bytes in, text out. Every problem raises
:class:`qualcode.errors.ImportFileError` with an ``import.*`` key whose message
names the file and says what is wrong in the researcher's words.

A document file gives one :class:`ExtractedText`; a spreadsheet (.csv, .xlsx) gives one per row.
The readers are imported when first needed, so opening the app does not load pypdf or openpyxl.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath

from qualcode import limits
from qualcode.errors import ImportFileError, Part
from qualcode.text import normalise_text

MAX_FILE_BYTES = limits.MAX_FILE_BYTES
"""Files larger than this are refused before any parsing (documented limit: 50 MB)."""

SUPPORTED_SUFFIXES = (".txt", ".docx", ".odt", ".rtf", ".pdf", ".csv", ".xlsx")
SHEET_SUFFIXES = (".csv", ".xlsx")


@dataclass
class ExtractedText:
    """One text ready to become a document: normalised, with where it came from."""

    title: str  # the file stem, or the row's title column for sheets
    text: str  # already passed through qualcode.text.normalise_text
    source_name: str  # the original file name
    metadata: dict[str, str] = field(default_factory=dict)  # sheet rows: lower-cased header -> cell text
    encoding: str | None = None  # .txt and .csv: the detected encoding (a Python codec name)
    row: int | None = None  # sheet rows: the row number a spreadsheet program shows

    @property
    def location(self) -> str | Part:
        """Where the text is, for messages: the file, or "interviews.csv, row 3" in the
        language the message is read in."""
        return self.source_name if self.row is None else Part("where.file_row", file=self.source_name, row=self.row)

    @property
    def stored_name(self) -> str:
        """The document's original file name as stored: the file, or "interviews.csv #3" for a
        sheet row (the same in every language; the row's default title is "interviews #3")."""
        return self.source_name if self.row is None else f"{self.source_name} #{self.row}"


def megabytes(size: int) -> str:
    """``size`` bytes as a short number of MB for messages: 52428800 -> "50", 1572864 -> "1.5"."""
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0")


def extract(filename: str, data: bytes) -> list[ExtractedText]:
    """The text(s) in the file ``filename`` whose content is ``data``.

    Raises ImportFileError for an unsupported type, an empty or oversized file, and whatever the
    format's reader finds wrong (binary content, no text layer, encryption, corruption...).
    """
    suffix = PurePath(filename).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ImportFileError("import.unsupported", file=filename, supported=", ".join(SUPPORTED_SUFFIXES))
    if not data:
        raise ImportFileError("import.empty", file=filename)
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError("import.too_big", file=filename, size_mb=megabytes(len(data)), limit_mb=megabytes(MAX_FILE_BYTES))

    if suffix in SHEET_SUFFIXES:
        from qualcode.importers import sheet

        return sheet.read_rows(filename, data)

    raw, encoding = _read_document(filename, data, suffix)
    text = normalise_text(raw)
    if not text.strip():
        raise ImportFileError("import.no_text", file=filename)
    return [ExtractedText(title=PurePath(filename).stem, text=text, source_name=filename, metadata={}, encoding=encoding)]


def _read_document(filename: str, data: bytes, suffix: str) -> tuple[str, str | None]:
    """The raw text of a one-document file, and its encoding when the format has one (.txt)."""
    from qualcode.files.decode import decode
    from qualcode.importers import docx, odt, pdf, rtf

    if suffix == ".txt":
        decoded = decode(filename, data)
        return decoded.text, decoded.encoding
    readers = {".docx": docx.read, ".odt": odt.read, ".rtf": rtf.read, ".pdf": pdf.read}
    return readers[suffix](filename, data), None
