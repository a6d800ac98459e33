"""Memos on the project, a document, a code or a segment. A memo is its author's voice: anyone
who may write memos adds them; only the author edits one (the owner too, when the author is no
member: a coder an import brought); the author or the project's owner deletes it
(``auth.memo_rights``)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from qualcode.errors import ValidationError
from qualcode.models import Code, Document, Memo, Segment
from qualcode.services.auth import require, require_own_memo
from qualcode.services.base import load, record_change

MEMO_TARGETS = ("project", "document", "code", "segment")


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
    on: str | None = None,
) -> Memo:
    """A memo on the project, or on the one document, code or segment given. ``on`` says what the
    author chose it to be about (the Condensation page's "Memo on"): a memo on a document without
    the document is refused, never quietly stored as a project memo."""
    require(session, project_id, actor_id, "memo.write")
    if sum(x is not None for x in (document_id, code_id, segment_id)) > 1:
        raise ValidationError("error.memo_one_target")
    if on is not None:
        if on not in MEMO_TARGETS:
            raise ValidationError("error.memo_target_unknown", target=on)
        given = {"document": document_id, "code": code_id, "segment": segment_id}
        if any(target_id is not None for kind, target_id in given.items() if kind != on):
            raise ValidationError("error.memo_one_target")
        if on == "document" and document_id is None:
            raise ValidationError("error.memo_no_document")
        if on == "code" and code_id is None:
            raise ValidationError("error.memo_no_code")
        if on == "segment" and segment_id is None:
            raise ValidationError("error.memo_no_segment")
    if not body.strip() and not title.strip():
        raise ValidationError("error.memo_empty")
    for model, target_id in ((Document, document_id), (Code, code_id), (Segment, segment_id)):
        if target_id is not None:
            load(session, model, target_id, project_id=project_id)
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
    record_change(session, "memo.add", memo, actor_id=actor_id,
                  after={"target": memo.target, "title": memo.title, "body": memo.body})
    return memo


def update_memo(session: Session, memo_id: int, body: str, *, actor_id: int, title: str | None = None) -> Memo:
    """Change a memo's text and (when given) its title; what it is on stays. Only its author may."""
    memo = load(session, Memo, memo_id)
    require_own_memo(session, memo.project_id, actor_id, memo.author_id)
    if not body.strip() and not (memo.title if title is None else title).strip():
        raise ValidationError("error.memo_empty")
    before = {"title": memo.title, "body": memo.body}
    memo.body = body.strip()
    if title is not None:
        memo.title = title.strip()
    record_change(session, "memo.update", memo, actor_id=actor_id, before=before,
                  after={"title": memo.title, "body": memo.body})
    return memo


def delete_memo(session: Session, memo_id: int, *, actor_id: int) -> None:
    """Delete a memo: its author may, and the project's owner (the audit keeps whose it was)."""
    memo = load(session, Memo, memo_id)
    require_own_memo(session, memo.project_id, actor_id, memo.author_id, deleting=True)
    before = {"target": memo.target, "title": memo.title, "body": memo.body, "segment_id": memo.segment_id,
              "document_id": memo.document_id, "code_id": memo.code_id, "author_id": memo.author_id}
    session.delete(memo)
    session.flush()
    record_change(session, "memo.delete", memo, actor_id=actor_id, before=before, entity_id=memo_id)
