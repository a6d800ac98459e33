"""Who may do what in a project. Enforced here, in the service layer, whatever page or command
makes the call."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode.errors import NotFoundError, PermissionDenied
from qualcode.models import ProjectMember, User

# permission -> roles that hold it
PERMISSIONS: dict[str, frozenset[str]] = {
    "project.read": frozenset({"owner", "researcher", "supervisor"}),
    "project.manage": frozenset({"owner"}),
    "document.write": frozenset({"owner", "researcher"}),
    "codebook.write": frozenset({"owner", "researcher"}),
    "coding.write": frozenset({"owner", "researcher"}),
    "memo.write": frozenset({"owner", "researcher"}),
    "comment.write": frozenset({"owner", "researcher", "supervisor"}),
}


def role_of(session: Session, project_id: int, user_id: int) -> str | None:
    return session.scalar(
        select(ProjectMember.role).where(
            ProjectMember.project_id == project_id, ProjectMember.user_id == user_id
        )
    )


def require(session: Session, project_id: int, user_id: int | None, permission: str) -> User:
    """The acting user, if their role in the project grants ``permission``; else PermissionDenied."""
    if user_id is None:
        raise PermissionDenied("error.no_user")
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError("error.user_not_found", user_id=user_id)
    if user.is_admin and permission == "project.manage":
        return user  # an administrator manages every project's members
    role = role_of(session, project_id, user_id)
    if role is None:
        raise PermissionDenied("error.not_member", user=user.display_name)
    if role not in PERMISSIONS[permission]:
        raise PermissionDenied("error.role_forbids", user=user.display_name, role=role, action=permission)
    return user


def coding_rights(role: str | None, user_id: int | None, coder_id: int, *, coder_is_member: bool = True) -> tuple[bool, bool]:
    """Whether a member with ``role`` may (resize, remove) a coding made by ``coder_id``. A coding is
    its coder's judgement, and agreement compares each coder's own spans: only its coder moves its
    boundaries; its coder removes it, and so may the project's owner (audited). A coding whose coder
    is not a member of the project (a coder a ``.qdpx`` import brought, who has no way to sign in to
    it) would be resized by nobody: the owner may resize that one. Both need ``coding.write``."""
    if user_id is None or role not in PERMISSIONS["coding.write"]:
        return False, False
    own = user_id == coder_id
    return own or (role == "owner" and not coder_is_member), own or role == "owner"


def require_own_coding(session: Session, project_id: int, actor_id: int | None, coder_id: int, *,
                       removing: bool = False) -> User:
    """The acting user, if :func:`coding_rights` lets them resize (or, with ``removing``, remove) a
    coding made by ``coder_id``; else PermissionDenied naming the coder."""
    user = require(session, project_id, actor_id, "coding.write")
    may_resize, may_remove = coding_rights(role_of(session, project_id, user.id), user.id, coder_id,
                                           coder_is_member=role_of(session, project_id, coder_id) is not None)
    if may_remove if removing else may_resize:
        return user
    coder = session.get(User, coder_id)
    raise PermissionDenied("error.not_your_coding", user=user.display_name,
                           coder=coder.display_name if coder else coder_id)


def memo_rights(role: str | None, user_id: int | None, author_id: int, *, author_is_member: bool = True) -> tuple[bool, bool]:
    """Whether a member with ``role`` may (edit, delete) a memo written by ``author_id``. A memo is
    its author's voice: only its author edits it; its author deletes it, and so may the project's
    owner. A memo whose author is not a member of the project (a coder a ``.qdpx`` import brought,
    who has no way to sign in to it) would be edited by nobody: the owner may edit that one. Both
    need ``memo.write`` (a supervisor comments instead)."""
    if user_id is None or role not in PERMISSIONS["memo.write"]:
        return False, False
    own = user_id == author_id
    return own or (role == "owner" and not author_is_member), own or role == "owner"


def require_own_memo(session: Session, project_id: int, actor_id: int | None, author_id: int, *,
                     deleting: bool = False) -> User:
    """The acting user, if :func:`memo_rights` lets them edit (or, with ``deleting``, delete) a memo
    written by ``author_id``; else PermissionDenied naming the author."""
    user = require(session, project_id, actor_id, "memo.write")
    may_edit, may_delete = memo_rights(role_of(session, project_id, user.id), user.id, author_id,
                                       author_is_member=role_of(session, project_id, author_id) is not None)
    if may_delete if deleting else may_edit:
        return user
    author = session.get(User, author_id)
    raise PermissionDenied("error.not_your_memo_delete" if deleting else "error.not_your_memo_edit",
                           user=user.display_name, author=author.display_name if author else author_id)
