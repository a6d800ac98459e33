"""How other tools count selection positions, and converting them to qualcode's offsets.

The REFI-QDA standard counts positions in "characters" of the source's plain text. Tools differ:

- **code points** (the standard's reading; qualcode writes this);
- **UTF-16 code units** (NVivo: an emoji or another character outside the Basic Multilingual
  Plane counts two);
- **a Windows line break (CRLF) counted as one character** although the text file holds two
  (ATLAS.ti), alone or with UTF-16 units;
- a leading byte order mark counted or not.

qualcode stores text normalised (no BOM, LF line breaks, NFC) and counts code points of that, end
exclusive. :func:`convert_positions` tries every reading that differs for the text at hand and keeps
the one that puts most selections on word boundaries (ties go to the standard's code points). A
selection that falls outside the text in the chosen reading, or is empty, is not moved or clamped:
it comes back as ``None`` for the caller to report.
"""

from __future__ import annotations

import bisect
import re
import unicodedata

from qualcode.text import normalise_text

READINGS = ("codepoints", "utf16", "codepoints+crlf1", "utf16+crlf1",
            "codepoints+bom", "utf16+bom", "codepoints+crlf1+bom", "utf16+crlf1+bom")
"""Every reading, in the order ties are broken (the standard's first)."""


def _astral_starts(text: str) -> list[int]:
    """UTF-16 offsets at which the characters outside the BMP (two units each) begin."""
    starts, extra = [], 0
    for index, char in enumerate(text):
        if ord(char) > 0xFFFF:
            starts.append(index + extra)
            extra += 1
    return starts


def utf16_to_codepoints(text: str, offsets: list[int]) -> list[int]:
    """Many UTF-16 offsets to code-point offsets of ``text`` at once (one pass over the text)."""
    starts = _astral_starts(text)
    return [o - bisect.bisect_left(starts, o) for o in offsets]


def _crlf_to_raw(text: str, offsets: list[int]) -> list[int]:
    """Offsets counted with each CRLF as one character, back to offsets of ``text`` (CRLF as two)."""
    collapsed, pairs, at = [], 0, text.find("\r\n")
    while at != -1:
        collapsed.append(at - pairs)  # where the pair sits once each CRLF counts one
        pairs += 1
        at = text.find("\r\n", at + 2)
    return [o + bisect.bisect_left(collapsed, o) for o in offsets]


def _collapse_crlf(text: str) -> str:
    return text.replace("\r\n", "\n")


_REMOVED = re.compile("[\ufeff\x00]|\r(?=\n)")
"""What normalising drops: a BOM, a NUL, the CR of a CRLF (found in C: an 8 MB text in milliseconds)."""


class _NormalisedIndex:
    """Maps code-point offsets of a raw text to offsets of ``normalise_text(raw)``."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.removed = [found.start() for found in _REMOVED.finditer(raw)]
        kept = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "").replace("\x00", "")
        self.simple = unicodedata.is_normalized("NFC", kept)
        self.text = kept if self.simple else unicodedata.normalize("NFC", kept)

    def __call__(self, offset: int) -> int:
        if self.simple:
            return offset - bisect.bisect_left(self.removed, offset)
        return len(normalise_text(self.raw[:offset]))


def on_boundary(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` neither begins nor ends inside a word."""
    if not 0 <= start < end <= len(text):
        return False
    inside_start = start > 0 and text[start - 1].isalnum() and text[start].isalnum()
    inside_end = end < len(text) and text[end - 1].isalnum() and text[end].isalnum()
    return not inside_start and not inside_end


def _readings(raw: str, trusted: bool) -> list[str]:
    """The readings that can differ for this text (the others would give the same offsets)."""
    if trusted:
        return ["codepoints"]
    bom = raw.startswith("\ufeff")
    astral = any(ord(c) > 0xFFFF for c in raw)
    crlf = "\r\n" in raw
    return [name for name in READINGS
            if ("utf16" not in name or astral) and ("crlf1" not in name or crlf) and ("bom" not in name or bom)]


