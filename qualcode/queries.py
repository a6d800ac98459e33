"""The read side: queries returning tidy pandas DataFrames for pages and exports."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualcode.models import Code, Codebook, Coding, Document, Project, Segment


def project_overview(session: Session) -> pd.DataFrame:
    """One row per project: documents, codes and codings."""
    docs = select(func.count(Document.id)).where(Document.project_id == Project.id).scalar_subquery()
    codes = select(func.count(Code.id)).where(Code.project_id == Project.id).scalar_subquery()
    codings = (
        select(func.count(Coding.id))
        .join(Segment, Coding.segment_id == Segment.id)
        .join(Document, Segment.document_id == Document.id)
        .where(Document.project_id == Project.id)
        .scalar_subquery()
    )
    rows = session.execute(
        select(Project.id, Project.name, Project.description, docs, codes, codings, Project.created_at).order_by(
            func.lower(Project.name)
        )
    ).all()
    return pd.DataFrame(
        rows, columns=["id", "name", "description", "documents", "codes", "codings", "created_at"]
    )


def document_table(session: Session, project_id: int) -> pd.DataFrame:
    """One row per document, without loading any text."""
    rows = session.execute(
        select(
            Document.id,
            Document.title,
            Document.kind,
            Document.length,
            Document.original_filename,
            Document.coding_count,
            Document.imported_at,
        )
        .where(Document.project_id == project_id)
        .order_by(Document.title)
    ).all()
    return pd.DataFrame(
        rows, columns=["id", "title", "kind", "length", "original_filename", "codings", "imported_at"]
    )


def code_table(session: Session, project_id: int) -> pd.DataFrame:
    """One row per code with its codebook and number of codings, in tree order."""
    rows = session.execute(
        select(
            Code.id,
            Code.key,
            Code.path,
            Code.name_id,
            Code.name_en,
            Code.colour,
            Codebook.key,
            Code.coding_count,
        )
        .outerjoin(Codebook, Code.codebook_id == Codebook.id)
        .where(Code.project_id == project_id)
        .order_by(Codebook.key, Code.path)
    ).all()
    return pd.DataFrame(
        rows, columns=["id", "key", "path", "name_id", "name_en", "colour", "codebook", "codings"]
    )


def tree_sorted(codes: list[Code]) -> list[Code]:
    """Codes in tree order: each parent before its children, siblings by their codebook order."""
    order = {c.path: (c.sort_order, c.key) for c in codes}

    def key(code: Code) -> tuple[tuple[int, str], ...]:
        parts = code.path.split("/")
        return tuple(order.get("/".join(parts[: i + 1]), (0, parts[i])) for i in range(len(parts)))

    return sorted(codes, key=key)
