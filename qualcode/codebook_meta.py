"""What a project's codebooks say about their own codes (the YAML's ``meta:`` section, stored on
the codebook row): directions, codes never suggested, the default cross-framework pair.

Read side, no Streamlit. Displays, suggestions and pages ask here instead of naming codebook
keys in code; see codebooks/README.md for the format."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode.codebooks import CodebookUse
from qualcode.models import Codebook


def codebook_use(session: Session, codebook_id: int) -> CodebookUse:
    meta = session.scalar(select(Codebook.meta).where(Codebook.id == codebook_id))
    return CodebookUse.model_validate(meta or {})


def directions(session: Session, codebook_id: int) -> tuple[str, ...]:
    """The keys of the codebook's direction codes (e.g. supporting, inhibiting), in their order."""
    return tuple(codebook_use(session, codebook_id).directions)


def never_suggested(session: Session, project_id: int) -> frozenset[str]:
    """Keys of codes that no codebook of the project wants suggested on their own."""
    metas = session.scalars(select(Codebook.meta).where(Codebook.project_id == project_id))
    return frozenset(key for meta in metas for key in CodebookUse.model_validate(meta or {}).never_suggested)


def cross_framework_pair(session: Session, project_id: int) -> tuple[int, int] | None:
    """(rows codebook id, factors codebook id) named by a codebook's ``cross_framework_factors``,
    the first such codebook by key; ``None`` when no codebook names a partner present in the project."""
    books = session.execute(select(Codebook.id, Codebook.key, Codebook.meta)
                            .where(Codebook.project_id == project_id).order_by(Codebook.key)).all()
    ids = {key: book_id for book_id, key, _ in books}
    for book_id, _, meta in books:
        partner = CodebookUse.model_validate(meta or {}).cross_framework_factors
        if partner in ids:
            return book_id, ids[partner]
    return None
