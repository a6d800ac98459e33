"""Review as a task in two browsers: a supervisor reads the unitizing alpha of the demo's two
coders, asks for a change on a document, the researcher sees the request, fixes it (codes the
passage) and marks it fixed, and the supervisor sees the change and approves."""

import pytest
from sqlalchemy import select

from qualcode.db import make_engine, read_session
from qualcode.review.tables import ReviewMark
from tests.browser.conftest import choose_option, screenshot, wait_for_app
from tests.browser.test_coding import DOC_TITLE, SENTENCE, click_code, code_id, drag_select, open_document, settled
from tests.browser.test_team import go, sign_in, team_server  # noqa: F401  (the two-account server fixture)

pytestmark = pytest.mark.browser
TASKS = "Tugas tinjauan"


def choose(page, label: str, option: str) -> None:  # type: ignore[no-untyped-def]
    """Pick ``option`` in the select box ``label`` on the Review tasks tab."""
    panel = page.get_by_role("tabpanel", name=TASKS)
    choose_option(page, panel.locator("[data-testid='stSelectbox']").filter(has_text=label).first, option)
    wait_for_app(page, "Tinjauan")


def until_shown(page, act, text: str, tries: int = 3) -> None:  # type: ignore[no-untyped-def]
    """Do ``act`` until ``text`` shows: an event sent while Streamlit is still finishing the
    previous rerun can be superseded, as a user would simply click again."""
    for attempt in range(tries):
        act()
        try:
            page.get_by_text(text).first.wait_for(timeout=10_000)
            return
        except Exception:
            if attempt == tries - 1:
                raise


def save(page) -> None:  # type: ignore[no-untyped-def]
    until_shown(page, lambda: page.get_by_role("button", name="Simpan tinjauan").click(), "Tinjauan tersimpan.")


def test_request_fix_approve_and_unitizing_alpha(team_server, browser):  # noqa: F811
    researcher = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    supervisor = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    for page in (researcher, supervisor):
        page.set_default_timeout(30_000)
    sign_in(researcher, team_server.url, "peneliti")
    sign_in(supervisor, team_server.url, "pembimbing")

    # Unitizing alpha for the demo's two coders, beside the other coefficients, with the thresholds.
    go(supervisor, "Tinjauan")
    supervisor.get_by_role("tab", name="Kesepakatan antarkoder").click()
    u_alpha = supervisor.locator("[data-testid='stMetric']").filter(has_text="Alpha unitisasi")
    u_alpha.first.wait_for()
    value = u_alpha.locator("[data-testid='stMetricValue']").inner_text()
    assert -1 <= float(value) <= 1
    supervisor.get_by_text("α ≥ 0.800 andal", exact=False).first.wait_for()
    screenshot(supervisor, "review_unitizing_alpha")

    # The supervisor asks for a change on a document, addressed to the researcher.
    supervisor.get_by_role("tab", name=TASKS).click()
    choose(supervisor, "Dokumen", DOC_TITLE)
    choose(supervisor, "Keputusan", "perlu perubahan")
    choose(supervisor, "Siapa yang perlu bertindak", "Peneliti Utama")
    note = supervisor.get_by_role("textbox", name="Komentar (wajib bila meminta perubahan)")
    note.fill("Kode juga keluhan tentang masukan yang hilang.")
    note.press("Control+Enter")
    wait_for_app(supervisor, "Tinjauan")
    save(supervisor)
    panel = supervisor.get_by_role("tabpanel", name=TASKS)
    panel.locator("[data-testid='stDataFrame']").first.wait_for()
    screenshot(supervisor, "review_requested")

    # The researcher sees what awaits them and fixes it in the Coding page.
    go(researcher, "Tinjauan")
    researcher.get_by_role("tab", name=TASKS).click()
    researcher.get_by_text("Menunggu Anda (1)").wait_for()
    researcher.get_by_text("Kode juga keluhan tentang masukan yang hilang.").wait_for()
    screenshot(researcher, "review_awaiting")
    go(researcher, "Pengodean")
    open_document(researcher, team_server.url, DOC_TITLE, navigate=False)
    drag_select(researcher, SENTENCE)
    settled(researcher, click_code(researcher, code_id(team_server.database_url, "trust_building")))
    researcher.locator(".qc-c.qc-coded", has_text="masukannya dibawa").first.wait_for()
    go(researcher, "Tinjauan")
    researcher.get_by_role("tab", name=TASKS).click()
    researcher.get_by_text("1 perubahan sejak permintaan.").wait_for()
    answer = researcher.get_by_role("textbox", name="Apa yang Anda ubah?")
    answer.fill("Kalimat tentang masukan sudah dikode.")
    answer.press("Enter")
    wait_for_app(researcher, "Tinjauan")
    researcher.get_by_role("button", name="Tandai sudah diperbaiki").click()
    wait_for_app(researcher, "Tinjauan")
    researcher.get_by_text("Menunggu Anda (0)").wait_for()

    # The supervisor sees the fix and what changed, and approves.
    go(supervisor, "Tinjauan")
    supervisor.get_by_role("tab", name=TASKS).click()
    panel = supervisor.get_by_role("tabpanel", name=TASKS)
    panel.get_by_text("Riwayat tinjauan").wait_for()
    choose(supervisor, "Dokumen", DOC_TITLE)
    choose(supervisor, "Keputusan", "disetujui")
    save(supervisor)
    screenshot(supervisor, "review_approved")

    engine = make_engine(team_server.database_url)
    with read_session(engine) as session:
        marks = session.scalars(select(ReviewMark).order_by(ReviewMark.id)).all()
        assert [m.status for m in marks] == ["changes_requested", "fixed", "approved"], [
            (m.status, m.comment) for m in marks]
        assert marks[1].comment == "Kalimat tentang masukan sudah dikode."
    engine.dispose()
