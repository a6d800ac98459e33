"""Coding text: segments (spans of a document) and the codes coders apply to them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from qualcode.analysis.tables import ConclusionEvidence, Condensation, summary_sheet_segments
from qualcode.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from qualcode.models import Base, Code, Coding, Document, Memo, Segment, User, utcnow
from qualcode.read.dependants import resting_on
from qualcode.review.tables import Comment
from qualcode.services import audit, guids
from qualcode.services.auth import require, require_own_coding
from qualcode.text import snippet


def _coding_payload(coding: Coding, segment: Segment, code: Code) -> dict[str, object]:
    return {
        "document_id": segment.document_id,
        "start": segment.start,
        "end": segment.end,
        "code": code.path,
        "coder_id": coding.coder_id,
    }


def get_or_create_segment(session: Session, document: Document, start: int, end: int) -> Segment:
    if not isinstance(start, int) or not isinstance(end, int):
        raise ValidationError("error.offsets_not_int")
    if start < 0 or end > document.length or start >= end:
        raise ValidationError("error.offsets_invalid", start=start, end=end, length=document.length,
                              document=document.title)
    segment = session.scalar(
        select(Segment).where(Segment.document_id == document.id, Segment.start == start, Segment.end == end)
    )
    if segment is None:
        try:
            # A savepoint: when another coder creates the same span at the same moment, the unique
            # constraint stops the second insert and we use the first one's segment instead.
            with session.begin_nested():
                segment = Segment(document_id=document.id, start=start, end=end,
                                  snippet=snippet(document.text, start, end))
                session.add(segment)
        except IntegrityError:
            segment = session.scalar(
                select(Segment).where(Segment.document_id == document.id, Segment.start == start, Segment.end == end)
            )
            if segment is None:
                raise
    return segment


def code_span(session: Session, document_id: int, start: int, end: int, code_id: int, *, actor_id: int) -> Coding:
    """Apply ``code_id`` to ``document[start:end]`` as ``actor_id`` (code points, end exclusive)."""
    document = session.get(Document, document_id)
    if document is None:
        raise NotFoundError("error.document_not_found", document=document_id)
    require(session, document.project_id, actor_id, "coding.write")
    code = session.get(Code, code_id)
    if code is None:
        raise NotFoundError("error.code_not_found", code=code_id)
    if code.project_id != document.project_id:
        raise ValidationError("error.code_other_project", code=code.path)
    segment = get_or_create_segment(session, document, start, end)
    existing = session.scalar(
        select(Coding).where(Coding.segment_id == segment.id, Coding.code_id == code.id, Coding.coder_id == actor_id)
    )
    if existing is not None:
        raise ConflictError("error.already_coded", code=code.label("en"))
    coding = Coding(segment_id=segment.id, code_id=code.id, coder_id=actor_id)
    session.add(coding)
    session.flush()
    audit.record(
        session,
        action="coding.add",
        entity_type="coding",
        entity_id=coding.id,
        project_id=document.project_id,
        user_id=actor_id,
        after=_coding_payload(coding, segment, code),
    )
    return coding


def code_spans(session: Session, document_id: int, spans: list[tuple[int, int]], code_id: int, *,
               actor_id: int) -> list[int]:
    """Apply ``code_id`` to every span (search hits) as one action; spans this coder already
    coded with it are left as they are. Returns the new codings' ids."""
    made = []
    for start, end in spans:
        try:
            with session.begin_nested():
                made.append(code_span(session, document_id, start, end, code_id, actor_id=actor_id).id)
        except ConflictError:
            continue
    return made


def remove_coding(session: Session, coding_id: int, *, actor_id: int) -> None:
    """Remove one coding; its segment goes too when nothing else hangs on it (another coding, or a
    memo, comment, evidence link, condensation or summary-sheet place: :func:`prune_segments`).
    Comments on the coding itself go with it (the database cascades them)."""
    coding = session.get(Coding, coding_id)
    if coding is None:
        raise NotFoundError("error.coding_not_found", coding=coding_id)
    segment = coding.segment
    document = segment.document
    # A researcher removes only their own codings; the owner may remove anyone's (audited as such).
    require_own_coding(session, document.project_id, actor_id, coding.coder_id, removing=True)
    payload = _coding_payload(coding, segment, coding.code)
    session.delete(coding)
    session.flush()
    audit.record(
        session,
        action="coding.remove",
        entity_type="coding",
        entity_id=coding_id,
        project_id=document.project_id,
        user_id=actor_id,
        before=payload,
        after={"removed_for": payload["coder_id"]} if payload["coder_id"] != actor_id else None,
    )
    prune_segments(session, [segment.id])


