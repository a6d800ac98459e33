"""The message catalogue: every UI string and error message in Indonesian and English.

Messages live as data in ``qualcode/locale/<lang>/*.yaml``: one file per area (``core.yaml``,
``import.yaml``...), each a flat ``key: text`` map with ``str.format`` placeholders; a key may be
defined in one file only. ``tests/test_i18n.py`` holds that both languages have the same keys
and the same placeholders, and that every key the code uses exists.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"
LOCALE_DIR = Path(__file__).parent / "locale"


@cache
def catalogue(lang: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted((LOCALE_DIR / lang).glob("*.yaml")):
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh) or {}
        for key, value in data.items():
            if key in merged:
                raise ValueError(f"message key {key!r} is defined twice ({path.name})")
            merged[str(key)] = str(value)
    return merged


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **params: object) -> str:
    """The message ``key`` in ``lang``, formatted with ``params``.

    Falls back to English, then to the key itself, so a missing entry never crashes a page
    (the catalogue test catches it before release).
    """
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    text = catalogue(lang).get(key) or catalogue("en").get(key) or key
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text
