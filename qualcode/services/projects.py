"""Projects, users and project membership."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualcode.errors import ConflictError, NotFoundError, ValidationError
from qualcode.models import ROLES, Project, ProjectMember, User
from qualcode.services import audit
from qualcode.services.auth import require

LOGIN_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")


def get_project(session: Session, project_id: int) -> Project:
    project = session.get(Project, project_id)
    if project is None:
        raise NotFoundError("error.project_not_found", project=project_id)
    return project


def find_project(session: Session, name: str) -> Project:
    project = session.scalar(select(Project).where(Project.name == name))
    if project is None:
        raise NotFoundError("error.project_not_found", project=name)
    return project


def list_projects(session: Session) -> list[Project]:
    return list(session.scalars(select(Project).order_by(func.lower(Project.name))))


def create_project(session: Session, name: str, *, owner_id: int, description: str = "") -> Project:
    name = name.strip()
    if not name:
        raise ValidationError("error.project_name_empty")
    if session.scalar(select(Project.id).where(Project.name == name)) is not None:
        raise ConflictError("error.project_exists", project=name)
    owner = session.get(User, owner_id)
    if owner is None:
        raise NotFoundError("error.user_not_found", user_id=owner_id)
    project = Project(name=name, description=description.strip())
    session.add(project)
    session.flush()
    session.add(ProjectMember(project_id=project.id, user_id=owner.id, role="owner"))
    audit.record(
        session,
        action="project.create",
        entity_type="project",
        entity_id=project.id,
        project_id=project.id,
        user_id=owner.id,
        after={"name": name, "description": project.description},
    )
    session.flush()
    return project


def rename_project(session: Session, project_id: int, name: str, *, actor_id: int) -> Project:
    require(session, project_id, actor_id, "project.manage")
    project = get_project(session, project_id)
    name = name.strip()
    if not name:
        raise ValidationError("error.project_name_empty")
    clash = session.scalar(select(Project.id).where(Project.name == name, Project.id != project_id))
    if clash is not None:
        raise ConflictError("error.project_exists", project=name)
    before = project.name
    project.name = name
    audit.record(
        session,
        action="project.rename",
        entity_type="project",
        entity_id=project.id,
        project_id=project.id,
        user_id=actor_id,
        before={"name": before},
        after={"name": name},
    )
    return project


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(func.lower(User.display_name))))


def get_user_by_login(session: Session, login: str) -> User | None:
    return session.scalar(select(User).where(User.login == login.strip().lower()))


def create_user(session: Session, login: str, display_name: str = "", *, is_admin: bool = False) -> User:
    login = login.strip().lower()
    if not LOGIN_RE.match(login):
        raise ValidationError("error.login_invalid", login=login)
    if get_user_by_login(session, login) is not None:
        raise ConflictError("error.user_exists", login=login)
    user = User(login=login, display_name=display_name.strip() or login, is_admin=is_admin)
    session.add(user)
    session.flush()
    audit.record(
        session,
        action="user.create",
        entity_type="user",
        entity_id=user.id,
        project_id=None,
        user_id=user.id,
        after={"login": login, "display_name": user.display_name},
    )
    return user


def ensure_user(session: Session, login: str, display_name: str = "") -> User:
    """The user with ``login``, created if missing (single-user mode and the demo use this)."""
    return get_user_by_login(session, login) or create_user(session, login, display_name)


def set_member(session: Session, project_id: int, user_id: int, role: str, *, actor_id: int | None) -> ProjectMember:
    """Give ``user_id`` a role in the project. The first member needs no actor (bootstrap)."""
    if role not in ROLES:
        raise ValidationError("error.role_invalid", role=role, roles=", ".join(ROLES))
    has_members = session.scalar(
        select(func.count()).select_from(ProjectMember).where(ProjectMember.project_id == project_id)
    )
    if has_members:
        require(session, project_id, actor_id, "project.manage")
    get_project(session, project_id)
    if session.get(User, user_id) is None:
        raise NotFoundError("error.user_not_found", user_id=user_id)
    member = session.get(ProjectMember, (project_id, user_id))
    before = member.role if member else None
    if member is None:
        member = ProjectMember(project_id=project_id, user_id=user_id, role=role)
        session.add(member)
    else:
        member.role = role
    audit.record(
        session,
        action="member.set",
        entity_type="user",
        entity_id=user_id,
        project_id=project_id,
        user_id=actor_id,
        before={"role": before},
        after={"role": role},
    )
    session.flush()
    return member


def members(session: Session, project_id: int) -> list[tuple[User, str]]:
    rows = session.execute(
        select(User, ProjectMember.role)
        .join(ProjectMember, ProjectMember.user_id == User.id)
        .where(ProjectMember.project_id == project_id)
        .order_by(func.lower(User.display_name))
    )
    return [(user, role) for user, role in rows]


def project_owner(session: Session, project_id: int) -> User | None:
    """The project's (first) owner: the actor for commands run on its behalf."""
    return next((user for user, role in members(session, project_id) if role == "owner"), None)
