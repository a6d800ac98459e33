"""Listing tables for pages: projects, documents, cases and codes as tidy DataFrames (no text loaded)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualcode.models import Case, Code, Codebook, Coding, Document, Project, Segment, Turn, case_documents


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
    """One row per document with its cases, turns and codings, without loading any text."""
    turns = select(func.count(Turn.id)).where(Turn.document_id == Document.id).scalar_subquery()
    rows = session.execute(
        select(
            Document.id,
            Document.title,
            Document.kind,
            Document.length,
            turns,
            Document.original_filename,
            Document.coding_count,
            Document.imported_at,
        )
        .where(Document.project_id == project_id)
        .order_by(Document.title)
    ).all()
    table = pd.DataFrame(
        rows, columns=["id", "title", "kind", "length", "turns", "original_filename", "codings", "imported_at"]
    )
    links = session.execute(
        select(case_documents.c.document_id, Case.pseudonym)
        .join(Case, Case.id == case_documents.c.case_id)
        .where(Case.project_id == project_id)
        .order_by(Case.pseudonym)
    ).all()
    names: dict[int, list[str]] = {}
    for document_id, pseudonym in links:
        names.setdefault(document_id, []).append(pseudonym)
    table.insert(2, "cases", [", ".join(names.get(i, [])) for i in table["id"]])
    return table


def case_table(session: Session, project_id: int) -> pd.DataFrame:
    """One row per case with its metadata and the number of documents linked to it."""
    docs = (
        select(func.count(case_documents.c.document_id))
        .where(case_documents.c.case_id == Case.id)
        .scalar_subquery()
    )
    rows = session.execute(
        select(Case.id, Case.pseudonym, Case.stakeholder_group, Case.organisation, Case.position,
               Case.interview_date, Case.interview_place, docs, Case.attributes)
        .where(Case.project_id == project_id)
        .order_by(Case.pseudonym)
    ).all()
    table = pd.DataFrame(rows, columns=["id", "pseudonym", "stakeholder_group", "organisation", "position",
                                        "interview_date", "interview_place", "documents", "attributes"])
    table["attributes"] = [
        "; ".join(f"{k}={v.get('value')}" for k, v in (a or {}).items()) for a in table["attributes"]
    ]
    return table


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
