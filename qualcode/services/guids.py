"""GUIDs from imported files: kept when free, replaced when the database already holds them."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

_CHUNK = 500  # bound parameters per query stay well under SQLite's limit


def taken(session: Session, column: Any, guids: Iterable[str | None]) -> set[str]:
    """Which of ``guids`` are already in ``column`` (a ``guid`` column)."""
    wanted = list(dict.fromkeys(g for g in guids if g))
    found: set[str] = set()
    for i in range(0, len(wanted), _CHUNK):
        found |= set(session.scalars(select(column).where(column.in_(wanted[i:i + _CHUNK]))))
    return found


def claim(wanted: str | None, used: set[str]) -> str:
    """``wanted`` when it is not in ``used``, else a fresh GUID; either way it joins ``used``."""
    guid = wanted if wanted and wanted not in used else str(uuid.uuid4())
    used.add(guid)
    return guid
