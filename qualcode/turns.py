"""Speaker turns in interview transcripts.

A turn starts on a line that begins with a speaker label and a colon, optionally preceded or
followed by a timestamp, and runs until the next such line:

    [00:12:35] P: Bagaimana koordinasinya?
    I: Ya... kami saling percaya.
    (12:40) Narasumber: ...
    BLUD-1: [00:13:02] ...

Interviewer labels: P, Peneliti, Pewawancara, T, Tanya, Interviewer, Q. Informant labels:
I, Informan, Narasumber, N, J, Jawab, R, Responden, A, and initials codes such as BLUD-1 or IF-3
(capitals, digits, optional dash and number). The researcher confirms or corrects which label is
the interviewer's (``Document.interviewer_label``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

INTERVIEWER_LABELS = ("p", "peneliti", "pewawancara", "t", "tanya", "interviewer", "q", "pertanyaan")
INFORMANT_LABELS = ("i", "informan", "narasumber", "n", "j", "jawab", "r", "responden", "a", "jawaban")
_WORD_LABELS = "|".join(sorted({*INTERVIEWER_LABELS, *INFORMANT_LABELS}, key=len, reverse=True))
_TIMESTAMP = r"(?:\[\s*\d{1,2}:\d{2}(?::\d{2})?\s*\]|\(\s*\d{1,2}:\d{2}(?::\d{2})?\s*\)|\d{1,2}:\d{2}:\d{2})"
_LABEL = rf"(?:(?i:{_WORD_LABELS})|[A-Z][A-Z0-9]{{1,7}}-\d{{1,3}}|[A-Z]{{2,6}}\d{{0,2}})"

TURN_RE = re.compile(
    rf"^[ \t]*(?:(?P<ts1>{_TIMESTAMP})[ \t]*)?(?P<label>{_LABEL})[ \t]*:[ \t]*(?:(?P<ts2>{_TIMESTAMP})[ \t]*)?",
    re.MULTILINE,
)
# Upper-case words that end with a colon in ordinary prose or headers, not speakers.
NOT_SPEAKERS = frozenset({"NB", "PS", "CATATAN", "BAB", "PASAL", "HTTP", "HTTPS", "URL", "WIB", "UU", "NOTE"})


@dataclass(frozen=True)
class ParsedTurn:
    number: int
    start: int  # start of the line (label included)
    end: int  # end of the turn's text, trailing whitespace excluded
    text_start: int  # where the spoken words begin
    speaker: str
    timestamp: str | None
    is_interviewer: bool


def _clean_timestamp(raw: str | None) -> str | None:
    return raw.strip("[]() \t") if raw else None


def canonical_label(label: str) -> str:
    """Labels compare case-insensitively for word labels (``Informan`` = ``INFORMAN``)."""
    return label.lower() if label.lower() in (*INTERVIEWER_LABELS, *INFORMANT_LABELS) else label


def guess_interviewer(labels: list[str]) -> str | None:
    """The label most likely to be the interviewer's: a known interviewer label, else the first."""
    for label in labels:
        if canonical_label(label) in INTERVIEWER_LABELS:
            return label
    return labels[0] if labels else None


def parse_turns(text: str, interviewer_label: str | None = None) -> list[ParsedTurn]:
    """Split ``text`` into speaker turns; text before the first label (a header) is no turn."""
    matches = [m for m in TURN_RE.finditer(text) if m.group("label").upper() not in NOT_SPEAKERS]
    if not matches:
        return []
    labels: list[str] = []
    for m in matches:
        if m.group("label") not in labels:
            labels.append(m.group("label"))
    if interviewer_label is None:
        interviewer_label = guess_interviewer(labels)
    interviewer = canonical_label(interviewer_label) if interviewer_label else None
    turns: list[ParsedTurn] = []
    for number, m in enumerate(matches, start=1):
        line_start = m.start() + (len(m.group(0)) - len(m.group(0).lstrip(" \t")))
        limit = matches[number].start() if number < len(matches) else len(text)
        end = len(text[:limit].rstrip())
        text_start = min(m.end(), end)
        if end <= line_start:
            continue
        label = m.group("label")
        turns.append(
            ParsedTurn(
                number=len(turns) + 1,
                start=line_start,
                end=end,
                text_start=text_start,
                speaker=label,
                timestamp=_clean_timestamp(m.group("ts1") or m.group("ts2")),
                is_interviewer=canonical_label(label) == interviewer,
            )
        )
    return turns


def speaker_labels(turns: list[ParsedTurn]) -> list[str]:
    """Distinct labels in order of first appearance."""
    seen: list[str] = []
    for turn in turns:
        if turn.speaker not in seen:
            seen.append(turn.speaker)
    return seen
