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
   Windows-1256...); when several give the same text, Windows-1252 is named. For text in Latin
   script (a few accented letters among plain ones) Windows-1252 is named whenever it reads the
   bytes, unless it misreads them more than charset-normalizer's choice does (a symbol inside a
   word: Polish ``w³adza`` is Windows-1250): on a short text charset-normalizer's guess among
   the code pages (Baltic, DOS, even Urdu or Big5) is little more than chance.
7. What none of these can read is refused as undecodable (``import.undecodable``), saying so.

The decoded text then loses ANSI escape sequences (colours copied from a terminal) and control
characters other than tab and line breaks: they are stripped, not refused.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
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
DETECT_BYTES = 1024 * 1024
"""charset-normalizer looks at the first megabyte of a large file; the whole file must then decode."""
MIXED_MIN_SHARE = 0.2
_SINGLE_BYTE_LATIN = frozenset(codecs.lookup(name).name for name in (
    "cp1250", "cp1252", "cp1254", "cp1257", "cp1258", "latin_1", "iso8859_2", "iso8859_3", "iso8859_4", "iso8859_9",
    "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_15", "iso8859_16", "mac_roman", "mac_latin2", "mac_iceland",
    "mac_turkish", "cp437", "cp850", "cp852", "cp858",
))
"""Code pages for Latin script: charset-normalizer cannot tell them apart reliably."""
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
    legacy = _legacy_encoding(data[:DETECT_BYTES]) if len(data) > DETECT_BYTES else None
    if legacy is not None:
        try:
            data.decode(legacy)  # the sample's encoding reads the whole file
            return legacy
        except UnicodeDecodeError:
            pass
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
    """charset-normalizer's choice for bytes that are not UTF-8, preferring PREFERRED among equals.

    Equal means the same text: charset-normalizer lists the encodings it found equal in its
    sample (``could_be_from_charset``). For text in Latin script Windows-1252 wins whenever it
    reads the bytes no worse than charset-normalizer's choice (:func:`_prefer_cp1252`)."""
    best = from_bytes(data).best()
    if best is None:
        return None
    for preferred in PREFERRED:
        if preferred in best.could_be_from_charset:
            return preferred
    chosen = codecs.lookup(best.encoding).name
    return "cp1252" if _prefer_cp1252(data, chosen) else chosen


_ASCII_LETTERS = bytes(range(ord("A"), ord("Z") + 1)) + bytes(range(ord("a"), ord("z") + 1))
_HIGH_BYTES = bytes(range(128, 256))
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_IN_WORD = frozenset("\u2019\u2018\u02bc\u00b7")  # apostrophes (Jum’at) and the middle dot (l·l)


def _prefer_cp1252(data: bytes, chosen: str) -> bool:
    """Whether Windows-1252 should read ``data`` rather than charset-normalizer's ``chosen``.

    Windows in Indonesia and in the West writes Windows-1252, and on a short text in Latin script
    charset-normalizer cannot tell the code pages apart (a transcript with one "é" and one "ñ" is
    as likely Baltic DOS to it). So for text in Latin script, that is one of the Latin code pages
    or fewer bytes above ASCII than ASCII letters (Cyrillic, Greek, Arabic text is mostly bytes
    above ASCII), Windows-1252 wins unless its reading shows more signs of a wrong code page
    than the chosen one's (:func:`_misreadings`)."""
    try:
        ours = data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    if chosen not in _SINGLE_BYTE_LATIN:
        high = len(data) - len(data.translate(None, _HIGH_BYTES))
        letters = len(data) - len(data.translate(None, _ASCII_LETTERS))
        if high >= letters:
            return False
    return _misreadings(ours) <= _misreadings(data.decode(chosen, errors="replace"))


def _misreadings(text: str) -> int:
    """Signs that ``text`` was decoded with the wrong code page: a symbol between two letters
    (``w³adza``, ``Za¿ó³æ``: Polish read as Windows-1252), a capital letter after a small one
    (``ÔstaigÖ``: Lithuanian DOS read as Windows-1252) and a letter of another script touching a
    Latin letter (``caf`` and an Urdu letter: Indonesian read as Urdu)."""
    count = 0
    for match in _NON_ASCII.finditer(text):
        at = match.start()
        char = text[at]
        before = text[at - 1] if at else " "
        after = text[at + 1] if at + 1 < len(text) else " "
        kind = unicodedata.category(char)[0]
        if kind == "L":
            latin = unicodedata.name(char, "").startswith("LATIN") or char in "ªºµ"
            count += (not latin and (_ascii_letter(before) or _ascii_letter(after))) or (char.isupper() and before.islower())
        elif kind in "SNP" and char not in _IN_WORD and unicodedata.category(char) != "Pd":
            count += before.isalpha() and after.isalpha()
    return count


def _ascii_letter(char: str) -> bool:
    return char.isascii() and char.isalpha()


def _mixed_legacy(data: bytes) -> str | None:
    """For a file with both valid non-ASCII UTF-8 lines and lines that are not UTF-8: the legacy
    encoding of the latter. None when the file is not such a mixture.

    A legacy file in a multibyte encoding (Shift-JIS, GBK...) can have a short line that happens
    to be valid UTF-8; such a file is taken as a mixture only when at least MIXED_MIN_SHARE of
    its non-ASCII lines are UTF-8."""
    if data.decode("utf-8", errors="ignore").isascii():
        return None  # no UTF-8 character anywhere: not a mixture (and no need to look line by line)
    utf8_lines = 0
    bad_lines: list[bytes] = []
    for line in data.splitlines():
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8_lines += 1
        except UnicodeDecodeError:
            bad_lines.append(line)
    if not utf8_lines or not bad_lines:
        return None
    legacy = _legacy_encoding(b"\n".join(bad_lines))
    if legacy is None:
        return None
    if codecs.lookup(legacy).name not in _SINGLE_BYTE_LATIN and utf8_lines < MIXED_MIN_SHARE * (utf8_lines + len(bad_lines)):
        return None
    return legacy


def _decode_mixed(data: bytes, legacy: str) -> str:
    out = []
    for line in data.splitlines(keepends=True):
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            out.append(line.decode(legacy, errors="replace"))
    return "".join(out)
