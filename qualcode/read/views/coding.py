"""The Coding page's read model: what the workspace shows, computed so that one coding action
costs the same at 1,000 or 100,000 codings in the project.

- ``project_revision`` is the newest audit event of the project: every write records one, so a
  cache keyed by it is exact (the page caches turns, progress and the code panel by it).
- Progress and "next uncoded turn" are sweeps over two sorted lists (informant turns and coded
  spans) instead of a correlated ``EXISTS`` per turn.
- Segments of a window are read with both ends bounded by an index on ``(document_id, start)``:
  ``start < hi`` and ``start >= lo - longest`` where ``longest`` is the document's longest segment.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from qualcode.errors import NotFoundError
from qualcode.models import AuditEvent, Case, Code, Coding, Document, Memo, Segment, Turn, User, case_documents
from qualcode.read.dependants import CodingDependants, coding_dependants
from qualcode.review.comments import comment_threads
from qualcode.units import TextUnit as Unit
from qualcode.units import build_units, sentence_spans, stored_turns
from qualcode.workspace import SegmentView, segments_in_range


def project_revision(session: Session, project_id: int) -> int:
    """A number that changes with every write to the project (its newest audit event)."""
    return int(session.scalar(select(func.max(AuditEvent.id)).where(AuditEvent.project_id == project_id)) or 0)


def coded_spans(session: Session, document_id: int, coder_ids: Iterable[int] | None = None) -> list[tuple[int, int]]:
    """(start, end) of every segment of the document that carries a coding (by these coders)."""
    query = (select(Segment.start, Segment.end).join(Coding, Coding.segment_id == Segment.id)
             .where(Segment.document_id == document_id))
    if coder_ids is not None:
        query = query.where(Coding.coder_id.in_(list(coder_ids)))
    return sorted({(int(a), int(b)) for a, b in session.execute(query)})


def _covered(spans: Sequence[tuple[int, int]], prefix_max_end: Sequence[int], start: int, end: int) -> bool:
    """Whether any span overlaps [start, end): among spans starting before ``end``, the largest end."""
    i = bisect.bisect_left(spans, (end, -1))
    return i > 0 and prefix_max_end[i - 1] > start


def _prefix_max(spans: Sequence[tuple[int, int]]) -> list[int]:
    out, best = [], -1
    for _, e in spans:
        best = max(best, e)
        out.append(best)
    return out


def uncoded_turns(units: Sequence[Unit], spans: Sequence[tuple[int, int]]) -> list[int]:
    """Numbers of informant turns that no coded span overlaps (documents with speakers only)."""
    if not any(u.speaker for u in units):
        return []
    prefix = _prefix_max(spans)
    return [u.number for u in units
            if not u.is_interviewer and not _covered(spans, prefix, u.text_start, u.end)]


def progress_of(units: Sequence[Unit], spans: Sequence[tuple[int, int]]) -> tuple[int, int]:
    """(informant turns with a coding, informant turns)."""
    informant = [u for u in units if u.speaker and not u.is_interviewer]
    prefix = _prefix_max(spans)
    done = sum(1 for u in informant if _covered(spans, prefix, u.text_start, u.end))
    return done, len(informant)


def project_progress(session: Session, project_id: int) -> dict[int, tuple[int, int]]:
    """Per document with turns: (informant turns coded, informant turns), by two flat reads."""
    turns: dict[int, list[tuple[int, int]]] = {}
    for doc_id, a, b in session.execute(
        select(Turn.document_id, Turn.text_start, Turn.end)
        .join(Document, Document.id == Turn.document_id)
        .where(Document.project_id == project_id, Turn.is_interviewer.is_(False))
    ):
        turns.setdefault(doc_id, []).append((a, b))
    spans: dict[int, list[tuple[int, int]]] = {}
    for doc_id, a, b in session.execute(
        select(Segment.document_id, Segment.start, Segment.end)
        .join(Document, Document.id == Segment.document_id)
        .where(Document.project_id == project_id)
        .where(select(Coding.id).where(Coding.segment_id == Segment.id).exists())
    ):
        spans.setdefault(doc_id, []).append((a, b))
    out = {}
    for doc_id, ranges in turns.items():
        doc_spans = sorted(spans.get(doc_id, []))
        prefix = _prefix_max(doc_spans)
        out[doc_id] = (sum(1 for a, b in ranges if _covered(doc_spans, prefix, a, b)), len(ranges))
    return out


def longest_segment(session: Session, document_id: int) -> int:
    return int(session.scalar(select(func.max(Segment.end - Segment.start))
                              .where(Segment.document_id == document_id)) or 0)


@dataclass(frozen=True)
class PanelCode:
    id: int
    key: str
    name: str
    other: str
    colour: str
    depth: int
    definition: str
    count: int
    pinned: bool

    def as_payload(self) -> dict[str, object]:
        return {"id": self.id, "key": self.key, "name": self.name, "other": self.other, "colour": self.colour,
                "depth": self.depth, "definition": self.definition[:300], "count": self.count,
                "pinned": self.pinned}


def code_panel(codes: Sequence[Code], lang: str, counts: dict[int, int], pinned: Iterable[int]) -> list[PanelCode]:
    """The codes in tree order with their depth, names in the UI language and coding counts."""
    pins = set(pinned)
    return [
        PanelCode(c.id, c.key, c.label(lang), (c.name_en if lang == "id" else c.name_id) or "", c.colour,
                  c.path.count("/"), c.definition or "", counts.get(c.id, 0), c.id in pins)
        for c in codes
    ]


def code_counts(session: Session, project_id: int, coder_ids: Iterable[int] | None = None) -> dict[int, int]:
    query = select(Coding.code_id, func.count()).join(Code, Code.id == Coding.code_id).where(
        Code.project_id == project_id).group_by(Coding.code_id)
    if coder_ids is not None:
        query = query.where(Coding.coder_id.in_(list(coder_ids)))
    return {int(code_id): int(n) for code_id, n in session.execute(query)}


def quick_codes(pinned: Sequence[int], recent: Sequence[int], known: Iterable[int], limit: int = 9) -> list[int]:
    """Pinned codes first, then the most recently applied: the ones the number keys apply."""
    valid = set(known)
    out: list[int] = []
    for code_id in [*pinned, *recent]:
        if code_id in valid and code_id not in out:
            out.append(code_id)
    return out[:limit]


def push_recent(recent: Sequence[int], code_ids: Iterable[int], limit: int = 9) -> list[int]:
    out = list(recent)
    for code_id in code_ids:
        if code_id in out:
            out.remove(code_id)
        out.insert(0, code_id)
    return out[:limit]


# -- spans the researcher asks for: a word, a sentence, a turn ---------------------------------

WORD = re.compile(r"\w", re.UNICODE)


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``[start, end)`` so it neither starts nor ends inside a word; trim white space."""
    while start > 0 and start < len(text) and WORD.match(text[start - 1]) and WORD.match(text[start]):
        start -= 1
    while 0 < end < len(text) and WORD.match(text[end - 1]) and WORD.match(text[end]):
        end += 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def unit_of(units: Sequence[Unit], offset: int) -> Unit | None:
    starts = [u.start for u in units]
    i = bisect.bisect_right(starts, offset) - 1
    return units[i] if 0 <= i < len(units) and units[i].start <= offset <= units[i].end else None


