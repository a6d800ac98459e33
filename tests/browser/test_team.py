"""A team server in two browsers: accounts on, a researcher and a supervisor sign in; the
researcher codes, the supervisor sees it, comments, is refused when trying to code, and reads the
agreement between the demo's two coders."""

import re

import pytest
from sqlalchemy import select

from qualcode.db import make_engine, read_session, unit_of_work
from qualcode.demo import load_demo
from qualcode.models import Coding
from qualcode.review.tables import Comment
from qualcode.services import accounts, projects
from tests.browser.conftest import choose_option, running_server, screenshot, wait_for_app
from tests.browser.test_coding import DOC_TITLE, SENTENCE, click_code, code_id, drag_select, open_document, settled

pytestmark = pytest.mark.browser
PASSWORD = "rahasia-sekali"


@pytest.fixture
def team_server(sqlite_url, tmp_path):
    engine = make_engine(sqlite_url)
    with unit_of_work(engine) as session:
        report = load_demo(session)
        owner = projects.get_user_by_login(session, "peneliti")
        accounts.create_account(session, "peneliti", PASSWORD, is_admin=True, actor_id=None)
        sup = accounts.create_account(session, "pembimbing", PASSWORD, display_name="Bu Pembimbing", actor_id=owner.id)
        projects.set_member(session, report.project_id, sup.id, "supervisor", actor_id=owner.id)
    engine.dispose()
    with running_server(sqlite_url, tmp_path / "streamlit.log", QUALCODE_ACCOUNTS="1") as server:
        yield server


def sign_in(page, url, login):  # type: ignore[no-untyped-def]
    page.goto(url)
    wait_for_app(page, "Masuk ke qualcode")
    page.get_by_label("Nama login").fill(login)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    wait_for_app(page, "Proyek")
    page.get_by_text("Masuk sebagai").first.wait_for()


def go(page, title):  # type: ignore[no-untyped-def]
    """Navigate inside the app (a fresh page load is a new browser session, which signs out)."""
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=title).click()
    wait_for_app(page, title)


def test_researcher_and_supervisor(team_server, browser):
    researcher = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    supervisor = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    for page in (researcher, supervisor):
        page.set_default_timeout(30_000)

    # A wrong password is refused with a clear message.
    supervisor.goto(team_server.url)
    wait_for_app(supervisor, "Masuk ke qualcode")
    supervisor.get_by_label("Nama login").fill("pembimbing")
    supervisor.get_by_label("Kata sandi").fill("salah")
    supervisor.get_by_role("button", name="Masuk").click()
    supervisor.get_by_text("Nama login atau kata sandi salah.").wait_for()

    sign_in(researcher, team_server.url, "peneliti")
    sign_in(supervisor, team_server.url, "pembimbing")

    go(researcher, "Pengodean")
    open_document(researcher, team_server.url, DOC_TITLE, navigate=False)
    drag_select(researcher, SENTENCE)
    settled(researcher, click_code(researcher, code_id(team_server.database_url, "trust_building")))
    researcher.locator(".qc-c.qc-coded", has_text="masukannya dibawa").first.wait_for()
    screenshot(researcher, "team_researcher_coded")

    go(supervisor, "Pengodean")
    open_document(supervisor, team_server.url, DOC_TITLE, navigate=False)  # everyone's codings show by default
    supervisor.locator(".qc-c.qc-coded", has_text="masukannya dibawa").first.wait_for()
    screenshot(supervisor, "team_supervisor_sees")

    # The supervisor cannot code: the service refuses whatever the page shows, and the paint goes back.
    drag_select(supervisor, "Pernah saya tanya di grup")
    settled(supervisor, click_code(supervisor, code_id(team_server.database_url, "capacity")))
    notice = supervisor.get_by_test_id("qc-notice")
    assert re.search("pembimbing", notice.inner_text()), notice.inner_text()
    assert supervisor.locator(".qc-pending").count() == 0
    screenshot(supervisor, "team_supervisor_refused")

    # The supervisor comments on the researcher's coding from the Review page.
    go(supervisor, "Tinjauan")
    supervisor.get_by_role("tab", name="Komentar").click()
    supervisor.get_by_text("Mulai komentar pada sebuah pengodean").click()
    panel = supervisor.get_by_role("tabpanel", name="Komentar")
    box = panel.locator("[data-testid='stSelectbox']").filter(has_text="Dokumen").first
    choose_option(supervisor, box, DOC_TITLE)
    wait_for_app(supervisor, "Tinjauan")
    note = supervisor.get_by_role("textbox", name="Komentar", exact=True)
    note.fill("Apakah ini kepercayaan, atau keluhan?")
    note.press("Control+Enter")  # a text area hands its value to Streamlit on Ctrl+Enter or blur
    wait_for_app(supervisor, "Tinjauan")
    supervisor.get_by_role("button", name="Tambah komentar").click()
    wait_for_app(supervisor, "Tinjauan")
    supervisor.locator("[data-testid='stMarkdownContainer']", has_text="Apakah ini kepercayaan, atau keluhan?").first.wait_for()

    # Agreement between the demo's two coders.
    supervisor.get_by_role("tab", name="Kesepakatan antarkoder").click()
    supervisor.locator("[data-testid='stMetric']").filter(has_text="Kappa Cohen").first.wait_for()
    screenshot(supervisor, "team_supervisor_agreement")

    engine = make_engine(team_server.database_url)
    with read_session(engine) as session:
        sup = projects.get_user_by_login(session, "pembimbing")
        assert session.scalar(select(Coding.id).where(Coding.coder_id == sup.id)) is None
        (comment,) = session.scalars(select(Comment))
        assert comment.author_id == sup.id
        assert session.get(Coding, comment.coding_id).code.key == "trust_building"
    engine.dispose()
