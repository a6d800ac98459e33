"""Read side of supervision: the audit trail, as tidy DataFrames. The measures the Review page shows
(codings per code by coder/document/group, coding coverage) live in :mod:`qualcode.read.measures`."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode.models import AuditEvent, User


def audit_trail(session: Session, project_id: int, *, user_ids: list[int] | None = None,
                actions: list[str] | None = None, entity_types: list[str] | None = None,
                since: dt.date | None = None, until: dt.date | None = None, limit: int = 2000,
                field_name: Callable[[str], str] = str) -> pd.DataFrame:
    """The project's audit events, newest first, filtered by user, action, entity and date
    range (``until`` inclusive, whole days in UTC); ``field_name`` names the recorded fields of
    the before and after states (the interface's words for ``definition``, ``status`` ...)."""
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
    rows = [(i, at, user or "", action, entity, entity_id, *changed((payload or {}).get("before"),
                                                                    (payload or {}).get("after"), field_name))
            for i, at, user, action, entity, entity_id, payload in session.execute(query).all()]
    return pd.DataFrame(rows, columns=["id", "at", "user", "action", "entity", "entity_id", "before", "after"])


LONGEST_VALUE = 160  # characters of one value shown in the trail; the stored event keeps all


def readable(value: object, field_name: Callable[[str], str] = str) -> str:
    """An event's before or after state as a reader takes it in: ``field: value`` pairs joined by
    `` · ``, lists as comma-separated values, nothing shown for nothing recorded, long texts cut
    with an ellipsis; ``field_name`` names each field. The stored JSON stays whole in the database."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return " · ".join(f"{field_name(key)}: {_one(item)}" for key, item in value.items())
    return _one(value)


def changed(before: object, after: object, field_name: Callable[[str], str] = str) -> tuple[str, str]:
    """The before and after columns of one event. Where both are states of the same thing (an
    edit records the whole code, memo or document), only the fields that differ are shown, so the
    row says what the edit changed."""
    if isinstance(before, dict) and isinstance(after, dict):
        keys = [key for key in dict.fromkeys([*before, *after]) if before.get(key) != after.get(key)]
        if keys:
            before = {key: before[key] for key in keys if key in before}
            after = {key: after[key] for key in keys if key in after}
    return readable(before, field_name), readable(after, field_name)


def _one(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, list | tuple):
        text = ", ".join(_one(item) for item in value)
    elif isinstance(value, dict):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = " ".join(str(value).split())  # a memo's line breaks would break the row
    return text if len(text) <= LONGEST_VALUE else text[: LONGEST_VALUE - 1].rstrip() + "…"


def audit_choices(session: Session, project_id: int) -> tuple[list[str], list[str]]:
    """The actions and entity types that occur in the project's audit trail (for filters)."""
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.project_id == project_id).distinct()).all()
    entities = session.scalars(select(AuditEvent.entity_type).where(AuditEvent.project_id == project_id).distinct()).all()
    return sorted(actions), sorted(entities)
