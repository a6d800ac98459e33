"""Sign-ins that survive a reload: handoff, signed cookie, idle and absolute expiry, sign-out."""

import datetime as dt

from sqlalchemy import update

from qualcode.review.tables import SignInSession
from qualcode.services import sign_in_sessions as sessions
from tests import factories

KEY = b"test-key"


def signed_in_cookie(session, user_id):
    session_id, code = sessions.start_session(session, user_id, days=14)
    assert sessions.handoff_pending(session, session_id)
    cookie, max_age = sessions.redeem_handoff(session, code, KEY)
    assert 14 * 86400 - 5 <= max_age <= 14 * 86400
    assert sessions.redeem_handoff(session, code, KEY) is None, "a handoff code works once"
    assert not sessions.handoff_pending(session, session_id)
    return cookie


def test_cookie_resumes_until_sign_out(session):
    user = factories.owner(session)
    cookie = signed_in_cookie(session, user.id)
    session_id, user_id = sessions.resume(session, cookie, KEY, idle_minutes=30)
    assert user_id == user.id
    row = session.get(SignInSession, session_id)
    assert row.token_hash not in cookie and row.handoff_hash is None, "only hashes are stored"
    sessions.revoke(session, session_id)
    assert sessions.resume(session, cookie, KEY, idle_minutes=30) is None


def test_forged_stale_or_idle_cookies_sign_nobody_in(session):
    user = factories.owner(session)
    cookie = signed_in_cookie(session, user.id)
    token, signature = cookie.rsplit(".", 1)
    assert sessions.resume(session, f"{token}.{'0' * len(signature)}", KEY, idle_minutes=30) is None
    assert sessions.resume(session, cookie, b"other-key", idle_minutes=30) is None
    assert sessions.resume(session, "", KEY, idle_minutes=30) is None
    assert sessions.resume(session, "no-dot", KEY, idle_minutes=30) is None
    session.execute(update(SignInSession).values(last_seen_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=31)))
    assert sessions.resume(session, cookie, KEY, idle_minutes=30) is None, "idle too long"
    fresh = signed_in_cookie(session, user.id)
    session.execute(update(SignInSession).where(SignInSession.revoked_at.is_(None))
                    .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
    assert sessions.resume(session, fresh, KEY, idle_minutes=30) is None, "past its expiry"


def test_stale_handoff_and_revoke_by_cookie(session):
    user = factories.owner(session)
    _, code = sessions.start_session(session, user.id)
    session.execute(update(SignInSession).values(handoff_expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
    assert sessions.redeem_handoff(session, code, KEY) is None
    cookie = signed_in_cookie(session, user.id)
    sessions.revoke_cookie(session, cookie, KEY)
    assert sessions.resume(session, cookie, KEY, idle_minutes=30) is None


def test_secret_key_is_made_once_and_private(tmp_path, monkeypatch):
    monkeypatch.delenv("QUALCODE_SECRET_KEY", raising=False)
    first = sessions.secret_key(tmp_path)
    assert first == sessions.secret_key(tmp_path) and len(first) >= 48
    assert (tmp_path / "session.key").stat().st_mode & 0o077 == 0
    monkeypatch.setenv("QUALCODE_SECRET_KEY", "from-the-environment")
    assert sessions.secret_key(tmp_path) == b"from-the-environment"


def test_single_sign_on_identity_maps_to_an_existing_account(session):
    user = factories.owner(session, "dosen.a")
    assert sessions.user_for_identity(session, {"preferred_username": "Dosen.A"}).id == user.id
    assert sessions.user_for_identity(session, {"email": "dosen.a@kampus.ac.id"}, "kampus.ac.id").id == user.id
    assert sessions.user_for_identity(session, {"email": "dosen.a@lain.example"}, "kampus.ac.id") is None
    assert sessions.user_for_identity(session, {"email": "dosen.a@kampus.ac.id"}) is None, "no domain, no e-mail match"
    assert sessions.user_for_identity(session, {"preferred_username": "orang.lain"}) is None
