"""Staying signed in on a team server (``streamlit run qualcode/ui/serve.py``): the sign-in sets an
HTTP-only, same-site cookie; a reload and a browser restart keep the user signed in; signing out
ends it for good."""

import pytest

from qualcode.db import make_engine, unit_of_work
from qualcode.demo import load_demo
from qualcode.services import accounts, projects
from tests.browser.conftest import running_server, wait_for_app

pytestmark = pytest.mark.browser
PASSWORD = "rahasia-sekali"
COOKIE = "qualcode_session"


@pytest.fixture
def served(sqlite_url, tmp_path):
    engine = make_engine(sqlite_url)
    with unit_of_work(engine) as session:
        load_demo(session)
        projects.get_user_by_login(session, "peneliti")
        accounts.create_account(session, "peneliti", PASSWORD, is_admin=True, actor_id=None)
    engine.dispose()
    with running_server(sqlite_url, tmp_path / "streamlit.log", "qualcode/ui/serve.py", QUALCODE_ACCOUNTS="1",
                        QUALCODE_DATA_DIR=str(tmp_path), QUALCODE_SECRET_KEY="kunci-uji-yang-panjang") as server:
        yield server


def signed_in(page) -> None:  # type: ignore[no-untyped-def]
    wait_for_app(page, "Proyek")
    page.get_by_text("Masuk sebagai").first.wait_for()


def test_sign_in_survives_reload_and_restart_until_sign_out(served, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(served.url)
    wait_for_app(page, "Masuk ke qualcode")
    page.get_by_label("Nama login").fill("peneliti")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    with page.expect_response(lambda r: r.url.endswith("/qualcode/session") and r.status == 204):
        page.get_by_role("button", name="Masuk").click()
    signed_in(page)
    (cookie,) = [c for c in context.cookies() if c["name"] == COOKIE]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["expires"] > 0
    assert COOKIE not in page.evaluate("document.cookie"), "scripts cannot read the session cookie"

    page.reload()
    signed_in(page)

    # A browser restart: a new browser context with the cookies the old one kept on disk.
    kept = context.storage_state()
    context.close()
    restarted = browser.new_context(viewport={"width": 1400, "height": 1000}, storage_state=kept)
    again = restarted.new_page()
    again.set_default_timeout(30_000)
    again.goto(served.url)
    signed_in(again)

    again.get_by_role("button", name="Keluar").click()
    wait_for_app(again, "Masuk ke qualcode")
    again.reload()
    wait_for_app(again, "Masuk ke qualcode")
    again.get_by_label("Nama login").wait_for(state="visible")  # a revoked cookie signs nobody in
    assert again.get_by_role("button", name="Keluar").count() == 0, "a revoked cookie signs nobody in"
    restarted.close()


def test_a_forged_cookie_is_refused(served, browser):
    context = browser.new_context()
    context.add_cookies([{"name": COOKIE, "value": "abc.0123", "url": served.url}])
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(served.url)
    wait_for_app(page, "Masuk ke qualcode")
    context.close()
