"""Documents: store normalised text once; it never changes once it carries codings."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode.errors import ConflictError, ValidationError
from qualcode.models import DOCUMENT_KINDS, Document
from qualcode.services.auth import require
from qualcode.services.base import load, record_change
from qualcode.text import checksum, normalise_text


def get_document(session: Session, document_id: int) -> Document:
    return load(session, Document, document_id)


def find_duplicate(session: Session, project_id: int, text: str) -> Document | None:
    return session.scalar(
        select(Document).where(Document.project_id == project_id, Document.checksum == checksum(text))
    )


def add_document(
    session: Session,
    project_id: int,
    *,
    title: str,
    text: str,
    actor_id: int,
    kind: str = "interview",
    original_filename: str = "",
    language: str = "id",
) -> Document:
    require(session, project_id, actor_id, "document.write")
    if kind not in DOCUMENT_KINDS:
        raise ValidationError("error.kind_invalid", kind=kind, kinds=", ".join(DOCUMENT_KINDS))
    text = normalise_text(text)
    name = original_filename or title
    if not text.strip():
        raise ValidationError("error.document_empty", file=name)
    duplicate = find_duplicate(session, project_id, text)
    if duplicate is not None:
        raise ConflictError("error.document_duplicate", file=name, existing=duplicate.title)
    document = Document(
        project_id=project_id,
        title=title.strip() or name,
        kind=kind,
        text=text,
        length=len(text),
        checksum=checksum(text),
        original_filename=original_filename,
        language=language,
    )
    session.add(document)
    session.flush()
    record_change(session, "document.add", document, actor_id=actor_id,
                  after={"title": document.title, "kind": kind, "file": original_filename, "length": len(text)})
    return document
