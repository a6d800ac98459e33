"""Projects, users and project membership."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from qualcode import limits
from qualcode.errors import ConflictError, NotFoundError, ValidationError
from qualcode.frameworks import shipped_framework
from qualcode.models import ROLES, STAKEHOLDER_GROUPS, Project, ProjectMember, User
from qualcode.services import audit
from qualcode.services import codebooks as codebook_service
from qualcode.services.auth import require
from qualcode.services.base import load

LOGIN_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")


def get_project(session: Session, project_id: int) -> Project:
    return load(session, Project, project_id)


def find_project(session: Session, name: str) -> Project:
    project = session.scalar(select(Project).where(Project.name == name))
    if project is None:
        raise NotFoundError("error.project_not_found", project=name)
    return project


def _checked_name(session: Session, name: str, project_id: int | None = None) -> str:
    """A project name as stored (trimmed), refused when empty, too long for its column, or taken by
    another project in any letter case ("CLI test" and "cli TEST" would be told apart by nobody)."""
    name = name.strip()
    if not name:
        raise ValidationError("error.project_name_empty")
    if len(name) > limits.MAX_PROJECT_NAME_CHARS:
        raise ValidationError("error.project_name_too_long", limit=limits.MAX_PROJECT_NAME_CHARS, length=len(name))
    clash = session.scalar(select(Project.name).where(func.lower(Project.name) == name.lower(),
                                                      Project.id != (project_id or 0)))
    if clash is not None:
        raise ConflictError("error.project_exists", project=clash)
    return name


def create_project(session: Session, name: str, *, owner_id: int, description: str = "") -> Project:
    name = _checked_name(session, name)
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


def clean_groups(groups: Sequence[str]) -> list[str]:
    """Stakeholder group names as a project stores them: trimmed, no blanks, each once (first
    spelling kept, compared without case), at most 80 characters each."""
    seen: set[str] = set()
    cleaned: list[str] = []
    for group in groups:
        name = " ".join(group.split())
        if not name:
            continue
        if len(name) > 80:
            raise ValidationError("error.group_too_long", group=name[:40] + "…")
        if name.casefold() not in seen:
            seen.add(name.casefold())
            cleaned.append(name)
    return cleaned


def create_study(session: Session, name: str, *, owner_id: int, description: str = "",
                 frameworks: Sequence[str] = (), groups: Sequence[str] | None = None) -> Project:
    """A new project with the shipped frameworks applied and its own stakeholder groups, in the
    caller's one transaction: if any part is refused, nothing of the study is stored.

    ``groups`` empty or ``None`` (or the standard list itself) keeps the standard penta-helix list.
    """
    project = create_project(session, name, owner_id=owner_id, description=description)
    chosen = clean_groups(groups or [])
    if chosen and chosen != list(STAKEHOLDER_GROUPS):
        set_stakeholder_groups(session, project.id, chosen, actor_id=owner_id)
    for framework_id in dict.fromkeys(frameworks):
        codebook_service.apply_codebook(session, project.id, shipped_framework(framework_id), actor_id=owner_id)
    session.flush()
    return project


def set_stakeholder_groups(session: Session, project_id: int, groups: Sequence[str], *, actor_id: int) -> Project:
    """Replace the project's list of stakeholder groups (an empty list restores the standard one).
    Documents keep the group they carry; the list is what forms and displays offer."""
    require(session, project_id, actor_id, "project.manage")
    project = get_project(session, project_id)
    before = project.groups
    chosen = clean_groups(groups)
    project.stakeholder_groups = chosen or None
    audit.record(
        session,
        action="project.groups",
        entity_type="project",
        entity_id=project.id,
        project_id=project.id,
        user_id=actor_id,
        before={"groups": before},
        after={"groups": project.groups},
    )
    session.flush()
    return project


def rename_project(session: Session, project_id: int, name: str, *, actor_id: int) -> Project:
    require(session, project_id, actor_id, "project.manage")
    project = get_project(session, project_id)
    name = _checked_name(session, name, project_id)
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


def delete_project(session: Session, project_id: int, *, actor_id: int, confirm_name: str) -> str:
    """Delete a project with everything in it (documents, codebooks, codings, memos, analysis,
    reviews, its own audit trail), for its owner or an administrator, once they have typed its name
    (``confirm_name``, compared trimmed). The deletion itself is recorded in the audit trail outside
    any project, with what the project held. Returns the deleted project's name."""
    require(session, project_id, actor_id, "project.manage")
    project = get_project(session, project_id)
    if confirm_name.strip() != project.name:
        raise ValidationError("error.project_delete_name", project=project.name)
    held = project_contents(session, project_id)
    name = project.name
    session.execute(delete(Project).where(Project.id == project_id))  # the database cascades to the rest
    audit.record(session, action="project.delete", entity_type="project", entity_id=project_id, project_id=None,
                  user_id=actor_id, before={"name": name, **held})
    session.flush()
    return name


def project_contents(session: Session, project_id: int) -> dict[str, int]:
    """What a project holds, counted, for the question before it is deleted."""
    from qualcode.models import Code, Coding, Document, Memo, Segment

    def count(model: type, *where: object) -> int:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)  # type: ignore[arg-type]

    return {
        "documents": count(Document, Document.project_id == project_id),
        "codes": count(Code, Code.project_id == project_id),
        "codings": int(session.scalar(select(func.count(Coding.id)).join(Segment, Coding.segment_id == Segment.id)
                                      .join(Document, Segment.document_id == Document.id)
                                      .where(Document.project_id == project_id)) or 0),
        "memos": count(Memo, Memo.project_id == project_id),
    }


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


def set_member(session: Session, project_id: int, user_id: int, role: str, *, actor_id: int) -> ProjectMember:
    """Give ``user_id`` a role in the project. Only an owner (or an administrator) may, except for
    the first member of a project that has none, whom anyone may add (bootstrap: the actor is
    usually the new member)."""
    if role not in ROLES:
        raise ValidationError("error.role_invalid", role=role, roles=", ".join(ROLES))
    has_members = session.scalar(
        select(func.count()).select_from(ProjectMember).where(ProjectMember.project_id == project_id)
    )
    if has_members:
        require(session, project_id, actor_id, "project.manage")
    get_project(session, project_id)
    load(session, User, user_id)
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


# Reads live in qualcode.read.entities; this name stays for services/exchange.py until it imports from there.
from qualcode.read.entities import members  # noqa: E402, F401
