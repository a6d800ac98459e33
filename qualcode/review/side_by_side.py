"""Two or more coders side by side on one document: the text in turns (paragraphs when the
document has no turns), and beside each turn one margin per coder with their codings there.

A coding is marked as a difference when, in that turn, another chosen coder did not use its
code (``missing``: the turn-level disagreement of the agreement list) or used it on a different
span (``boundary``). Each difference names where it starts so the page can open it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode.analysis.agreement import coding_frame
from qualcode.models import User
from qualcode.services.documents import get_document
from qualcode.workspace import Unit, document_units, windows

MAX_SNIPPET = 120


@dataclass
class MarginCoding:
    coding_id: int
    code: str
    start: int
    end: int
    snippet: str
    difference: str = ""  # "", "missing" (others lack the code here) or "boundary" (others' span differs)


@dataclass
class Difference:
    code: str
    start: int
    end: int
    kind: str  # "missing" or "boundary"
    coded_by: list[str]
    not_coded_by: list[str]


@dataclass
class Row:
    number: int
    speaker: str
    start: int
    end: int
    text: str
    margins: list[list[MarginCoding]]  # one list per coder, in the order of ``SideBySide.coders``
    differences: list[Difference] = field(default_factory=list)


@dataclass
class SideBySide:
    document_id: int
    title: str
    coders: list[str]  # display names, in margin order
    windows: int  # how many windows the document has
    window: int
    rows: list[Row]
    differences: int  # in this window


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_SNIPPET else text[: MAX_SNIPPET - 1] + "…"


def side_by_side(session: Session, project_id: int, document_id: int, coder_ids: list[int],
                 window: int = 0) -> SideBySide:
    """The rows of one window of the document (about 12,000 characters of turns) with the chosen
    coders' margins and the differences between them."""
    document = get_document(session, document_id)
    codings = coding_frame(session, project_id, [document_id], None, coder_ids)
    names = dict(session.execute(select(User.id, User.display_name).where(User.id.in_(coder_ids))).all())
    coder_ids = [c for c in coder_ids if c in names]
    units: list[Unit] = document_units(session, document)
    spans = windows(units)
    window = min(max(window, 0), len(spans) - 1)
    lo, hi = spans[window]
    text = document.text
    rows: list[Row] = []
    total = 0
    for unit in units[lo:hi]:
        here = codings[(codings["start"] < unit.end) & (codings["end"] > unit.start)]
        by_code: dict[str, dict[int, set[tuple[int, int]]]] = {}
        for r in here.itertuples():
            by_code.setdefault(r.code, {}).setdefault(int(r.coder_id), set()).add((int(r.start), int(r.end)))
        kinds: dict[str, str] = {}
        differences = []
        for code, per_coder in sorted(by_code.items()):
            present = [c for c in coder_ids if c in per_coder]
            absent = [c for c in coder_ids if c not in per_coder]
            spans_of = [per_coder[c] for c in present]
            if absent:
                kinds[code] = "missing"
            elif any(s != spans_of[0] for s in spans_of[1:]):
                kinds[code] = "boundary"
            else:
                continue
            first = min(s for c in present for s, _ in per_coder[c])
            last = max(e for c in present for _, e in per_coder[c])
            differences.append(Difference(code, first, last, kinds[code], [names[c] for c in present],
                                          [names[c] for c in absent]))
        margins = []
        for coder in coder_ids:
            mine = here[here["coder_id"] == coder].sort_values(["start", "end", "code"])
            margins.append([MarginCoding(int(r.coding_id), r.code, int(r.start), int(r.end),
                                         _snippet(text[max(r.start, unit.start):min(r.end, unit.end)]),
                                         kinds.get(r.code, ""))
                            for r in mine.itertuples()])
        total += len(differences)
        rows.append(Row(unit.number, unit.speaker, unit.start, unit.end, text[unit.text_start:unit.end].strip(),
                        margins, differences))
    return SideBySide(document.id, document.title, [names[c] for c in coder_ids], len(spans), window, rows, total)
