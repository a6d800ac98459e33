"""Pseudonymisation: replace listed real names with pseudonyms before a text is stored."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Replacement:
    start: int  # in the original text
    end: int
    original: str
    pseudonym: str


def parse_mapping(text: str) -> dict[str, str]:
    """Lines of ``Real Name = Pseudonym`` (also ``->``, ``;`` or a tab) into a mapping."""
    mapping: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = re.split(r"\s*(?:=|->|;|\t)\s*", line, maxsplit=1)
        if len(parts) == 2 and parts[0] and parts[1]:
            mapping[parts[0]] = parts[1]
    return mapping


def _pattern(mapping: dict[str, str]) -> re.Pattern[str] | None:
    names = sorted((n for n in mapping if n.strip()), key=len, reverse=True)
    if not names:
        return None
    alternatives = "|".join(re.escape(n) for n in names)
    # Whole words only, so "Ani" does not touch "Anita"; case-insensitive, as transcribers vary.
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def find_names(text: str, mapping: dict[str, str]) -> list[Replacement]:
    pattern = _pattern(mapping)
    if pattern is None:
        return []
    lookup = {name.casefold(): pseudonym for name, pseudonym in mapping.items()}
    return [Replacement(m.start(), m.end(), m.group(0), lookup[m.group(0).casefold()]) for m in pattern.finditer(text)]


def pseudonymise(text: str, mapping: dict[str, str]) -> tuple[str, list[Replacement]]:
    """The text with every listed name replaced, and where each replacement was made."""
    found = find_names(text, mapping)
    out: list[str] = []
    last = 0
    for rep in found:
        out.append(text[last : rep.start])
        out.append(rep.pseudonym)
        last = rep.end
    out.append(text[last:])
    return "".join(out), found


def preview(text: str, mapping: dict[str, str], context: int = 40, limit: int = 20) -> list[tuple[str, str, str, str]]:
    """Up to ``limit`` places as (before, original, pseudonym, after) for the researcher to check."""
    rows = []
    for rep in find_names(text, mapping)[:limit]:
        rows.append((text[max(0, rep.start - context) : rep.start], rep.original, rep.pseudonym,
                     text[rep.end : rep.end + context]))
    return rows
