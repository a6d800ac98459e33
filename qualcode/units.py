"""Units of text: the one model of turns, paragraphs, sentences and documents.

Every part of qualcode that cuts a document into pieces goes through here: the coding
workspace (turns, or paragraphs in a document without speakers), suggestions (a queue per
turn, paragraph, sentence or document) and agreement (is the code present in this unit?).

- A **turn** is a stored speaker turn (table ``turns``), with the interviewer flag the researcher
  confirmed or corrected (``services.imports.set_interviewer``), never a fresh guess from the text.
  A document without turns has paragraphs where it would have turns.
- A **paragraph** is a non-empty line, white space trimmed, inside a turn (it inherits the turn's
  speaker and interviewer flag) or, without turns, inside the document.
- A **sentence** is found inside a paragraph, so it never crosses a line or a turn. There is one
  sentence splitter, :func:`sentence_spans`: the tokenizer of the Indonesian pipeline (which keeps
  abbreviations such as ``Bpk.`` and ``dll.`` whole) and spaCy's ``Sentencizer``, with the
  ellipsis as a sentence end as well.
- The **document** is one unit: its text, white space trimmed.

Raw text that is not stored (the ``suggest`` command on a file) is parsed into turns with
:func:`qualcode.turns.parse_turns` and then follows the same path (:func:`parse_units`).

Offsets are code points into the text: ``start`` is where the unit begins (a turn's speaker
label), ``text_start`` where its words begin, ``end`` is exclusive; ``text`` is
``text[text_start:end]``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode.models import Document, Turn
from qualcode.turns import parse_turns

UNIT_KINDS = ("turn", "paragraph", "sentence", "document")
_LINE = re.compile(r"[^\n]+")


@dataclass(frozen=True)
class TextUnit:
    kind: str
    number: int
    start: int
    text_start: int
    end: int
    text: str
    speaker: str = ""
    is_interviewer: bool = False
    timestamp: str | None = None


class TurnLike(Protocol):
    """A stored ``Turn`` row or a ``ParsedTurn``: both carry these (read-only here)."""

    @property
    def number(self) -> int: ...
    @property
    def start(self) -> int: ...
    @property
    def text_start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def speaker(self) -> str: ...
    @property
    def is_interviewer(self) -> bool: ...
    @property
    def timestamp(self) -> str | None: ...


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def paragraph_spans(text: str, lo: int = 0, hi: int | None = None) -> list[tuple[int, int]]:
    """Non-empty lines of ``text[lo:hi]``, white space trimmed."""
    hi = len(text) if hi is None else hi
    spans = []
    for m in _LINE.finditer(text, lo, hi):
        a, b = _trim(text, m.start(), m.end())
        if a < b:
            spans.append((a, b))
    return spans


@cache
def _splitter() -> Any:
    from spacy.pipeline import Sentencizer

    from qualcode.nlp.pipeline import get_nlp

    return get_nlp().tokenizer, Sentencizer(punct_chars=[*Sentencizer.default_punct_chars, "…"])


def sentence_spans(text: str, lo: int = 0, hi: int | None = None) -> list[tuple[int, int]]:
    """The sentences of ``text[lo:hi]`` (the one sentence splitter), white space trimmed; a line
    break always ends a sentence."""
    tokenizer, sentencizer = _splitter()
    spans: list[tuple[int, int]] = []
    for a, b in paragraph_spans(text, lo, hi):
        doc = sentencizer(tokenizer(text[a:b]))
        for sent in doc.sents:
            s, e = _trim(text, a + sent.start_char, a + sent.end_char)
            if s < e:
                spans.append((s, e))
    return spans


def sentence_at(text: str, offset: int, lo: int = 0, hi: int | None = None) -> tuple[int, int]:
    """The sentence of ``text[lo:hi]`` around ``offset`` (the last one before it, in the white
    space between two sentences)."""
    spans = sentence_spans(text, lo, hi)
    if not spans:
        return _trim(text, lo, len(text) if hi is None else hi)
    chosen = spans[0]
    for span in spans:
        if span[0] <= offset:
            chosen = span
    return chosen


def _base_units(text: str, turns: Sequence[TurnLike]) -> list[TextUnit]:
    """Turns, or paragraphs when the document has none."""
    if turns:
        return [TextUnit("turn", t.number, t.start, t.text_start, t.end, text[t.text_start:t.end], t.speaker,
                         t.is_interviewer, t.timestamp) for t in turns]
    return [TextUnit("paragraph", n, a, a, b, text[a:b]) for n, (a, b) in enumerate(paragraph_spans(text), start=1)]


def build_units(text: str, turns: Sequence[TurnLike], kind: str = "turn") -> list[TextUnit]:
    """The units of one kind of a text with its turns (see the module docstring)."""
    if kind not in UNIT_KINDS:
        raise ValueError(f"unit must be one of {', '.join(UNIT_KINDS)}")
    if kind == "document":
        a, b = _trim(text, 0, len(text))
        return [TextUnit("document", 1, a, a, b, text[a:b])] if a < b else []
    base = _base_units(text, turns)
    if kind == "turn":
        return base
    split = paragraph_spans if kind == "paragraph" else sentence_spans
    out: list[TextUnit] = []
    for unit in base:
        for a, b in split(text, unit.text_start, unit.end):
            out.append(TextUnit(kind, len(out) + 1, a, a, b, text[a:b], unit.speaker, unit.is_interviewer,
                                unit.timestamp if a == unit.text_start else None))
    return out


def stored_turns(session: Session, document_id: int) -> list[Turn]:
    return list(session.scalars(select(Turn).where(Turn.document_id == document_id).order_by(Turn.start)))


def document_units(session: Session, document: Document, kind: str = "turn") -> list[TextUnit]:
    """The units of a stored document, from its stored turns (the corrected interviewer flag)."""
    return build_units(document.text, stored_turns(session, document.id), kind)


def parse_units(text: str, kind: str = "turn", interviewer_label: str | None = None) -> list[TextUnit]:
    """The units of raw text that is not stored: turns parsed from its speaker labels (the
    interviewer guessed unless ``interviewer_label`` says), then the same path as stored text."""
    return build_units(text, parse_turns(text, interviewer_label), kind)


def informant_units(units: Iterable[TextUnit], include_interviewer: bool = False) -> list[TextUnit]:
    """Units to code or suggest for: the interviewer's are left out unless asked for."""
    return [u for u in units if include_interviewer or not u.is_interviewer]
