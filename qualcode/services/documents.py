"""Documents: store normalised text once; it never changes once it carries codings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from qualcode import limits
from qualcode.analysis.tables import ConclusionEvidence
from qualcode.errors import ConflictError, ValidationError
from qualcode.models import DOCUMENT_KINDS, Document, Segment
from qualcode.read.dependants import DocumentDependants, document_dependants
from qualcode.services import audit, guids
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


def require_uncoded(session: Session, document: Document) -> DocumentDependants:
    """Refuse to change the text or turns of a document that carries codings (their offsets and
    units point into it)."""
    found = document_dependants(session, document.id)
    if found.codings:
        raise ConflictError("error.document_coded", document=document.title, count=found.codings)
    return found


def rename_document(session: Session, document_id: int, title: str, *, actor_id: int) -> Document:
    """Give the document a new title, refused when empty, too long, or the title of another
    document of the project (every picker would show the name twice)."""
    document = get_document(session, document_id)
    require(session, document.project_id, actor_id, "document.write")
    title = " ".join(title.split())
    if not title:
        raise ValidationError("error.document_title_empty")
    if len(title) > limits.MAX_NAME_CHARS:  # refused, not cut without a word
        raise ValidationError("error.document_title_too_long", limit=limits.MAX_NAME_CHARS, length=len(title))
    taken = session.scalar(select(Document.id).where(Document.project_id == document.project_id,
                                                     Document.title == title, Document.id != document.id).limit(1))
    if taken is not None:
        raise ConflictError("error.document_title_taken", title=title)
    before = document.title
    document.title = title
    record_change(session, "document.rename", document, actor_id=actor_id, before={"title": before},
                  after={"title": document.title})
    session.flush()
    return document


def delete_document(session: Session, document_id: int, *, actor_id: int) -> DocumentDependants:
    """Delete the document with everything that hangs on it (the database cascades: turns,
    segments, codings, memos, condensations, the summary sheet, comments, review marks, suggestion
    decisions, evidence links; see :mod:`qualcode.read.dependants`). The audit trail keeps its title
    and what went with it, and each conclusion's trail the evidence it lost."""
    document = get_document(session, document_id)
    require(session, document.project_id, actor_id, "document.write")
    found = document_dependants(session, document.id)
    record_change(session, "document.delete", document, actor_id=actor_id,
                  before={"title": document.title, "file": document.original_filename, **found.audit()})
    lost = session.scalars(select(ConclusionEvidence).join(Segment, Segment.id == ConclusionEvidence.segment_id)
                           .where(Segment.document_id == document.id).order_by(ConclusionEvidence.id)).all()
    for row in lost:  # as unlink_evidence records it, with the document that took it
        record_change(session, "evidence.unlink", row, actor_id=actor_id, project_id=document.project_id,
                      before={"conclusion_id": row.conclusion_id, "segment_id": row.segment_id, "stance": row.stance,
                              "note": row.note, "document_id": document.id, "document": document.title})
    session.execute(delete(Document).where(Document.id == document_id))
    session.expire_all()
    return found


@dataclass(frozen=True)
class NewDocument:
    """One document for :func:`add_documents` (``guid``: kept when the database does not hold it yet)."""

    title: str
    text: str
    kind: str = "interview"
    original_filename: str = ""
    language: str = "id"
    guid: str | None = None


def add_documents(session: Session, project_id: int, items: Sequence[NewDocument], *,
                  actor_id: int) -> list[tuple[Document, bool]]:
    """Many documents at once (a project import), under :func:`add_document`'s rules.

    The same permission, kinds, normalisation, refusal of empty text and one stored copy of each text
    per project, and a ``document.add`` audit entry for each; in a few queries instead of one per
    document. Returns, per item, its document and whether it is new: an item whose text the project
    (or an earlier item) already holds gets that document.
    """
    require(session, project_id, actor_id, "document.write")
    texts = []
    for item in items:
        if item.kind not in DOCUMENT_KINDS:
            raise ValidationError("error.kind_invalid", kind=item.kind, kinds=", ".join(DOCUMENT_KINDS))
        text = normalise_text(item.text)
        if not text.strip():
            raise ValidationError("error.document_empty", file=item.original_filename or item.title)
        texts.append(text)
    digests = [checksum(text) for text in texts]
    known: dict[str, Document] = {}
    for i in range(0, len(digests), 500):
        known.update((d.checksum, d) for d in session.scalars(
            select(Document).where(Document.project_id == project_id, Document.checksum.in_(digests[i:i + 500]))))
    used = guids.taken(session, Document.guid, [item.guid for item in items])
    out: list[tuple[Document, bool]] = []
    new: list[Document] = []
    for item, text, digest in zip(items, texts, digests, strict=True):
        if digest in known:
            out.append((known[digest], False))
            continue
        name = item.original_filename or item.title
        document = Document(project_id=project_id, title=item.title.strip()[:300] or name, kind=item.kind, text=text,
                            length=len(text), checksum=digest, original_filename=item.original_filename,
                            language=item.language, guid=guids.claim(item.guid, used))
        known[digest] = document
        new.append(document)
        out.append((document, True))
    session.add_all(new)
    session.flush()
    for document in new:
        audit.record(session, action="document.add", entity_type="document", entity_id=document.id,
                     project_id=project_id, user_id=actor_id,
                     after={"title": document.title, "kind": document.kind, "file": document.original_filename,
                            "length": document.length})
    return out
