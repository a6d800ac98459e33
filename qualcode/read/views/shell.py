"""The sidebar's view: the projects a user may open, the project's coders, who is signed in."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode.models import ProjectMember
from qualcode.read import entities as read_entities
from qualcode.read.views import common


def visible_projects(session: Session, user_id: int | None, *, accounts: bool) -> dict[int, str]:
    """Project id -> name, by name: every project, or with accounts on those the user belongs to
    (an administrator sees all)."""
    projects = {p.id: p.name for p in read_entities.list_projects(session)}
    if accounts:
        me = common.user(session, user_id)
        if me is not None and not me.is_admin:
            mine = set(session.scalars(select(ProjectMember.project_id).where(ProjectMember.user_id == me.id)))
            projects = {pid: name for pid, name in projects.items() if pid in mine}
    return projects


def display_name(session: Session, user_id: int | None) -> str:
    me = common.user(session, user_id)
    return me.name if me else "?"


members = common.members