def sentence_span(text: str, units: Sequence[Unit], start: int, end: int) -> tuple[int, int]:
    """The sentences that ``[start, end)`` touches, inside its turn or paragraph (the one sentence
    splitter of ``qualcode.units``, the same sentences as agreement and suggestions use)."""
    unit = unit_of(units, start)
    lo, hi = (unit.text_start, unit.end) if unit else (0, len(text))
    spans = sentence_spans(text, lo, hi)
    touched = [(a, b) for a, b in spans if b > start and a < max(end, start + 1)]
    if not touched:
        return snap_to_words(text, start, end)
    return snap_to_words(text, touched[0][0], touched[-1][1])


def extend(text: str, units: Sequence[Unit], start: int, end: int, to: str) -> tuple[int, int]:
    """A span widened (or trimmed) to whole words, sentences or its turn."""
    if to == "word":
        return snap_to_words(text, start, end)
    if to == "sentence":
        return sentence_span(text, units, start, end)
    if to == "turn":
        first, last = unit_of(units, start), unit_of(units, max(start, end - 1))
        if first and last:
            return snap_to_words(text, first.text_start, last.end)
        return start, end
    raise ValueError(to)


# -- keyword in context ----------------------------------------------------------------------

@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    left: str
    match: str
    right: str


def keyword_in_context(text: str, spans: Sequence[tuple[int, int]], width: int = 50) -> list[Hit]:
    def clean(s: str) -> str:
        return re.sub(r"\s+", " ", s)

    out = []
    for a, b in spans:
        left = clean(text[max(0, a - width):a])
        right = clean(text[b:b + width])
        out.append(Hit(a, b, ("…" if a > width else "") + left, text[a:b], right + ("…" if b + width < len(text) else "")))
    return out


def quote(text: str, limit: int = 200) -> str:
    """A quotation cut at ``limit`` characters, with an ellipsis when it was cut."""
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# -- retrieval by code -------------------------------------------------------------------------

def descendant_ids(session: Session, code_id: int) -> list[int]:
    code = session.get(Code, code_id)
    if code is None:
        return []
    rows = session.execute(select(Code.id, Code.path).where(Code.project_id == code.project_id))
    return [cid for cid, path in rows if path == code.path or path.startswith(code.path + "/")]


