"""The message catalogue: every UI string and error message in Indonesian and English.

Messages live as data in ``qualcode/locale/<lang>/*.yaml``: one file per area (``core.yaml``,
``import.yaml``...), each a flat ``key: text`` map with ``str.format`` placeholders; a key may be
defined in one file only. ``tests/test_i18n.py`` holds that both languages have the same keys
and the same placeholders, and that every key the code uses exists.

A message that counts something may have plural forms instead of one text: a map of ``one`` and
``other`` (CLDR's names), chosen by its ``count`` parameter under the language's rule
(:data:`PLURAL_RULES`). English needs them ("1 segment", "2 segments"); Indonesian does not
("1 segmen", "2 segmen"), so an Indonesian message stays one text, which is its ``other`` form.
The ``one`` form may write the number out ("Code this place") and so leave ``{count}`` out.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from functools import cache
from pathlib import Path

import yaml

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"
LOCALE_DIR = Path(__file__).parent / "locale"
PLURAL_FORMS = ("one", "other")


def _english_form(count: float) -> str:
    return "one" if count == 1 else "other"


# The plural form a count takes in each language (CLDR plural rules, for whole numbers and the
# plain decimals the app counts with). Indonesian has one form for every number.
PLURAL_RULES: dict[str, Callable[[float], str]] = {"en": _english_form, "id": lambda count: "other"}


def read_messages(folder: Path) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """The messages of one language's folder (a plural message as its ``other`` form) and the
    plural forms of the messages that have them."""
    merged: dict[str, str] = {}
    plurals: dict[str, dict[str, str]] = {}
    for path in sorted(folder.glob("*.yaml")):
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh) or {}
        for key, value in data.items():
            if key in merged:
                raise ValueError(f"message key {key!r} is defined twice ({path.name})")
            if isinstance(value, dict):
                forms = {str(form): str(text) for form, text in value.items()}
                if "other" not in forms or not set(forms) <= set(PLURAL_FORMS):
                    raise ValueError(f"message {key!r} ({path.name}): plural forms are {PLURAL_FORMS}, "
                                     f"'other' required; found {sorted(forms)}")
                plurals[str(key)] = forms
                value = forms["other"]
            merged[str(key)] = str(value)
    return merged, plurals


@cache
def _load(lang: str) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    return read_messages(LOCALE_DIR / lang)


def catalogue(lang: str) -> dict[str, str]:
    """Every message of ``lang`` by key; a message with plural forms as its ``other`` form."""
    return _load(lang)[0]


def plural_forms(lang: str) -> dict[str, dict[str, str]]:
    """The messages of ``lang`` that have plural forms: key -> {form: text}."""
    return _load(lang)[1]


def plural_form(lang: str, count: object) -> str:
    """The plural form ``count`` takes in ``lang``; ``other`` for anything that is not a number."""
    if isinstance(count, bool) or not isinstance(count, numbers.Real):
        return "other"
    return PLURAL_RULES.get(lang, PLURAL_RULES["en"])(float(count))


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **params: object) -> str:
    """The message ``key`` in ``lang``, formatted with ``params`` (its plural form chosen by
    ``count`` when it has plural forms).

    Falls back to English, then to the key itself, so a missing entry never crashes a page
    (the catalogue test catches it before release).
    """
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    source = lang if catalogue(lang).get(key) else "en"
    text = catalogue(source).get(key) or key
    forms = plural_forms(source).get(key)
    if forms is not None:
        text = forms.get(plural_form(source, params.get("count")), forms["other"])
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text
