"""Rich Text Format (.rtf) through striprtf.

RTF is 7-bit text: accented letters arrive as \\'e9 or \\u233 escapes, decoded by striprtf with
the code page the file declares (\\ansicpg, font charsets). Paragraph and line breaks become
new lines. Characters outside the Basic Multilingual Plane (emoji) are written in RTF as two
\\u escapes, a UTF-16 surrogate pair, which striprtf leaves apart: they are joined here.
"""

from __future__ import annotations

from striprtf.striprtf import rtf_to_text

from qualcode.errors import ImportFileError


def read(filename: str, data: bytes) -> str:
    """The text of the .rtf in ``data``."""
    # Latin-1 maps every byte to one character, so stray 8-bit bytes survive to striprtf intact.
    source = data.decode("latin-1")
    if not source.lstrip().startswith("{\\rtf"):
        raise ImportFileError("import.corrupt", file=filename, kind=".rtf")
    try:
        text = rtf_to_text(source, errors="replace")
    except Exception as exc:  # striprtf raises plain errors (IndexError, ValueError...) on broken input
        raise ImportFileError("import.corrupt", file=filename, kind=".rtf") from exc
    return join_surrogates(text)


def join_surrogates(text: str) -> str:
    """Combine UTF-16 surrogate pairs into their characters; a lone surrogate becomes U+FFFD."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
