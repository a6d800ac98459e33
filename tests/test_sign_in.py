"""Sign-in limits: a few free tries, a growing delay, then a temporary lock, per login and per
client; every attempt stored and audited, the failures too (they survive their own refusal)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from qualcode.db import unit_of_work
from qualcode.models import AuditEvent
from qualcode.security.tables import SignInAttempt
from qualcode.security.throttle import LIMITS, verdict
from qualcode.services import accounts

T0 = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


@pytest.fixture
def budi(engine):
    with unit_of_work(engine) as s:
        admin = accounts.create_account(s, "admin", "rahasia123", is_admin=True, actor_id=None)
        return accounts.create_account(s, "budi", "rahasia123", actor_id=admin.id).id


def attempts(engine, login: str) -> list[str]:
    with unit_of_work(engine) as s:
        return list(s.scalars(select(SignInAttempt.outcome).where(SignInAttempt.login == login)
                              .order_by(SignInAttempt.id)))


def test_policy_free_tries_then_doubling_delay_then_lock():
    fails = [at(i) for i in range(3)]
    assert verdict(fails[:2], at(2), lock_after=10).wait_seconds == 0
    assert verdict(fails, at(2), lock_after=10).wait_seconds == 1
    fails += [at(3), at(4)]
    assert verdict(fails, at(4), lock_after=10).wait_seconds == 4  # 2 ** (5 - 3)
    fails = [at(i) for i in range(10)]
    locked = verdict(fails, at(9), lock_after=10)
    assert locked.locked and locked.wait_seconds == LIMITS.lock_for.total_seconds()
    assert verdict(fails, at(9) + LIMITS.lock_for, lock_after=10).wait_seconds == 0
    assert verdict(fails, at(9) + LIMITS.window, lock_after=10).wait_seconds == 0  # forgotten


def test_wrong_passwords_slow_down_then_lock_the_login_even_for_the_right_password(engine, budi):
    for i in range(3):
        with pytest.raises(accounts.SignInFailed):
            accounts.sign_in(engine, "budi", f"salah-{i}", client="10.0.0.1", now=at(i))
    with pytest.raises(accounts.SignInLimited) as err:  # fourth try too soon: refused unchecked
        accounts.sign_in(engine, "budi", "rahasia123", client="10.0.0.1", now=at(2.5))
    assert err.value.key == "auth.wait" and "1 seconds" in err.value.message("en")
    assert "detik" in err.value.message("id")
    t = 4.0
    for i in range(7):  # each waits out its delay and fails again
        with unit_of_work(engine) as s:
            t += accounts.sign_in_verdict(s, "budi", "10.0.0.1", now=at(t)).wait_seconds
        with pytest.raises(accounts.SignInFailed):
            accounts.sign_in(engine, "budi", f"lagi-{i}", client="10.0.0.1", now=at(t))
    # Ten failures: locked, the right password included, from another client too.
    for client in ("10.0.0.1", "10.0.0.99"):
        with pytest.raises(accounts.SignInLimited) as err:
            accounts.sign_in(engine, "budi", "rahasia123", client=client, now=at(t + 60))
        assert err.value.key == "auth.locked" and "14 minutes" in err.value.message("en")
    # After the lock the right password works, and a success clears the count.
    assert accounts.sign_in(engine, "budi", "rahasia123", client="10.0.0.1", now=at(t + 16 * 60)) == budi
    with pytest.raises(accounts.SignInFailed):
        accounts.sign_in(engine, "budi", "salah", client="10.0.0.1", now=at(t + 16 * 60 + 1))
    outcomes = attempts(engine, "budi")
    assert outcomes.count("wrong") == 11 and outcomes.count("refused") == 3 and outcomes.count("ok") == 1


def test_one_client_trying_many_logins_is_limited_too(engine, budi):
    limit = LIMITS.lock_after * LIMITS.client_factor
    t = 0.0
    for i in range(limit):
        with unit_of_work(engine) as s:
            t += accounts.sign_in_verdict(s, f"orang{i}", "203.0.113.7", now=at(t)).wait_seconds
        with pytest.raises(accounts.SignInFailed):
            accounts.sign_in(engine, f"orang{i}", "tebakan", client="203.0.113.7", now=at(t))
    with pytest.raises(accounts.SignInLimited):  # budi's own password, but from that client
        accounts.sign_in(engine, "budi", "rahasia123", client="203.0.113.7", now=at(t + 1))
    assert accounts.sign_in(engine, "budi", "rahasia123", client="198.51.100.2", now=at(t + 1)) == budi


def test_failed_and_successful_sign_ins_are_in_the_audit_trail(engine, budi):
    with pytest.raises(accounts.SignInFailed):
        accounts.sign_in(engine, "Budi", "salah-sekali", client="10.0.0.5", now=at(0))
    with pytest.raises(accounts.SignInFailed):
        accounts.sign_in(engine, "tidak-ada", "apa-saja", client="10.0.0.5", now=at(1))
    assert accounts.sign_in(engine, "budi", "rahasia123", client="10.0.0.5", now=at(2)) == budi
    with unit_of_work(engine) as s:
        events = s.execute(select(AuditEvent.action, AuditEvent.entity_id, AuditEvent.user_id, AuditEvent.payload)
                           .where(AuditEvent.action.like("account.sign_in%")).order_by(AuditEvent.id)).all()
        assert s.scalar(select(func.count()).select_from(SignInAttempt)) == 3
    assert [(e.action, e.entity_id, e.user_id) for e in events] == [
        ("account.sign_in_failed", budi, None), ("account.sign_in_failed", None, None),
        ("account.sign_in", budi, budi)]
    assert [e.payload["after"]["login"] for e in events] == ["budi", "tidak-ada", "budi"]
    assert {e.payload["after"]["client"] for e in events} == {"10.0.0.5"}


def test_the_sign_in_page_says_when_signing_in_is_locked(sqlite_url, monkeypatch):
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    from qualcode.db import make_engine
    from qualcode.security.throttle import Limits

    engine = make_engine(sqlite_url)
    with unit_of_work(engine) as s:
        accounts.create_account(s, "admin", "rahasia123", is_admin=True, actor_id=None)
    monkeypatch.setenv("QUALCODE_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("QUALCODE_ACCOUNTS", "1")
    monkeypatch.setattr(accounts, "LIMITS", Limits(free_failures=2, lock_after=2))
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=60).run()

    def attempt(password: str) -> list[str]:
        at.text_input[0].input("admin")
        at.text_input[1].input(password)
        at.button[0].click().run()
        assert not at.exception
        return [e.value for e in at.error]

    assert attempt("salah-satu") == ["Nama login atau kata sandi salah."]
    assert attempt("salah-dua") == ["Nama login atau kata sandi salah."]
    locked = attempt("rahasia123")  # the right password, but the login is locked
    assert len(locked) == 1 and locked[0].startswith("Terlalu banyak percobaan masuk yang gagal")
    assert attempts(engine, "admin") == ["wrong", "wrong", "refused"]
