"""Text normalisation. The stored text is what every offset points into, so it is normalised
once, before storing, and never again."""

from __future__ import annotations

import hashlib
import unicodedata


def normalise_text(text: str) -> str:
    """Unicode NFC, LF line endings, no byte-order mark, no NUL characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\ufeff", "").replace("\x00", "")
    return unicodedata.normalize("NFC", text)


def checksum(text: str) -> str:
    """SHA-256 of the normalised text, hex: equal texts are duplicates whatever their file."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def snippet(text: str, start: int, end: int, limit: int = 2000) -> str:
    """The covered text, cut at ``limit`` code points with an ellipsis."""
    covered = text[start:end]
    return covered if len(covered) <= limit else covered[: limit - 1] + "…"


def utf16_to_codepoint(text: str, offset16: int) -> int:
    """Convert a UTF-16 code-unit offset (browsers, NVivo) to a Python code-point offset."""
    if offset16 <= 0:
        return 0
    units = 0
    for index, char in enumerate(text):
        if units >= offset16:
            return index
        units += 2 if ord(char) > 0xFFFF else 1
    return len(text)


def codepoint_to_utf16(text: str, offset: int) -> int:
    """Convert a code-point offset to UTF-16 code units."""
    prefix = text[:offset]
    return len(prefix) + sum(1 for ch in prefix if ord(ch) > 0xFFFF)
