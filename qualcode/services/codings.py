"""Coding text: segments (spans of a document) and the codes coders apply to them."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from qualcode.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from qualcode.models import Code, Coding, Document, Memo, Segment
from qualcode.services import audit
from qualcode.services.auth import require
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
    """Remove one coding; its segment goes too when nothing else (coding or memo) hangs on it."""
    coding = session.get(Coding, coding_id)
    if coding is None:
        raise NotFoundError("error.coding_not_found", coding=coding_id)
    segment = coding.segment
    document = segment.document
    require(session, document.project_id, actor_id, "coding.write")
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
    )
    prune_segments(session, [segment.id])


def prune_segments(session: Session, segment_ids: list[int]) -> int:
    """Delete those of the segments that no coding and no memo hangs on any more."""
    pruned = 0
    for segment_id in set(segment_ids):
        remaining = session.scalar(select(Coding.id).where(Coding.segment_id == segment_id).limit(1))
        memo = session.scalar(select(Memo.id).where(Memo.segment_id == segment_id).limit(1))
        segment = session.get(Segment, segment_id)
        if remaining is None and memo is None and segment is not None:
            session.delete(segment)
            pruned += 1
    session.flush()
    return pruned


def codings_for_document(session: Session, document_id: int) -> list[Coding]:
    return list(
        session.scalars(
            select(Coding)
            .join(Segment, Coding.segment_id == Segment.id)
            .where(Segment.document_id == document_id)
            .order_by(Segment.start, Segment.end, Coding.id)
        )
    )


def resize_coding(session: Session, coding_id: int, start: int, end: int, *, actor_id: int) -> Coding:
    """Move a coding's boundaries. A segment that carries only this coding moves with it (its
    memos too); a shared segment stays for the others and this coding gets its own span."""
    coding = session.get(Coding, coding_id)
    if coding is None:
        raise NotFoundError("error.coding_not_found", coding=coding_id)
    old = coding.segment
    document = old.document
    require(session, document.project_id, actor_id, "coding.write")
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
        session.execute(update(Memo).where(Memo.segment_id == old.id).values(segment_id=target.id))
    session.flush()
    session.refresh(coding)
    prune_segments(session, [old.id])
    audit.record(session, action="coding.resize", entity_type="coding", entity_id=coding.id,
                 project_id=document.project_id, user_id=actor_id, before=before,
                 after=_coding_payload(coding, target, coding.code))
    return coding


def restore_coding(session: Session, document_id: int, start: int, end: int, code_id: int, coder_id: int,
                   *, actor_id: int) -> Coding:
    """Put back a coding that was removed (undo): the same span, code and coder."""
    if coder_id != actor_id:
        raise PermissionDenied("error.undo_other_coder")
    return code_span(session, document_id, start, end, code_id, actor_id=actor_id)