def _raw_offsets(raw: str, reading: str, flat: list[int]) -> list[int]:
    """Positions in ``reading`` as code-point offsets of ``raw`` (which keeps its BOM and CRLFs)."""
    bom = raw.startswith("\ufeff")
    bom_counted = "bom" in reading
    text = raw if bom_counted else raw[1:] if bom else raw
    counted = _collapse_crlf(text) if "crlf1" in reading else text
    points = utf16_to_codepoints(counted, flat) if "utf16" in reading else list(flat)
    if "crlf1" in reading:
        points = _crlf_to_raw(text, points)
    shift = int(bom and not bom_counted)
    return [p + shift for p in points]


def convert_positions(raw: str, spans: list[tuple[int, int]], trusted: bool
                      ) -> tuple[str, list[tuple[int, int] | None], str]:
    """The normalised text, each span in its code points (``None`` when outside or empty), the reading.

    ``raw`` is the source text as decoded, a leading BOM kept. ``trusted`` (a file qualcode wrote,
    LF text without BOM): positions are code points. Otherwise every reading that can differ is tried.
    """
    index = _NormalisedIndex(raw)
    flat = [p for span in spans for p in span]
    best: tuple[int, str, list[tuple[int, int] | None]] | None = None
    for reading in _readings(raw, trusted):
        points = _raw_offsets(raw, reading, flat)  # outside stays outside: never clamped into the text
        mapped: list[tuple[int, int] | None] = []
        score = 0
        for i in range(0, len(points), 2):
            (a, b), (ra, rb) = spans[i // 2], (points[i], points[i + 1])
            if a < 0 or b < 0 or a >= b or rb > len(raw) or ra < 0:
                mapped.append(None)
                continue
            start, end = index(ra), index(rb)
            if start >= end:
                mapped.append(None)
                continue
            mapped.append((start, end))
            score += on_boundary(index.text, start, end)
        if best is None or score > best[0]:
            best = (score, reading, mapped)
    assert best is not None
    return index.text, best[2], best[1]


# ---------------------------------------------------------------- writing for a tool


class Profile:
    """How a ``.qdpx`` is written for one tool: line breaks, byte order mark and position counting.

    Each profile writes source texts and positions the way that tool writes its own exports
    (``docs/refi-qda.md``, "Export for NVivo, ATLAS.ti and MAXQDA").
    """

    def __init__(self, name: str, *, crlf: bool, bom: bool, reading: str) -> None:
        self.name, self.crlf, self.bom, self.reading = name, crlf, bom, reading

    def text(self, text: str) -> bytes:
        """The stored (LF, NFC) text as this tool's source file."""
        body = text.replace("\n", "\r\n") if self.crlf else text
        return ("\ufeff" + body if self.bom else body).encode("utf-8")

    def offsets(self, text: str, offsets: list[int]) -> list[int]:
        """Code points of the stored text to this tool's positions in its source file (BOM not counted)."""
        extra_per_line = self.crlf and "crlf1" not in self.reading
        lines = [i for i, c in enumerate(text) if c == "\n"] if extra_per_line else []
        astral = [i for i, c in enumerate(text) if ord(c) > 0xFFFF] if "utf16" in self.reading else []
        return [o + bisect.bisect_left(lines, o) + bisect.bisect_left(astral, o) for o in offsets]


PROFILES = {
    "standard": Profile("standard", crlf=False, bom=False, reading="codepoints"),
    "nvivo": Profile("nvivo", crlf=True, bom=True, reading="utf16"),
    "atlasti": Profile("atlasti", crlf=True, bom=True, reading="codepoints+crlf1"),
    "maxqda": Profile("maxqda", crlf=True, bom=True, reading="codepoints"),
}
"""``standard``: what the REFI-QDA specification says (and what qualcode reads back as written)."""
