"""Read side of supervision: the audit trail, as tidy DataFrames. The measures the Review page shows
(codings per code by coder/document/group, coding coverage) live in :mod:`qualcode.read.measures`."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode.models import AuditEvent, User


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