def prune_segments(session: Session, segment_ids: list[int]) -> int:
    """Delete those of the segments that no coding hangs on any more, and nothing of the analysis
    either (a memo, comment, evidence link, condensation or summary-sheet place would go with the
    segment by cascade, silently: the passage stays for them, and an undo finds it again)."""
    kept = resting_on(session, segment_ids)
    pruned = 0
    for segment_id in set(segment_ids) - kept:
        remaining = session.scalar(select(Coding.id).where(Coding.segment_id == segment_id).limit(1))
        segment = session.get(Segment, segment_id)
        if remaining is None and segment is not None:
            session.delete(segment)
            pruned += 1
    session.flush()
    return pruned


def resize_coding(session: Session, coding_id: int, start: int, end: int, *, actor_id: int) -> Coding:
    """Move a coding's boundaries. A segment that carries only this coding moves with it, and what
    rests on the passage follows (:func:`move_passage`); a shared segment stays for the others, with
    what rests on it, and this coding gets its own span."""
    coding = session.get(Coding, coding_id)
    if coding is None:
        raise NotFoundError("error.coding_not_found", coding=coding_id)
    old = coding.segment
    document = old.document
    require_own_coding(session, document.project_id, actor_id, coding.coder_id)  # nobody moves a member's
    before = _coding_payload(coding, old, coding.code)
    if (old.start, old.end) == (start, end):
        return coding
    target = session.scalar(
        select(Segment).where(Segment.document_id == document.id, Segment.start == start, Segment.end == end)
    )
    if target is None:
        target = get_or_create_segment(session, document, start, end)
    clash = session.scalar(select(Coding.id).where(
        Coding.segment_id == target.id, Coding.code_id == coding.code_id, Coding.coder_id == coding.coder_id))
    if clash is not None:
        raise ConflictError("error.already_coded", code=coding.code.label("en"))
    alone = session.scalar(select(func.count()).select_from(Coding).where(Coding.segment_id == old.id)) == 1
    coding.segment_id = target.id
    if alone:
        move_passage(session, old.id, target.id)
    else:  # comments on this coding follow it; those on the shared passage stay for the others
        session.execute(update(Comment).where(Comment.coding_id == coding.id).values(segment_id=target.id))
    session.flush()
    session.refresh(coding)
    prune_segments(session, [old.id])
    audit.record(session, action="coding.resize", entity_type="coding", entity_id=coding.id,
                 project_id=document.project_id, user_id=actor_id, before=before,
                 after=_coding_payload(coding, target, coding.code))
    return coding


def move_passage(session: Session, old_id: int, new_id: int) -> None:
    """What rests on passage ``old_id`` moves to ``new_id`` (its only coding was resized): memos,
    comments, evidence links, condensations and summary-sheet places. Where the new passage already
    has the same link (evidence for the same conclusion, a condensation under the same code, a place
    on the same sheet) the old one stays where it was, and so does the old passage, for it
    (:func:`prune_segments`); nothing is dropped."""
    session.execute(update(Memo).where(Memo.segment_id == old_id).values(segment_id=new_id))
    session.execute(update(Comment).where(Comment.segment_id == old_id).values(segment_id=new_id))
    evidence_there = select(ConclusionEvidence.conclusion_id).where(ConclusionEvidence.segment_id == new_id)
    session.execute(update(ConclusionEvidence)
                    .where(ConclusionEvidence.segment_id == old_id,
                           ConclusionEvidence.conclusion_id.not_in(evidence_there))
                    .values(segment_id=new_id))
    condensed_there = select(Condensation.code_id).where(Condensation.segment_id == new_id)
    session.execute(update(Condensation)
                    .where(Condensation.segment_id == old_id, Condensation.code_id.not_in(condensed_there))
                    .values(segment_id=new_id))
    sheets = summary_sheet_segments.c
    on_sheet_there = select(sheets.summary_sheet_id).where(sheets.segment_id == new_id)
    session.execute(update(summary_sheet_segments)
                    .where(sheets.segment_id == old_id, sheets.summary_sheet_id.not_in(on_sheet_there))
                    .values(segment_id=new_id))


def restore_coding(session: Session, document_id: int, start: int, end: int, code_id: int, coder_id: int,
                   *, actor_id: int) -> Coding:
    """Put back a coding that was removed (undo): the same span, code and coder."""
    if coder_id != actor_id:
        raise PermissionDenied("error.undo_other_coder")
    return code_span(session, document_id, start, end, code_id, actor_id=actor_id)


def _table(model: type[Base]) -> Table:
    return Base.metadata.tables[model.__tablename__]


@dataclass(frozen=True)
class SpanCoding:
    """One coding for :func:`add_codings`: ``code_id`` applied to ``[start, end)`` by ``coder_id``.

    ``guid`` / ``segment_guid`` are kept when the database does not hold them yet; ``created_at``
    (and ``segment_created_at``) keep the time the coding was made in the tool it comes from.
    """

    start: int
    end: int
    code_id: int
    coder_id: int
    guid: str | None = None
    created_at: dt.datetime | None = None
    segment_guid: str | None = None
    segment_created_at: dt.datetime | None = None


