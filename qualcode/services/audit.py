"""The audit trail: every change records who, what, when, with the before and after."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from qualcode.models import AuditEvent


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def record(
    session: Session,
    *,
    action: str,
    entity_type: str,
    entity_id: int | None,
    project_id: int | None,
    user_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    event = AuditEvent(
        project_id=project_id,
        user_id=user_id,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        payload={"before": _jsonable(before), "after": _jsonable(after)},
    )
    session.add(event)
    return event


def snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """The named attributes of ``obj`` as a plain dict, for before/after payloads."""
    return {name: _jsonable(getattr(obj, name)) for name in fields}
