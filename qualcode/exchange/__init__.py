"""Codebook exchange formats: REFI-QDA ``.qdc`` (``qdc``) and spreadsheets (``codebook_csv``).

Pure functions between ``CodebookSpec`` and bytes: no database, no Streamlit. This module holds
the small helpers both formats share: turning foreign names into snake_case ids and reading colours.
"""

from __future__ import annotations

import re
import unicodedata

from qualcode.codebooks import ID_RE

DEFAULT_COLOUR = "#999999"
MAX_ID_LENGTH = 60

# Letters that Unicode does not decompose into a base letter plus accents.
_SPECIAL = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
                          "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH",
                          "ı": "i"})
_COLOUR_RE = re.compile(r"^#(?:[0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$")


def snake_id(text: str, fallback: str = "code") -> str:
    """A snake_case id for a name: accents transliterated, lower case, other characters to ``_``.

    ``"1. Oltás típusa"`` -> ``"c_1_oltas_tipusa"`` (an id starts with a letter); a name with no
    Latin letters or digits at all gives ``fallback``. Ids are cut to 60 characters.
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_") or fallback
    if not slug[0].isalpha():
        slug = f"c_{slug}"
    return slug[:MAX_ID_LENGTH].rstrip("_")


class IdAllocator:
    """Hands out ids unique within one codebook: ``base``, then ``base_2``, ``base_3``...

    Ids named in ``reserved`` (ids the file states explicitly) are kept free for their owner:
    ``claim`` gives a reserved id to its first claimant and a suffixed one to any later one.
    """

    def __init__(self, reserved: set[str] | None = None) -> None:
        self.reserved = set(reserved or ())
        self.taken: set[str] = set()

    def claim(self, wanted: str) -> str:
        if wanted in self.reserved and wanted not in self.taken:
            self.taken.add(wanted)
            return wanted
        return self.derive(wanted)

    def derive(self, base: str) -> str:
        if not ID_RE.match(base):
            base = snake_id(base)
        candidate, n = base, 1
        while candidate in self.taken or candidate in self.reserved:
            n += 1
            candidate = f"{base}_{n}"
        self.taken.add(candidate)
        return candidate


def normalise_colour(value: str) -> str | None:
    """``#RRGGBB`` in upper case for ``#RRGGBB`` or ``#RGB`` input; ``None`` when it is neither."""
    value = value.strip()
    if not _COLOUR_RE.match(value):
        return None
    if len(value) == 4:
        value = "#" + "".join(c * 2 for c in value[1:])
    return value.upper()
