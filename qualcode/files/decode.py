"""Bytes to text, for every text format qualcode reads (.txt, .csv sheets, YAML and CSV codebooks).

In order:

1. A byte-order mark (UTF-8, UTF-16, UTF-32) decides.
2. UTF-16 without a mark shows itself by NUL bytes in every other position (Excel's "Unicode
   text" has a mark; other tools leave it out).
3. Other NUL bytes mean the file is not text at all (a picture, an archive): ``import.binary``.
4. UTF-8 whenever it decodes cleanly.
5. A file that is partly UTF-8 and partly a legacy encoding (two files pasted together) is
   decoded line by line: UTF-8 where a line is valid UTF-8, the legacy encoding detected on the
   other lines elsewhere.
6. Otherwise charset-normalizer names the legacy encoding (Windows-1252, Shift-JIS,
   Windows-1256...); when several give the same text, Windows-1252 is named.
7. What none of these can read is refused as undecodable (``import.undecodable``), saying so.

The decoded text then loses ANSI escape sequences (colours copied from a terminal) and control
characters other than tab and line breaks: they are stripped, not refused.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

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
PREFERRED = ("cp1252",)
"""When charset-normalizer finds several encodings that give the same text, these win (in order)."""
SAMPLE_BYTES = 4096
# CSI sequences (ESC [ ... final byte), OSC sequences (ESC ] ... BEL or ESC \), other two-byte escapes.
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]|\x9b[0-?]*[ -/]*[@-~]")
# Unicode category Cc (C0, DEL and C1 controls) minus tab, line feed, vertical tab, form feed, carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # a Python codec name; "utf-8+cp1252" for a mixed file


def decode(filename: str, data: bytes) -> Decoded:
    """The text in ``data`` (control characters and ANSI escapes stripped) and its encoding.

    Raises ImportFileError ``import.binary`` for content with NUL bytes that is not UTF-16/32,
    and ``import.undecodable`` when no encoding reads it.
    """
    encoding = detect_encoding(filename, data)
    if encoding.startswith("utf-8+"):
        text = _decode_mixed(data, encoding.removeprefix("utf-8+"))
    else:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise ImportFileError("import.undecodable", file=filename) from exc
    return Decoded(strip_controls(text), encoding)


def decode_text(filename: str, data: bytes) -> str:
    """Just the text of :func:`decode`."""
    return decode(filename, data).text


def strip_controls(text: str) -> str:
    """``text`` without ANSI escape sequences and control characters (tab and line breaks stay)."""
    if "\x1b" in text or "\x9b" in text:
        text = _ANSI.sub("", text)
    return _CONTROL.sub("", text)


def detect_encoding(filename: str, data: bytes) -> str:
    """The encoding of ``data`` (a Python codec name, or ``utf-8+<legacy>`` for a mixed file)."""
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
    mixed = _mixed_legacy(data)
    if mixed:
        return f"utf-8+{mixed}"
    legacy = _legacy_encoding(data)
    if legacy is None:
        raise ImportFileError("import.undecodable", file=filename)
    return legacy


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


def _legacy_encoding(data: bytes) -> str | None:
    """charset-normalizer's choice for bytes that are not UTF-8, preferring PREFERRED among equals."""
    best = from_bytes(data).best()
    if best is None:
        return None
    for preferred in PREFERRED:
        if preferred in best.could_be_from_charset:
            return preferred
    return codecs.lookup(best.encoding).name


def _mixed_legacy(data: bytes) -> str | None:
    """For a file with both valid non-ASCII UTF-8 lines and lines that are not UTF-8: the legacy
    encoding of the latter. None when the file is not such a mixture."""
    utf8_lines = bad = 0
    bad_lines: list[bytes] = []
    for line in data.splitlines():
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8_lines += 1
        except UnicodeDecodeError:
            bad += 1
            bad_lines.append(line)
    if not utf8_lines or not bad:
        return None
    return _legacy_encoding(b"\n".join(bad_lines))


def _decode_mixed(data: bytes, legacy: str) -> str:
    out = []
    for line in data.splitlines(keepends=True):
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            out.append(line.decode(legacy, errors="replace"))
    return "".join(out)