@dataclass
class AddedCodings:
    segments: dict[tuple[int, int], int] = field(default_factory=dict)  # span -> segment id
    new_segments: int = 0
    codings: int = 0
    repeated: int = 0  # same span, code and coder as a coding already there: not added twice


def add_codings(session: Session, document_id: int, items: Sequence[SpanCoding], *, actor_id: int,
                spans: Sequence[tuple[int, int]] = ()) -> AddedCodings:
    """Many codings on one document at once (a project import), under :func:`code_span`'s rules.

    The actor needs ``coding.write``; offsets are whole numbers inside the text with start < end;
    every code belongs to the document's project; every coder exists; one segment per span (reused
    when there), with its snippet; one coding per span, code and coder (a repeat is counted, not
    added); one ``coding.add_many`` audit entry per call (how many, per code, which coders; an
    entry per coding would double what an import writes). Coders other than the actor are allowed:
    an import keeps who coded what. ``spans`` are segments to have even without a coding (one that
    carries a memo). A few statements per document instead of several per coding.
    """
    document = session.get(Document, document_id)
    if document is None:
        raise NotFoundError("error.document_not_found", document=document_id)
    require(session, document.project_id, actor_id, "coding.write")
    for start, end in [(item.start, item.end) for item in items] + list(spans):
        if not isinstance(start, int) or not isinstance(end, int):
            raise ValidationError("error.offsets_not_int")
        if start < 0 or end > document.length or start >= end:
            raise ValidationError("error.offsets_invalid", start=start, end=end, length=document.length,
                                  document=document.title)
    code_ids = {item.code_id for item in items}
    codes = {c.id: c for c in session.scalars(select(Code).where(Code.id.in_(code_ids)))}
    for code_id in code_ids:
        if code_id not in codes:
            raise NotFoundError("error.code_not_found", code=code_id)
        if codes[code_id].project_id != document.project_id:
            raise ValidationError("error.code_other_project", code=codes[code_id].path)
    coder_ids = {item.coder_id for item in items}
    known_coders = set(session.scalars(select(User.id).where(User.id.in_(coder_ids))))
    for coder_id in coder_ids - known_coders:
        raise NotFoundError("error.user_not_found", user_id=coder_id)
    result = AddedCodings()
    result.segments = {(s, e): i for s, e, i in session.execute(
        select(Segment.start, Segment.end, Segment.id).where(Segment.document_id == document.id))}
    first: dict[tuple[int, int], SpanCoding] = {}
    for item in items:
        first.setdefault((item.start, item.end), item)
    for start, end in spans:  # a segment without a coding yet: code and coder unused
        first.setdefault((start, end), SpanCoding(start, end, 0, actor_id))
    fresh = [(span, item) for span, item in first.items() if span not in result.segments]
    if fresh:
        used = guids.taken(session, Segment.guid, [item.segment_guid for _, item in fresh])
        rows = [{"document_id": document.id, "start": s, "end": e, "snippet": snippet(document.text, s, e),
                 "guid": guids.claim(item.segment_guid, used), "created_at": item.segment_created_at or utcnow()}
                for (s, e), item in fresh]
        # plain executemany (RETURNING in parameter order would send one statement per row on SQLite)
        session.execute(insert(_table(Segment)), rows)  # Core: no ORM bookkeeping per row
        result.segments = {(s, e): i for s, e, i in session.execute(
            select(Segment.start, Segment.end, Segment.id).where(Segment.document_id == document.id))}
        result.new_segments = len(fresh)
    existing = {(seg, code, coder) for seg, code, coder in session.execute(
        select(Coding.segment_id, Coding.code_id, Coding.coder_id).join(Segment, Segment.id == Coding.segment_id)
        .where(Segment.document_id == document.id))}
    used = guids.taken(session, Coding.guid, [item.guid for item in items])
    new: list[tuple[int, SpanCoding, str, dt.datetime]] = []  # segment id, item, guid, when
    for item in items:
        key = (result.segments[(item.start, item.end)], item.code_id, item.coder_id)
        if key in existing:
            result.repeated += 1
            continue
        existing.add(key)
        new.append((key[0], item, guids.claim(item.guid, used), item.created_at or utcnow()))
    if not new:
        return result
    session.execute(insert(_table(Coding)), [
        {"segment_id": seg_id, "code_id": item.code_id, "coder_id": item.coder_id, "guid": guid, "created_at": when,
         "updated_at": when} for seg_id, item, guid, when in new])
    # one audit entry for the batch (a coding.add entry per coding would double what an import writes)
    by_code: dict[str, int] = {}
    for _, item, _, _ in new:
        by_code[codes[item.code_id].path] = by_code.get(codes[item.code_id].path, 0) + 1
    audit.record(session, action="coding.add_many", entity_type="document", entity_id=document.id,
                 project_id=document.project_id, user_id=actor_id,
                 after={"count": len(new), "codes": by_code, "coders": sorted({item.coder_id for _, item, _, _ in new})})
    result.codings = len(new)
    return result
