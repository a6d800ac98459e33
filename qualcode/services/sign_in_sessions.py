"""Sign-ins that survive a reload and a browser restart, on a team server (accounts on).

After a successful sign-in the app asks for a one-time *handoff* code (:func:`start_session`);
the browser posts it to qualcode's own route, which exchanges it (:func:`redeem_handoff`) for a
random token and answers with an HTTP-only, same-site cookie carrying ``token.signature``. On
a reload the app reads that cookie (:func:`resume`): a bad signature, an unknown, revoked or
expired session, or one idle longer than ``QUALCODE_SESSION_MINUTES`` signs nobody in. Only the
SHA-256 of tokens and codes is stored; the signature is an HMAC with the server's secret key
(``QUALCODE_SECRET_KEY``, or a random key kept in ``<data dir>/session.key``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from qualcode.models import User, utcnow
from qualcode.review.tables import SignInSession

COOKIE = "qualcode_session"
HANDOFF_SECONDS = 120
TOUCH_SECONDS = 60
DEFAULT_DAYS = 14


def secret_key(data_dir: Path) -> bytes:
    """The key that signs cookies: ``QUALCODE_SECRET_KEY`` or a random key made once and kept
    (readable by the owner only) in the data directory."""
    configured = os.environ.get("QUALCODE_SECRET_KEY", "").strip()
    if configured:
        return configured.encode()
    path = Path(data_dir) / "session.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip().encode()


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _sign(token: str, key: bytes) -> str:
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def start_session(session: Session, user_id: int, *, days: int = DEFAULT_DAYS) -> tuple[int, str]:
    """A new sign-in session for ``user_id``: its id and one-time handoff code (valid two minutes)."""
    code = secrets.token_urlsafe(32)
    now = utcnow()
    row = SignInSession(user_id=user_id, handoff_hash=_hash(code),
                        handoff_expires_at=now + dt.timedelta(seconds=HANDOFF_SECONDS), created_at=now,
                        last_seen_at=now, expires_at=now + dt.timedelta(days=days))
    session.add(row)
    session.flush()
    return row.id, code


def redeem_handoff(session: Session, code: str, key: bytes) -> tuple[str, int] | None:
    """Exchange a handoff code, once, for the cookie value and its max-age in seconds; None when
    the code is unknown, used or stale."""
    if not code:
        return None
    row = session.scalar(select(SignInSession).where(SignInSession.handoff_hash == _hash(code)))
    now = utcnow()
    if row is None or row.revoked_at is not None or row.handoff_expires_at is None \
            or _aware(row.handoff_expires_at) < now:
        return None
    token = secrets.token_urlsafe(32)
    row.token_hash = _hash(token)
    row.handoff_hash = None
    row.handoff_expires_at = None
    row.last_seen_at = now
    session.flush()
    return f"{token}.{_sign(token, key)}", int((_aware(row.expires_at) - now).total_seconds())


def handoff_pending(session: Session, session_id: int) -> bool:
    """True while the session's handoff code is still waiting to be exchanged for the cookie."""
    row = session.get(SignInSession, session_id)
    return bool(row is not None and row.handoff_hash is not None and row.revoked_at is None
                and row.handoff_expires_at is not None and _aware(row.handoff_expires_at) >= utcnow())


def _row(session: Session, cookie: str | None, key: bytes) -> SignInSession | None:
    if not cookie or "." not in cookie:
        return None
    token, signature = cookie.rsplit(".", 1)
    if not hmac.compare_digest(signature, _sign(token, key)):
        return None
    return session.scalar(select(SignInSession).where(SignInSession.token_hash == _hash(token)))


def resume(session: Session, cookie: str | None, key: bytes, *, idle_minutes: int) -> tuple[int, int] | None:
    """The (session id, user id) a cookie signs in, marking it active; None (and the session
    revoked, when it merely idled or expired) otherwise."""
    row = _row(session, cookie, key)
    if row is None or row.revoked_at is not None:
        return None
    now = utcnow()
    if _aware(row.expires_at) < now or now - _aware(row.last_seen_at) > dt.timedelta(minutes=idle_minutes):
        row.revoked_at = now
        session.flush()
        return None
    user = session.get(User, row.user_id)
    if user is None:
        return None
    row.last_seen_at = now
    session.flush()
    return row.id, row.user_id


def touch(session: Session, session_id: int) -> None:
    """Mark a session active now (the app calls this at most once a minute)."""
    session.execute(update(SignInSession).where(SignInSession.id == session_id, SignInSession.revoked_at.is_(None))
                    .values(last_seen_at=utcnow()))


def revoke(session: Session, session_id: int) -> None:
    """Sign out: the session's cookie signs nobody in any more."""
    session.execute(update(SignInSession).where(SignInSession.id == session_id, SignInSession.revoked_at.is_(None))
                    .values(revoked_at=utcnow()))


def revoke_cookie(session: Session, cookie: str | None, key: bytes) -> None:
    row = _row(session, cookie, key)
    if row is not None:
        revoke(session, row.id)


def user_for_identity(session: Session, claims: Mapping[str, object], email_domain: str = "") -> User | None:
    """The qualcode account a single sign-on identity (OpenID Connect claims) belongs to: the
    account whose login is the identity's ``preferred_username`` or, when ``email_domain`` is
    set (``QUALCODE_SSO_EMAIL_DOMAIN``), the part before the @ of an e-mail address in that
    domain. Nobody is created here: an administrator makes the account first, with that login."""
    candidates = [str(claims.get("preferred_username") or "").strip().lower()]
    email = str(claims.get("email") or "").strip().lower()
    if email_domain and email.endswith("@" + email_domain.strip().lower()):
        candidates.append(email.split("@", 1)[0])
    for login in candidates:
        if login:
            user = session.scalar(select(User).where(User.login == login))
            if user is not None:
                return user
    return None