def retrieve(session: Session, project_id: int, code_id: int, *, lang: str = "id",
             include_children: bool = True) -> pd.DataFrame:
    """Every segment coded with the code (and its sub-codes) across the project's documents, with
    speaker, informant, stakeholder group, document and coder; in document order."""
    ids = descendant_ids(session, code_id) if include_children else [code_id]
    rows = session.execute(
        select(Segment.id, Segment.document_id, Document.title, Document.kind, Segment.start, Segment.end,
               Segment.snippet, Code.name_id, Code.name_en, Code.key, User.display_name)
        .join(Coding, Coding.segment_id == Segment.id)
        .join(Code, Code.id == Coding.code_id)
        .join(Document, Document.id == Segment.document_id)
        .join(User, User.id == Coding.coder_id)
        .where(Document.project_id == project_id, Coding.code_id.in_(ids))
        .order_by(Document.title, Segment.start, Segment.end)
    ).all()
    columns = ["segment_id", "document_id", "document", "kind", "start", "end", "text", "code", "coder",
               "speaker", "informant", "group"]
    if not rows:
        return pd.DataFrame(columns=columns)
    doc_ids = sorted({r[1] for r in rows})
    turns: dict[int, list[tuple[int, int, str, bool]]] = {}
    for doc_id, a, b, speaker, interviewer in session.execute(
        select(Turn.document_id, Turn.start, Turn.end, Turn.speaker, Turn.is_interviewer)
        .where(Turn.document_id.in_(doc_ids)).order_by(Turn.document_id, Turn.start)
    ):
        turns.setdefault(doc_id, []).append((a, b, speaker, interviewer))
    cases: dict[int, tuple[str, str]] = {}
    for doc_id, pseudonym, group in session.execute(
        select(case_documents.c.document_id, Case.pseudonym, Case.stakeholder_group)
        .join(Case, Case.id == case_documents.c.case_id)
        .where(case_documents.c.document_id.in_(doc_ids)).order_by(Case.pseudonym)
    ):
        if doc_id not in cases:
            cases[doc_id] = (pseudonym, group or "")
    out = []
    for seg_id, doc_id, title, kind, start, end, snippet, name_id, name_en, key, coder in rows:
        speaker = ""
        doc_turns = turns.get(doc_id, [])
        i = bisect.bisect_right([t[0] for t in doc_turns], start) - 1
        if 0 <= i < len(doc_turns):
            speaker = doc_turns[i][2]
        informant, group = cases.get(doc_id, ("", ""))
        name = (name_en if lang == "en" and name_en else name_id) or key
        out.append((seg_id, doc_id, title, kind, start, end, snippet, name, coder, speaker, informant, group))
    return pd.DataFrame(out, columns=columns)


# -- the open document -------------------------------------------------------------------------

def document_length(session: Session, document_id: int) -> int:
    return int(session.scalar(select(Document.length).where(Document.id == document_id)) or 0)


def document_text(session: Session, document_id: int) -> str:
    return session.scalar(select(Document.text).where(Document.id == document_id)) or ""


def turns_signature(session: Session, document_id: int) -> tuple[int, int, int, int]:
    """Changes whenever the document's turns are re-parsed or an interviewer label is corrected."""
    row = session.execute(
        select(func.count(Turn.id), func.coalesce(func.max(Turn.id), 0),
               func.coalesce(func.sum(case((Turn.is_interviewer.is_(True), Turn.number), else_=0)), 0),
               func.coalesce(func.sum(Turn.text_start), 0))
        .where(Turn.document_id == document_id)
    ).one()
    return int(row[0]), int(row[1]), int(row[2]), int(row[3])


def units_of(session: Session, document_id: int, text: str) -> list[Unit]:
    """The document's turns (or paragraphs), from the stored turns: ``qualcode.units``."""
    return build_units(text, stored_turns(session, document_id), "turn")


def document_code_counts(session: Session, document_id: int, coder_ids: Iterable[int] | None = None) -> dict[int, int]:
    """Codings per code in this document (by these coders): the counts beside the code panel."""
    query = (select(Coding.code_id, func.count()).join(Segment, Segment.id == Coding.segment_id)
             .where(Segment.document_id == document_id).group_by(Coding.code_id))
    if coder_ids is not None:
        query = query.where(Coding.coder_id.in_(list(coder_ids)))
    return {int(code_id): int(n) for code_id, n in session.execute(query)}


def window_segments(session: Session, document_id: int, lo: int, hi: int, *, coder_ids: Iterable[int] | None,
                    code_ids: Iterable[int] | None, longest: int) -> list[SegmentView]:
    return segments_in_range(session, document_id, lo, hi, coder_ids=coder_ids, code_ids=code_ids, longest=longest)


