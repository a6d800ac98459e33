"""Comments on segments and codings: threaded, open or resolved. Supervisors may comment
(``comment.write``) though they cannot code. A comment goes with its segment or coding."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from qualcode.errors import NotFoundError, ValidationError
from qualcode.models import Code, Coding, Document, Segment, User
from qualcode.review.tables import COMMENT_STATUSES, Comment
from qualcode.services import audit
from qualcode.services.auth import require

MAX_BODY = 5000


def _body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError("error.comment_empty")
    if len(body) > MAX_BODY:
        raise ValidationError("error.comment_too_long", limit=MAX_BODY)
    return body


def _payload(comment: Comment) -> dict[str, object]:
    return {"segment_id": comment.segment_id, "coding_id": comment.coding_id, "parent_id": comment.parent_id,
            "body": comment.body, "status": comment.status}


def _root(session: Session, comment: Comment) -> Comment:
    """The root of ``comment``'s thread (replies hang from the root, one level deep)."""
    if comment.parent_id is None:
        return comment
    root = session.get(Comment, comment.parent_id)
    assert root is not None, "comments.parent_id is a foreign key with ON DELETE CASCADE"
    return root


def add_comment(session: Session, body: str, *, actor_id: int, coding_id: int | None = None,
                segment_id: int | None = None, parent_id: int | None = None) -> Comment:
    """Start a thread on a coding (or a bare segment), or reply to a thread (``parent_id``)."""
    body = _body(body)
    if parent_id is not None:
        parent = session.get(Comment, parent_id)
        if parent is None:
            raise NotFoundError("error.comment_not_found", comment=parent_id)
        root = _root(session, parent)
        segment_id, coding_id, parent_id = root.segment_id, root.coding_id, root.id
    elif coding_id is not None:
        coding = session.get(Coding, coding_id)
        if coding is None:
            raise NotFoundError("error.coding_not_found", coding=coding_id)
        segment_id = coding.segment_id
    if segment_id is None:
        raise ValidationError("error.comment_no_target")
    segment = session.get(Segment, segment_id)
    if segment is None:
        raise NotFoundError("error.comment_not_found", comment=segment_id)
    project_id = segment.document.project_id
    require(session, project_id, actor_id, "comment.write")
    comment = Comment(project_id=project_id, segment_id=segment_id, coding_id=coding_id, parent_id=parent_id,
                      author_id=actor_id, body=body, status="open")
    session.add(comment)
    session.flush()
    audit.record(session, action="comment.add", entity_type="comment", entity_id=comment.id, project_id=project_id,
                 user_id=actor_id, after=_payload(comment))
    return comment


def set_comment_status(session: Session, comment_id: int, status: str, *, actor_id: int) -> Comment:
    """Resolve or reopen a thread (its root comment carries the status)."""
    if status not in COMMENT_STATUSES:
        raise ValidationError("error.comment_status", status=status, statuses=", ".join(COMMENT_STATUSES))
    comment = session.get(Comment, comment_id)
    if comment is None:
        raise NotFoundError("error.comment_not_found", comment=comment_id)
    comment = _root(session, comment)
    require(session, comment.project_id, actor_id, "comment.write")
    before = comment.status
    comment.status = status
    session.flush()
    audit.record(session, action="comment.status", entity_type="comment", entity_id=comment.id,
                 project_id=comment.project_id, user_id=actor_id, before={"status": before}, after={"status": status})
    return comment


def comment_threads(session: Session, project_id: int, status: str | None = None,
                    document_id: int | None = None) -> pd.DataFrame:
    """One row per comment, threads together (root first, replies in order), with the thread's
    status, its document, span, code and coder."""
    root = aliased(Comment)
    thread = func.coalesce(Comment.parent_id, Comment.id)
    author = aliased(User)
    coder = aliased(User)
    query = (
        select(Comment.id, thread.label("thread"), root.status, Document.id,
               Document.title, Segment.start, Segment.end, Segment.snippet, Code.key, coder.display_name,
               author.display_name, Comment.body, Comment.created_at)
        .join(root, root.id == thread)
        .join(Segment, Comment.segment_id == Segment.id)
        .join(Document, Segment.document_id == Document.id)
        .join(author, Comment.author_id == author.id)
        .outerjoin(Coding, Comment.coding_id == Coding.id)
        .outerjoin(Code, Coding.code_id == Code.id)
        .outerjoin(coder, Coding.coder_id == coder.id)
        .where(Comment.project_id == project_id)
        .order_by(thread, Comment.created_at, Comment.id)
    )
    if status is not None:
        query = query.where(root.status == status)
    if document_id is not None:
        query = query.where(Document.id == document_id)
    return pd.DataFrame(session.execute(query).all(), columns=[
        "id", "thread", "status", "document_id", "document", "start", "end", "snippet", "code", "coder", "author",
        "body", "created_at"])
