"""Local accounts for a shared server: argon2 password hashes (argon2-cffi), sign-in, and user
administration by an admin. Single-user mode (accounts off) needs none of this."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualcode.errors import NotFoundError, PermissionDenied, ValidationError
from qualcode.models import User
from qualcode.services import audit
from qualcode.services.projects import create_user, get_user_by_login

MIN_PASSWORD = 8
_hasher = PasswordHasher()


class SignInFailed(PermissionDenied):
    """Wrong login name or password (the message does not say which)."""


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationError("auth.password_short", minimum=MIN_PASSWORD)


def require_admin(session: Session, actor_id: int | None) -> User:
    actor = session.get(User, actor_id) if actor_id is not None else None
    if actor is None or not actor.is_admin:
        raise PermissionDenied("auth.admin_only")
    return actor


def admins_exist(session: Session) -> bool:
    return bool(session.scalar(select(func.count()).select_from(User).where(User.is_admin.is_(True))))


def create_account(session: Session, login: str, password: str, *, display_name: str = "", is_admin: bool = False,
                   actor_id: int | None) -> User:
    """A new account. The very first admin can be created without an actor (bootstrap, CLI)."""
    if admins_exist(session):
        require_admin(session, actor_id)
    elif not is_admin:
        raise ValidationError("auth.first_must_be_admin")
    _check_password(password)
    user = get_user_by_login(session, login)
    if user is None:
        user = create_user(session, login, display_name, is_admin=is_admin)
    else:
        user.is_admin = user.is_admin or is_admin
    user.password_hash = _hasher.hash(password)
    audit.record(session, action="account.create", entity_type="user", entity_id=user.id, project_id=None,
                 user_id=actor_id or user.id, after={"login": user.login, "is_admin": user.is_admin})
    session.flush()
    return user


def set_password(session: Session, user_id: int, password: str, *, actor_id: int) -> None:
    """A user changes their own password; an admin may reset anyone's."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError("error.user_not_found", user_id=user_id)
    if actor_id != user_id:
        require_admin(session, actor_id)
    _check_password(password)
    user.password_hash = _hasher.hash(password)
    audit.record(session, action="account.password", entity_type="user", entity_id=user.id, project_id=None,
                 user_id=actor_id, after={"login": user.login})


def authenticate(session: Session, login: str, password: str) -> User:
    user = get_user_by_login(session, login)
    if user is None or not user.password_hash:
        _hasher.hash("timing equaliser")  # same cost whether or not the login exists
        raise SignInFailed("auth.bad_credentials")
    try:
        _hasher.verify(user.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        raise SignInFailed("auth.bad_credentials")
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    audit.record(session, action="account.sign_in", entity_type="user", entity_id=user.id, project_id=None,
                 user_id=user.id)
    return user