def focused_segments(session: Session, document_id: int, segment_ids: Iterable[int], *,
                     coder_ids: Iterable[int] | None = None) -> list[SegmentView]:
    """The segments the researcher clicked (or opened from elsewhere), wherever they are."""
    ids = list(segment_ids)
    if not ids:
        return []
    return segments_in_range(session, document_id, 0, 0, coder_ids=coder_ids, segment_ids=ids)


def coding(session: Session, coding_id: int) -> Coding:
    found = session.get(Coding, coding_id)
    if found is None:
        raise NotFoundError("error.coding_not_found", coding=coding_id)
    return found


def removal(session: Session, coding_id: int) -> CodingDependants:
    """What rests on a coding and its passage: whether removing it asks first, and what the
    question names (what goes with it, what stays with the passage)."""
    return coding_dependants(session, coding_id)


def segment_memos(session: Session, segment_ids: list[int]) -> list[tuple[str, str]]:
    rows = session.execute(
        select(User.display_name, Memo.body).join(User, User.id == Memo.author_id)
        .where(Memo.segment_id.in_(segment_ids)).order_by(Memo.id)
    )
    return [(author, body) for author, body in rows]


def coding_history(session: Session, coding_ids: list[int]) -> list[tuple[Any, str, str, str]]:
    """Who applied, removed or moved these codings, when: from the audit trail, oldest first."""
    if not coding_ids:
        return []
    rows = session.execute(
        select(AuditEvent.at, User.display_name, AuditEvent.action, AuditEvent.payload)
        .outerjoin(User, AuditEvent.user_id == User.id)
        .where(AuditEvent.entity_type == "coding", AuditEvent.entity_id.in_(coding_ids))
        .order_by(AuditEvent.at)
    ).all()
    out = []
    for at, who, action, payload in rows:
        after = (payload or {}).get("after") or (payload or {}).get("before") or {}
        out.append((at, who or "", action, str(after.get("code", ""))))
    return out


def segment_comments(session: Session, project_id: int, document_id: int,
                     spans: set[tuple[int, int]]) -> list[tuple[str, str, str, str]]:
    threads = comment_threads(session, project_id, document_id=document_id)
    if threads.empty:
        return []
    mask = [(a, b) in spans for a, b in zip(threads["start"], threads["end"], strict=True)]
    chosen = threads[mask]
    return [(r.author, r.code or "", r.status, r.body) for r in chosen.itertuples()]


def retrieval_csv(table: pd.DataFrame, lang: str) -> bytes:
    """The retrieved segments as a spreadsheet-safe CSV with headers in the UI language."""
    from qualcode.exports import to_csv
    from qualcode.i18n import t

    columns = ["document", "speaker", "informant", "group", "code", "coder", "text"]
    out = table[columns].rename(columns={c: t(f"coding.col_{c}", lang) for c in columns})
    return to_csv(out)


# -- the page ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class PageModel:
    documents: list[tuple[int, str, str]]  # id, title, kind
    progress: dict[int, tuple[int, int]]
    codes: list[Code]
    people: list[tuple[int, str]]
    default_document: int | None
    revision: int
    owners: frozenset[int] = frozenset()  # who may remove anyone's coding (audited)


def page_model(session: Session, project_id: int, cached: PageModel | None = None) -> PageModel:
    """What the Coding page needs before the workspace: documents with progress, codes in tree
    order, the project's people. ``cached`` is reused while the project's revision is the same."""
    from qualcode.read.codes import tree_sorted
    from qualcode.read.entities import members

    revision = project_revision(session, project_id)
    if cached is not None and cached.revision == revision:
        return cached
    docs = [(int(i), t, k) for i, t, k in session.execute(
        select(Document.id, Document.title, Document.kind).where(Document.project_id == project_id)
        .order_by(Document.title))]
    codes = tree_sorted(list(session.scalars(select(Code).where(Code.project_id == project_id))))
    member_roles = members(session, project_id)
    people = [(u.id, u.display_name) for u, _ in member_roles]
    owners = frozenset(u.id for u, role in member_roles if role == "owner")
    # Open on the interview that carries the most codings, so a new user sees coding at once.
    busiest = session.execute(
        select(Document.id).join(Segment, Segment.document_id == Document.id)
        .join(Coding, Coding.segment_id == Segment.id)
        .where(Document.project_id == project_id, Document.kind == "interview")
        .group_by(Document.id).order_by(func.count(Coding.id).desc(), Document.title).limit(1)
    ).scalar()
    default = busiest if busiest is not None else (docs[0][0] if docs else None)
    return PageModel(docs, project_progress(session, project_id), codes, people, default, revision, owners)
