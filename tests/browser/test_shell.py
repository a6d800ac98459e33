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


def test_a_reload_keeps_the_english_ui(demo_server, page):
    """English chosen in the sidebar: the address says so (?lang=en beside ?project=), so another
    page, a reload and a bookmark stay in English."""
    from tests.browser.conftest import choose_option

    page.goto(demo_server.url)
    wait_for_app(page, "Proyek")
    # the language box comes first in the sidebar (its label turns English with the choice)
    choose_option(page, page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first, "English")
    wait_for_app(page, "Projects")
    page.wait_for_function("() => location.search.includes('lang=en')")
    page.get_by_role("link", name="Display").first.click()
    wait_for_app(page, "Display")
    page.reload()
    wait_for_app(page, "Display")
    assert "lang=en" in page.url and "project=" in page.url
    page.goto(f"{demo_server.url}/conclusions?lang=en")  # a bookmark
    wait_for_app(page, "Conclusions")
    assert page.locator("[data-testid='stException']").count() == 0


# Pages with tabs: (address, title in Indonesian and English, the tab opened in each language, what
# only that tab shows in English).
TABBED = [
    ("documents", "Dokumen", "Documents", "Kasus (informan)", "Cases (informants)", "Add a case"),
    ("codebook", "Buku kode", "Codebook", "Impor dan ekspor", "Import and export", "Shipped frameworks"),
    ("export", "Ekspor", "Export", "Proyek (.qdpx)", "Project (.qdpx)", "Write for"),
]


def test_the_open_tab_stays_open_when_the_language_changes(demo_server, page):
    """A tab chosen on the Documents, Codebook and Export pages stays open when the sidebar switches
    the language: the tab's label changes, the tab shown does not."""
    from playwright.sync_api import expect

    from tests.browser.conftest import choose_option, rerun

    for address, title_id, title_en, tab_id, tab_en, only_there in TABBED:
        page.goto(f"{demo_server.url}/{address}?lang=id")
        wait_for_app(page, title_id)
        with rerun(page):  # the tabs tell the server which is open
            page.get_by_role("tab", name=tab_id).click()
        expect(page.get_by_role("tab", name=tab_id)).to_have_attribute("aria-selected", "true")
        choose_option(page, page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first, "English")
        wait_for_app(page, title_en)
        expect(page.get_by_role("tab", name=tab_en)).to_have_attribute("aria-selected", "true")
        expect(page.get_by_text(only_there, exact=True).first).to_be_visible()
        assert page.locator("[data-testid='stException']").count() == 0


def test_the_projects_address_opens_the_projects_page(demo_server, page):
    """/projects and /home (bookmarked or typed) open the Projects page, which is served at the
    root, with the address's parameters kept: no "Page not found"."""
    page.goto(f"{demo_server.url}/home")
    wait_for_app(page, "Proyek")
    page.wait_for_function("() => location.pathname === '/'")
    assert page.get_by_text("Page not found").count() == 0
    page.goto(f"{demo_server.url}/projects")
    wait_for_app(page, "Proyek")
    assert page.get_by_text("Page not found").count() == 0
    assert page.get_by_text(DEMO_PROJECT).first.is_visible()
    page.wait_for_function("() => location.pathname === '/' && location.search.includes('project=')")
    project = page.evaluate("() => new URLSearchParams(location.search).get('project')")
    page.goto(f"{demo_server.url}/projects?project={project}&lang=en")
    wait_for_app(page, "Projects")
    page.wait_for_function(f"() => location.pathname === '/' && location.search.includes('project={project}')"
                           " && location.search.includes('lang=en')")
    page.goto(demo_server.url)  # the root still is the Projects page
    wait_for_app(page, "Proyek")
    assert page.locator("[data-testid='stException']").count() == 0
