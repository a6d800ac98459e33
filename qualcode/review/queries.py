"""Read side of supervision: code frequencies, coding progress and the audit trail, as tidy DataFrames."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode.models import AuditEvent, Case, Code, Coding, Document, Segment, User, case_documents

BY = ("coder", "document", "group")
NO_GROUP = "-"


def codings_long(session: Session, project_id: int, lang: str = "id") -> pd.DataFrame:
    """One row per coding: code (key and label), coder, document, span, and the document's
    stakeholder group (one row per group when a document has several cases)."""
    rows = session.execute(
        select(Coding.id, Code.key, Code.name_id, Code.name_en, User.login, User.display_name, Document.id,
               Document.title, Segment.start, Segment.end)
        .join(Segment, Coding.segment_id == Segment.id)
        .join(Document, Segment.document_id == Document.id)
        .join(Code, Coding.code_id == Code.id)
        .join(User, Coding.coder_id == User.id)
        .where(Document.project_id == project_id)
    ).all()
    table = pd.DataFrame(
        [(cid, key, (name_en if lang == "en" and name_en else name_id) or key, login, name, doc_id, title, s, e)
         for cid, key, name_id, name_en, login, name, doc_id, title, s, e in rows],
        columns=["coding_id", "code_key", "code", "coder_login", "coder", "document_id", "document", "start", "end"],
    )
    groups = pd.DataFrame(
        session.execute(
            select(case_documents.c.document_id, Case.stakeholder_group)
            .join(Case, Case.id == case_documents.c.case_id)
            .where(Case.project_id == project_id)
        ).all(),
        columns=["document_id", "group"],
    ).drop_duplicates()
    table = table.merge(groups, on="document_id", how="left")
    table["group"] = table["group"].fillna(NO_GROUP).replace("", NO_GROUP)
    return table


def code_frequencies(session: Session, project_id: int, by: str, lang: str = "id") -> pd.DataFrame:
    """Codings per code and per coder, document or stakeholder group, long form
    (columns ``code``, ``by``, ``codings``), most frequent codes first. A document counted under
    several groups (several cases) counts once in each."""
    if by not in BY:
        raise ValueError(f"by must be one of {', '.join(BY)}, not {by!r}")
    table = codings_long(session, project_id, lang)
    if by != "group":
        table = table.drop_duplicates("coding_id")
    if table.empty:
        return pd.DataFrame(columns=["code", "by", "codings"])
    out = table.groupby(["code", by]).size().reset_index(name="codings").rename(columns={by: "by"})
    totals = out.groupby("code")["codings"].sum()
    out["total"] = out["code"].map(totals)
    return out.sort_values(["total", "code", "by"], ascending=[False, True, True]).drop(columns="total").reset_index(drop=True)


def _covered(spans: list[tuple[int, int]]) -> int:
    covered, end = 0, -1
    for s, e in sorted(spans):
        if e <= end:
            continue
        covered += e - max(s, end)
        end = e
    return covered


def coding_progress(session: Session, project_id: int) -> pd.DataFrame:
    """Per document and coder: codings, distinct codes, characters covered and share of the text
    covered; documents nobody coded yet appear with a blank coder and zeros."""
    documents = session.execute(
        select(Document.id, Document.title, Document.length).where(Document.project_id == project_id).order_by(Document.title)
    ).all()
    table = codings_long(session, project_id).drop_duplicates("coding_id")
    rows = []
    for doc_id, title, length in documents:
        mine = table[table["document_id"] == doc_id]
        if mine.empty:
            rows.append([title, "", 0, 0, 0, 0.0])
            continue
        for coder, part in mine.groupby("coder"):
            covered = _covered(list(zip(part["start"], part["end"], strict=True)))
            rows.append([title, coder, len(part), part["code_key"].nunique(), covered,
                         round(100 * covered / length, 1) if length else 0.0])
    return pd.DataFrame(rows, columns=["document", "coder", "codings", "codes", "characters", "percent_coded"])


def audit_trail(session: Session, project_id: int, *, user_ids: list[int] | None = None,
                actions: list[str] | None = None, entity_types: list[str] | None = None,
                since: dt.date | None = None, until: dt.date | None = None, limit: int = 2000) -> pd.DataFrame:
    """The project's audit events, newest first, filtered by user, action, entity and date
    range (``until`` inclusive, whole days in UTC)."""
    query = (select(AuditEvent.id, AuditEvent.at, User.display_name, AuditEvent.action, AuditEvent.entity_type,
                    AuditEvent.entity_id, AuditEvent.payload)
             .outerjoin(User, AuditEvent.user_id == User.id)
             .where(AuditEvent.project_id == project_id)
             .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
             .limit(limit))
    if user_ids:
        query = query.where(AuditEvent.user_id.in_(user_ids))
    if actions:
        query = query.where(AuditEvent.action.in_(actions))
    if entity_types:
        query = query.where(AuditEvent.entity_type.in_(entity_types))
    if since is not None:
        query = query.where(AuditEvent.at >= dt.datetime.combine(since, dt.time.min, dt.UTC))
    if until is not None:
        query = query.where(AuditEvent.at < dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, dt.UTC))
    rows = [(i, at, user or "", action, entity, entity_id,
             json.dumps((payload or {}).get("before"), ensure_ascii=False),
             json.dumps((payload or {}).get("after"), ensure_ascii=False))
            for i, at, user, action, entity, entity_id, payload in session.execute(query).all()]
    return pd.DataFrame(rows, columns=["id", "at", "user", "action", "entity", "entity_id", "before", "after"])


def audit_choices(session: Session, project_id: int) -> tuple[list[str], list[str]]:
    """The actions and entity types that occur in the project's audit trail (for filters)."""
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.project_id == project_id).distinct()).all()
    entities = session.scalars(select(AuditEvent.entity_type).where(AuditEvent.project_id == project_id).distinct()).all()
    return sorted(actions), sorted(entities)
