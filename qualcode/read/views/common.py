"""Small read helpers shared by several views: who is in a project, which codebooks it has."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from qualcode.models import DOCUMENT_KINDS, ROLES, User
from qualcode.read import entities as read_entities
from qualcode.services import projects as project_service

__all__ = ["DOCUMENT_KINDS", "ROLES", "BookInfo", "Member", "codebooks", "members", "project_groups", "user"]


@dataclass(frozen=True)
class BookInfo:
    id: int
    key: str
    name: str
    version: str
    source: str


@dataclass(frozen=True)
class Member:
    id: int
    login: str
    name: str
    role: str


@dataclass(frozen=True)
class UserInfo:
    id: int
    login: str
    name: str
    is_admin: bool


def codebooks(session: Session, project_id: int) -> list[BookInfo]:
    return [BookInfo(b.id, b.key, b.name, b.version, b.source)
            for b in read_entities.list_codebooks(session, project_id)]


def members(session: Session, project_id: int) -> list[Member]:
    return [Member(u.id, u.login, u.display_name, role) for u, role in read_entities.members(session, project_id)]


def project_groups(session: Session, project_id: int) -> list[str]:
    """The stakeholder groups the project defines (the choices for a case's group)."""
    return list(project_service.get_project(session, project_id).groups)


def user(session: Session, user_id: int | None) -> UserInfo | None:
    found = session.get(User, user_id) if user_id is not None else None
    return UserInfo(found.id, found.login, found.display_name, found.is_admin) if found else None
