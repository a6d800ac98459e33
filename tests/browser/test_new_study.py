"""A new study as a student starts one in a real Chromium: one form with the name, two shipped
frameworks and the project's own stakeholder groups; the study opens, and the Codebook page shows
both frameworks' codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from qualcode.db import make_engine, read_session
from qualcode.models import Codebook, Project
from tests.browser.conftest import choose_option, rerun, running_server, screenshot, wait_for_app

pytestmark = pytest.mark.browser


def test_a_study_with_two_frameworks_opens_and_shows_their_codes(sqlite_url: str, tmp_path: Path, page) -> None:  # type: ignore[no-untyped-def]
    with running_server(sqlite_url, tmp_path / "streamlit.log") as server:
        page.goto(server.url)
        wait_for_app(page, "Proyek")
        page.get_by_label("Deskripsi").fill("Tata kelola penanggulangan banjir")
        page.get_by_text("Policy implementation, 5C protocol (Najam 1995)").click()
        # Refused for want of a name: the description and the tick stay.
        page.get_by_role("button", name="Buat proyek").click()
        page.locator("[data-testid='stAlertContentError']").first.wait_for()
        wait_for_app(page, "Proyek")
        expect(page.get_by_label("Deskripsi")).to_have_value("Tata kelola penanggulangan banjir")
        expect(page.locator("[data-testid='stCheckbox']").filter(has_text="Najam").locator("input")).to_be_checked()
        page.get_by_label("Nama proyek").fill("Tesis Banjir Kota X")
        page.locator("[data-testid='stCheckbox']").filter(has_text="Ansell").first.click()
        groups = page.get_by_role("textbox", name="Kelompok pemangku kepentingan")
        groups.fill("BPBD\nwarga terdampak\nrelawan")
        screenshot(page, "new_study_form")
        page.get_by_role("button", name="Buat proyek").click()
        page.get_by_text("Tesis Banjir Kota X").first.wait_for()
        wait_for_app(page, "Proyek")
        page.get_by_role("button", name="Sedang dibuka").wait_for()

        page.get_by_role("link", name="Buku kode").first.click()
        wait_for_app(page, "Buku kode")
        page.locator("summary", has_text="Isi kebijakan").first.wait_for()
        page.locator("summary", has_text="Membangun kepercayaan").first.wait_for()
        assert page.locator("[data-testid='stException']").count() == 0
        screenshot(page, "new_study_codebook")

    with read_session(make_engine(sqlite_url)) as session:
        project = session.scalar(select(Project).where(Project.name == "Tesis Banjir Kota X"))
        assert project is not None and project.groups == ["BPBD", "warga terdampak", "relawan"]
        books = set(session.scalars(select(Codebook.key).where(Codebook.project_id == project.id)))
        assert books == {"najam_5c_1995", "ansell_gash_2008"}


def test_a_reload_keeps_the_open_study(sqlite_url: str, tmp_path: Path, page) -> None:  # type: ignore[no-untyped-def]
    """The address names the open study: reloading the page (a new browser session) opens that
    study again, not silently the first one."""
    with running_server(sqlite_url, tmp_path / "streamlit.log") as server:
        page.goto(server.url)
        wait_for_app(page, "Proyek")
        for name in ("Studi Pertama", "Studi Kedua"):
            page.get_by_label("Nama proyek").fill(name)
            page.get_by_role("button", name="Buat proyek").click()
            page.get_by_text(name).first.wait_for()
            wait_for_app(page, "Proyek")
        picker = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(
            has_text="Proyek").get_by_role("combobox")
        expect(picker).to_have_value("Studi Kedua")
        # Open the study the list does not put first, go to another page, and reload.
        choose_option(page, page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(
            has_text="Proyek"), "Studi Pertama")
        page.get_by_role("link", name="Buku kode").first.click()
        wait_for_app(page, "Buku kode")
        expect(picker).to_have_value("Studi Pertama")
        page.reload()
        wait_for_app(page, "Buku kode")
        expect(picker).to_have_value("Studi Pertama")
        # A bookmark names its study; one that does not exist (or is not this user's) opens none of
        # its own, just the project list's first, with no error.
        engine = make_engine(sqlite_url)
        with read_session(engine) as session:
            first = session.scalar(select(Project.id).where(Project.name == "Studi Pertama"))
            second = session.scalar(select(Project.id).where(Project.name == "Studi Kedua"))
        engine.dispose()
        page.goto(f"{server.url}/codebook?project={second}")
        wait_for_app(page, "Buku kode")
        expect(picker).to_have_value("Studi Kedua")
        page.goto(f"{server.url}/codebook?project={first}")
        wait_for_app(page, "Buku kode")
        expect(picker).to_have_value("Studi Pertama")
        page.goto(f"{server.url}/codebook?project=999")
        wait_for_app(page, "Buku kode")
        expect(picker).not_to_have_value("")
        assert page.locator("[data-testid='stException']").count() == 0
        assert "project=999" not in page.url


def test_a_project_is_deleted_only_once_its_name_is_typed(sqlite_url: str, tmp_path: Path, page) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(sqlite_url)
    with running_server(sqlite_url, tmp_path / "streamlit.log") as server:
        page.goto(server.url)
        wait_for_app(page, "Proyek")
        for name in ("Tesis Tetap", "Tesis Coba"):
            page.get_by_label("Nama proyek").fill(name)
            with rerun(page):  # the first project's row already shows "Sedang dibuka"
                page.get_by_role("button", name="Buat proyek").click()
            expect(page.get_by_role("button", name="Sedang dibuka")).to_have_count(1)
        expect(page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(
            has_text="Proyek").get_by_role("combobox")).to_have_value("Tesis Coba")
        page.get_by_text("Ganti nama atau hapus proyek yang terbuka").click()
        with rerun(page):  # clicked once no run is going, and the dialog's run waited for to its end
            page.get_by_role("button", name="Hapus proyek ini…").click()
        dialog = page.get_by_role("dialog")
        dialog.get_by_text("Menghapus Tesis Coba menghapus seluruh isinya", exact=False).wait_for()
        dialog.get_by_label("Ketik nama proyek untuk memastikan").fill("Tesis")
        dialog.get_by_role("button", name="Hapus proyek").click()
        dialog.get_by_text("Ketik nama proyek persis", exact=False).wait_for()
        with read_session(engine) as session:
            assert set(session.scalars(select(Project.name))) == {"Tesis Tetap", "Tesis Coba"}
        screenshot(page, "project_delete_dialog")
        dialog.get_by_label("Ketik nama proyek untuk memastikan").fill("Tesis Coba")
        dialog.get_by_role("button", name="Hapus proyek").click()
        page.get_by_text("Proyek Tesis Coba dihapus.").wait_for()
        wait_for_app(page, "Proyek")
        with read_session(engine) as session:
            assert set(session.scalars(select(Project.name))) == {"Tesis Tetap"}
        expect(page.get_by_text("Tesis Coba")).to_have_count(1)  # only the confirmation names it
