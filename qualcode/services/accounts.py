"""Local accounts for a shared server: argon2 password hashes (argon2-cffi), sign-in, and user
administration by an admin. Single-user mode (accounts off) needs none of this."""

from __future__ import annotations

import datetime as dt
import math

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from qualcode.db import unit_of_work
from qualcode.errors import NotFoundError, PermissionDenied, ValidationError
from qualcode.models import User, utcnow
from qualcode.security.tables import SignInAttempt
from qualcode.security.throttle import LIMITS, Limits, Verdict, verdict
from qualcode.services import audit
from qualcode.services.projects import create_user, get_user_by_login

MIN_PASSWORD = 8
_hasher = PasswordHasher()


class SignInFailed(PermissionDenied):
    """Wrong login name or password (the message does not say which)."""


class SignInLimited(PermissionDenied):
    """Too many failed sign-ins for this login or from this client: wait, or locked for a while."""


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
    """The user whose password this is, without limits (``sign_in`` is the limited, audited way in)."""
    user = _verified(session, login, password)
    if user is None:
        raise SignInFailed("auth.bad_credentials")
    return user

def _failures(session: Session, column, value: str, now: dt.datetime, limits: Limits) -> list[dt.datetime]:  # type: ignore[no-untyped-def]
    """Times of the wrong attempts (``column == value``) in the window since the last success."""
    since = now - limits.window
    last_ok = session.scalar(select(func.max(SignInAttempt.at)).where(
        column == value, SignInAttempt.outcome == "ok", SignInAttempt.at > since))
    if last_ok is not None:
        since = max(since, _aware(last_ok))
    return [_aware(t) for t in session.scalars(select(SignInAttempt.at).where(
        column == value, SignInAttempt.outcome == "wrong", SignInAttempt.at > since))]


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)  # SQLite returns naive UTC


def sign_in_verdict(session: Session, login: str, client: str, *, now: dt.datetime | None = None,
                    limits: Limits = LIMITS) -> Verdict:
    """The longer of the waits for this login and for this client."""
    now = now or utcnow()
    by_login = verdict(_failures(session, SignInAttempt.login, _key(login), now, limits), now,
                       lock_after=limits.lock_after, limits=limits)
    by_client = verdict(_failures(session, SignInAttempt.client, client, now, limits), now,
                        lock_after=limits.lock_after * limits.client_factor, limits=limits)
    return max(by_login, by_client, key=lambda v: (v.wait_seconds, v.locked))


def _key(login: str) -> str:
    return login.strip().lower()[:200]


def _record(session: Session, login: str, client: str, outcome: str, now: dt.datetime, user: User | None) -> None:
    session.add(SignInAttempt(login=_key(login), client=client[:100], outcome=outcome, at=now))
    action = "account.sign_in" if outcome == "ok" else "account.sign_in_failed"
    audit.record(session, action=action, entity_type="user", entity_id=user.id if user else None, project_id=None,
                 user_id=user.id if user and outcome == "ok" else None,
                 after={"login": _key(login), "client": client[:100], "outcome": outcome})


def sign_in(engine: Engine, login: str, password: str, *, client: str = "local", now: dt.datetime | None = None,
            limits: Limits | None = None) -> int:
    """Check a password within the limits and return the user's id.

    Every attempt is stored and audited, the failed ones in a transaction of their own (the
    refusal must not roll its own record back). While a login or a client is limited, the
    attempt is refused without checking the password, saying how long to wait.
    """
    now, limits = now or utcnow(), limits or LIMITS
    outcome, user_id = "wrong", None
    with unit_of_work(engine) as session:
        wait = sign_in_verdict(session, login, client, now=now, limits=limits)
        if wait.wait_seconds:
            outcome = "refused"
        else:
            user = _verified(session, login, password)
            if user is not None:
                _record(session, login, client, "ok", now, user)
                user_id = user.id
    if user_id is not None:
        return user_id
    with unit_of_work(engine) as session:
        _record(session, login, client, outcome, now, get_user_by_login(session, _key(login)))
    if outcome == "refused":
        if wait.locked:
            raise SignInLimited("auth.locked", minutes=math.ceil(wait.wait_seconds / 60))
        raise SignInLimited("auth.wait", seconds=wait.wait_seconds)
    raise SignInFailed("auth.bad_credentials")


def _verified(session: Session, login: str, password: str) -> User | None:
    user = get_user_by_login(session, login)
    if user is None or not user.password_hash:
        _hasher.hash("timing equaliser")  # same cost whether or not the login exists
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user
