"""Every page opens in a real Chromium with the demo project, with no Streamlit exception."""

import pytest

from qualcode.demo import DEMO_PROJECT
from qualcode.ui.shell import PAGES
from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser

TITLES_ID = {
    "projects": "Proyek",
    "documents": "Dokumen",
    "codebook": "Buku kode",
    "coding": "Pengodean",
    "suggestions": "Saran kode",
    "analysis": "Kondensasi",  # the Analysis section's first page keeps the /analysis address
    "display": "Penyajian",
    "conclusions": "Kesimpulan",
    "review": "Tinjauan",
    "export": "Ekspor",
}


def test_every_page_opens_without_exception(demo_server, page):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    for name, _, _ in PAGES:
        page.goto(f"{demo_server.url}/{'' if name == 'projects' else name}")
        wait_for_app(page, TITLES_ID[name])
        assert page.locator("[data-testid='stException']").count() == 0, f"exception on {name}"
        screenshot(page, f"shell_{name}")
    assert errors == []


def test_demo_project_is_listed_and_navigation_works(demo_server, page):
    page.goto(demo_server.url)
    wait_for_app(page, "Proyek")
    assert page.get_by_text(DEMO_PROJECT).first.is_visible()
    page.get_by_role("link", name="Dokumen").first.click()
    wait_for_app(page, "Dokumen")
    page.locator("[data-testid='stDataFrame']").first.wait_for()
    page.get_by_role("link", name="Buku kode").first.click()
    wait_for_app(page, "Buku kode")
    page.locator("summary", has_text="Membangun kepercayaan").first.wait_for()
    screenshot(page, "shell_codebook_nav")
