"""Plain text (.txt, and the bytes of a .csv): find the encoding and decode.

In order: a byte-order mark (UTF-8, UTF-16, UTF-32) decides; UTF-16 without a mark shows itself
by NUL bytes in every other position; otherwise NUL bytes mean the file is binary; UTF-8 is
preferred whenever it decodes cleanly; else charset-normalizer chooses between the legacy
Windows and ISO Latin encodings (cp1252, latin-1) that older Indonesian and Western files use.
Decoded text in which control characters are common (over 5%) is refused as binary too.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from qualcode.errors import ImportFileError

# Longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
LEGACY_ENCODINGS = ["cp1252", "latin_1"]
SAMPLE_BYTES = 4096
MAX_CONTROL_SHARE = 0.05
"""Text in which more than this share of characters are control characters is taken as binary."""
# Unicode category Cc (C0, DEL and C1 controls) minus tab, line feed, vertical tab, form feed, carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def decode(filename: str, data: bytes) -> tuple[str, str]:
    """The text in ``data`` and the name of the encoding it was decoded with (a Python codec name)."""
    encoding = detect_encoding(filename, data)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ImportFileError("import.corrupt", file=filename, kind=".txt") from exc
    if looks_binary(text):
        raise ImportFileError("import.binary", file=filename)
    return text, encoding


def detect_encoding(filename: str, data: bytes) -> str:
    """The encoding of ``data``; raises ImportFileError("import.binary") when it is not text."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return encoding
    utf16 = utf16_without_bom(data)
    if utf16:
        return utf16
    if b"\x00" in data:
        raise ImportFileError("import.binary", file=filename)
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=LEGACY_ENCODINGS).best()
    if best is None:
        raise ImportFileError("import.binary", file=filename)
    return codecs.lookup(best.encoding).name


def utf16_without_bom(data: bytes) -> str | None:
    """The codec "utf-16-le" or "utf-16-be" when NUL bytes fill alternate positions, else None.

    Text in Latin script stored as UTF-16 has a NUL high byte for nearly every character: at the
    odd positions in little-endian order, at the even ones in big-endian order.
    """
    sample = data[:SAMPLE_BYTES]
    pairs = len(sample) // 2
    if len(data) % 2 or pairs == 0:
        return None
    even_nuls = sample[0 : pairs * 2 : 2].count(0)
    odd_nuls = sample[1 : pairs * 2 : 2].count(0)
    if odd_nuls >= 0.3 * pairs and even_nuls <= 0.05 * pairs:
        return "utf-16-le"
    if even_nuls >= 0.3 * pairs and odd_nuls <= 0.05 * pairs:
        return "utf-16-be"
    return None


def looks_binary(text: str) -> bool:
    """True when control characters (other than tab, line and page breaks) are too common."""
    return len(_CONTROL.findall(text)) > MAX_CONTROL_SHARE * len(text)
