"""Speaker turns in interview transcripts, as people type them.

A turn starts on a line that begins with a short speaker label and a colon, optionally preceded or
followed by a timestamp, blank line before it or not, and runs until the next such line:

    [00:12:35] P: Bagaimana koordinasinya?
    W: Ya... kami saling percaya.
    (12:40) Bu Sri: ...
    BLUD-1: [00:13:02] ...

A label is one letter, a word, a name of two or three words (``Bu Sri``, ``Pak Kadis``,
``Informan 2``) or an initials code (``BLUD-1``, ``IF-3``, ``RS``). To keep prose with a colon
(``Catatan: ...`` once in a report) out, a label counts as a speaker when it is a known label
(interviewer: P, Peneliti, Pewawancara, T, Tanya, Interviewer, Q; informant: I, Informan,
Narasumber, N, J, Jawab, R, Responden, A; or an initials code) or when it recurs at the start of
lines in the document; the researcher can also say which labels are speakers (``speakers=``).
The researcher confirms or corrects which label is the interviewer's (``Document.interviewer_label``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass

INTERVIEWER_LABELS = ("p", "peneliti", "pewawancara", "t", "tanya", "interviewer", "q", "pertanyaan")
INFORMANT_LABELS = ("i", "informan", "narasumber", "n", "j", "jawab", "r", "responden", "a", "jawaban")
_WORD_LABELS = "|".join(sorted({*INTERVIEWER_LABELS, *INFORMANT_LABELS}, key=len, reverse=True))
_TIMESTAMP = r"(?:\[\s*\d{1,2}:\d{2}(?::\d{2})?\s*\]|\(\s*\d{1,2}:\d{2}(?::\d{2})?\s*\)|\d{1,2}:\d{2}:\d{2})"
_CODE = r"[A-Z][A-Z0-9]{1,7}-\d{1,3}|[A-Z]{2,6}\d{0,2}"
# one capitalised word (or a single letter), then up to two more words (a name, a number)
_NAME = r"[A-Z][\w'.-]{0,24}(?:[ \t][\w'.-]{1,25}){0,2}"
_LABEL = rf"(?:(?i:{_WORD_LABELS})|{_CODE}|{_NAME})"
_CODE_RE = re.compile(rf"(?:{_CODE})")

TURN_RE = re.compile(
    rf"^[ \t]*(?:(?P<ts1>{_TIMESTAMP})[ \t]*)?(?P<label>{_LABEL})[ \t]*:(?=\s|$|{_TIMESTAMP})[ \t]*"
    rf"(?:(?P<ts2>{_TIMESTAMP})[ \t]*)?",
    re.MULTILINE,
)
# Words that end with a colon in headers and prose, never speakers (compared without case).
NOT_SPEAKERS = frozenset({
    "nb", "ps", "catatan", "bab", "pasal", "http", "https", "url", "wib", "uu", "note", "notes", "tanggal",
    "hari", "waktu", "tempat", "lokasi", "judul", "topik", "durasi", "pukul", "keterangan", "sumber", "lampiran",
    "transkrip", "date", "time", "place", "location", "title", "topic", "duration", "source", "subject",
})


def is_known_label(label: str) -> bool:
    """A label that is a speaker wherever it appears: a known word label or an initials code."""
    return label.lower() in (*INTERVIEWER_LABELS, *INFORMANT_LABELS) or _CODE_RE.fullmatch(label) is not None


def label_counts(text: str) -> Counter[str]:
    """Every label-like line start in ``text`` with how often it occurs (prose included)."""
    return Counter(m.group("label") for m in TURN_RE.finditer(text))


def speaker_set(text: str, speakers: Collection[str] | None = None) -> set[str]:
    """The labels that start turns in ``text``: those the researcher named, or else the known
    labels and those that recur, never a header word such as ``Catatan``."""
    counts = label_counts(text)
    if speakers is not None:
        wanted = {canonical_label(s.strip()) for s in speakers if s.strip()}
        return {label for label in counts if canonical_label(label) in wanted}
    return {label for label, n in counts.items()
            if label.casefold() not in NOT_SPEAKERS and (is_known_label(label) or n >= 2)}


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


def parse_turns(text: str, interviewer_label: str | None = None,
                speakers: Collection[str] | None = None) -> list[ParsedTurn]:
    """Split ``text`` into speaker turns; text before the first label (a header) is no turn.
    ``speakers`` names the labels that are speakers (the researcher's choice); without it they
    are found (:func:`speaker_set`)."""
    accepted = speaker_set(text, speakers)
    matches = [m for m in TURN_RE.finditer(text) if m.group("label") in accepted]
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
        end = m.start() + len(text[m.start():limit].rstrip())  # this turn's text only: linear in the text
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


_SENTENCE_END = tuple('.?!…:;"”’)]')


def join_wrapped_lines(text: str, speakers: Collection[str] | None = None) -> str:
    """Join the lines a PDF's text layer wrapped inside a turn: a line that follows a non-blank
    line of the same turn is joined to it with a space when that line does not end a sentence or
    the line starts in lower case. A line wrapped after a hyphen inside a word (``top-`` then
    ``down``) is joined without the space: the hyphen stays (``top-down``), since whether it was
    the word's own hyphen or one the wrap added cannot be told. Blank lines (real paragraph
    breaks), turn starts and the header before the first turn stay as they are."""
    accepted = speaker_set(text, speakers)

    def starts_turn(line: str) -> bool:
        m = TURN_RE.match(line)
        return m is not None and m.group("label") in accepted

    out: list[str] = []
    in_turn = False
    for line in text.split("\n"):
        if starts_turn(line):
            in_turn = True
            out.append(line)
            continue
        previous = out[-1] if out else ""
        stripped = line.strip()
        wraps = bool(stripped) and bool(previous.strip()) and (
            not previous.rstrip().endswith(_SENTENCE_END) or stripped[0].islower())
        if in_turn and wraps:
            previous = previous.rstrip()
            hyphenated = previous[-2:-1].isalpha() and previous.endswith("-") and stripped[0].islower()
            out[-1] = previous + ("" if hyphenated else " ") + stripped
        else:
            out.append(line)
    return "\n".join(out)
