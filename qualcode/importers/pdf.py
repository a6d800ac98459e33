"""PDF through pypdf: the text layer, page by page.

A scanned PDF holds pictures of pages and no text layer: it needs OCR (text recognition)
before it can be imported, and the error says so. A PDF protected by a password to open is
refused; one encrypted only against editing (empty open password) is read.
"""

from __future__ import annotations

import io

from pypdf import PasswordType, PdfReader

from qualcode.errors import ImportFileError


def read(filename: str, data: bytes) -> str:
    """The text of the PDF in ``data``, pages joined by a new line."""
    try:
        reader = PdfReader(io.BytesIO(data))
    except Exception as exc:  # pypdf raises PdfReadError, ValueError, KeyError... for a damaged file
        raise ImportFileError("import.corrupt", file=filename, kind=".pdf") from exc
    if reader.is_encrypted and not _opens_without_password(reader):
        raise ImportFileError("import.pdf_encrypted", file=filename)
    try:
        pages = [page.extract_text() for page in reader.pages]
    except Exception as exc:
        raise ImportFileError("import.corrupt", file=filename, kind=".pdf") from exc
    text = "\n".join(pages)
    if not text.strip():
        raise ImportFileError("import.pdf_no_text", file=filename)
    return text


def _opens_without_password(reader: PdfReader) -> bool:
    """True when the empty password opens the PDF (encrypted against editing only)."""
    try:
        return reader.decrypt("") != PasswordType.NOT_DECRYPTED
    except Exception:  # an unsupported cipher (pypdf's DependencyError) or a damaged encryption dictionary
        return False
