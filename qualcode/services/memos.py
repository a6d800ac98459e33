"""Memos on the project, a document, a code or a segment."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode.errors import NotFoundError, ValidationError
from qualcode.models import Code, Document, Memo, Segment
from qualcode.services import audit
from qualcode.services.auth import require


def add_memo(
    session: Session,
    project_id: int,
    body: str,
    *,
    actor_id: int,
    title: str = "",
    document_id: int | None = None,
    code_id: int | None = None,
    segment_id: int | None = None,
) -> Memo:
    require(session, project_id, actor_id, "memo.write")
    if sum(x is not None for x in (document_id, code_id, segment_id)) > 1:
        raise ValidationError("error.memo_one_target")
    if not body.strip() and not title.strip():
        raise ValidationError("error.memo_empty")
    if document_id is not None:
        target = session.get(Document, document_id)
        if target is None or target.project_id != project_id:
            raise NotFoundError("error.document_not_found", document=document_id)
    if code_id is not None:
        code = session.get(Code, code_id)
        if code is None or code.project_id != project_id:
            raise NotFoundError("error.code_not_found", code=code_id)
    if segment_id is not None:
        segment = session.get(Segment, segment_id)
        if segment is None or segment.document.project_id != project_id:
            raise NotFoundError("error.segment_not_found", segment=segment_id)
    memo = Memo(
        project_id=project_id,
        author_id=actor_id,
        title=title.strip(),
        body=body.strip(),
        document_id=document_id,
        code_id=code_id,
        segment_id=segment_id,
    )
    session.add(memo)
    session.flush()
    audit.record(
        session,
        action="memo.add",
        entity_type="memo",
        entity_id=memo.id,
        project_id=project_id,
        user_id=actor_id,
        after={"target": memo.target, "title": memo.title, "body": memo.body},
    )
    return memo


def update_memo(session: Session, memo_id: int, body: str, *, actor_id: int, title: str | None = None) -> Memo:
    memo = session.get(Memo, memo_id)
    if memo is None:
        raise NotFoundError("error.memo_not_found", memo=memo_id)
    require(session, memo.project_id, actor_id, "memo.write")
    before = {"title": memo.title, "body": memo.body}
    memo.body = body.strip()
    if title is not None:
        memo.title = title.strip()
    audit.record(
        session,
        action="memo.update",
        entity_type="memo",
        entity_id=memo.id,
        project_id=memo.project_id,
        user_id=actor_id,
        before=before,
        after={"title": memo.title, "body": memo.body},
    )
    return memo


def list_memos(session: Session, project_id: int) -> list[Memo]:
    return list(session.scalars(select(Memo).where(Memo.project_id == project_id).order_by(Memo.updated_at.desc())))


def delete_memo(session: Session, memo_id: int, *, actor_id: int) -> None:
    memo = session.get(Memo, memo_id)
    if memo is None:
        raise NotFoundError("error.memo_not_found", memo=memo_id)
    require(session, memo.project_id, actor_id, "memo.write")
    before = {"target": memo.target, "title": memo.title, "body": memo.body, "segment_id": memo.segment_id,
              "document_id": memo.document_id, "code_id": memo.code_id}
    session.delete(memo)
    session.flush()
    audit.record(session, action="memo.delete", entity_type="memo", entity_id=memo_id, project_id=memo.project_id,
                 user_id=actor_id, before=before)


def memos_for_segments(session: Session, segment_ids: list[int]) -> list[Memo]:
    if not segment_ids:
        return []
    return list(session.scalars(select(Memo).where(Memo.segment_id.in_(segment_ids)).order_by(Memo.created_at)))
