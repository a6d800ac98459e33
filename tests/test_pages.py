"""AppTest smoke tests: every page renders against a real migrated database, key widgets present."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from qualcode.db import make_engine, read_session
from qualcode.demo import DEMO_PROJECT
from qualcode.models import Project
from qualcode.ui.shell import PAGES

ROOT = Path(__file__).resolve().parent.parent
PAGE_FILES = [path for _, path, _ in PAGES]


@pytest.fixture
def empty_db(sqlite_url, monkeypatch):
    monkeypatch.setenv("QUALCODE_DATABASE_URL", sqlite_url)
    return sqlite_url


def app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)


@pytest.mark.parametrize("page", PAGE_FILES)
def test_every_page_renders_with_the_demo(demo, page):
    at = app().run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, "every page has a title"
    assert any(sb.label in ("Bahasa", "Language") for sb in at.sidebar.selectbox)


@pytest.mark.parametrize("page", PAGE_FILES[1:])
def test_pages_without_a_project_point_to_the_projects_page(empty_db, page):
    at = app().run()
    at.switch_page(page).run()
    assert not at.exception
    assert any("Proyek" in i.value for i in at.info)


def test_projects_page_lists_the_demo_and_opens_it(demo):
    at = app().run()
    assert not at.exception
    assert any(DEMO_PROJECT in md.value for md in at.markdown)
    project_box = next(sb for sb in at.sidebar.selectbox if sb.label == "Proyek")
    assert project_box.value is not None


def test_create_project_from_the_form(empty_db):
    at = app().run()
    at.text_input[0].input("Skripsi JakLingko")
    at.button[0].click().run()  # the form's submit button comes first on an empty page
    assert not at.exception
    assert any("Skripsi JakLingko" in md.value for md in at.markdown)
    assert any(sb.label == "Siapa saya (pengode)" for sb in at.sidebar.selectbox)


def test_duplicate_project_name_shows_a_clear_error(demo):
    at = app().run()
    name_box = next(ti for ti in at.text_input if ti.label == "Nama proyek")
    name_box.input(DEMO_PROJECT)
    next(b for b in at.button if b.label == "Buat proyek").click().run()
    assert any("sudah ada" in e.value for e in at.error)


def test_language_switch_changes_the_ui(demo):
    at = app().run()
    at.sidebar.selectbox[0].set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Projects"


def test_the_language_survives_a_reload_through_the_address(demo):
    """English chosen, the address says so (?lang=en, beside ?project=), and a new browser session
    opened at that address (a reload, a bookmark) starts in English."""
    at = app().run()
    at.sidebar.selectbox[0].set_value("en").run()
    assert at.query_params.get("lang") == "en" and at.query_params.get("project")
    reloaded = app()
    reloaded.query_params.update(at.query_params)
    reloaded.run()
    assert not reloaded.exception
    assert reloaded.title[0].value == "Projects" and reloaded.sidebar.selectbox[0].value == "en"
    reloaded.sidebar.selectbox[0].set_value("id").run()  # and back: the address follows the choice
    assert reloaded.title[0].value == "Proyek" and reloaded.query_params.get("lang") == "id"
    unknown = app()
    unknown.query_params["lang"] = "fr"
    unknown.run()
    assert unknown.title[0].value == "Proyek" and unknown.query_params.get("lang") == "id"


def test_load_demo_button(empty_db):
    at = app().run()
    next(b for b in at.button if b.label == "Muat proyek demo").click().run()
    assert not at.exception
    assert any(DEMO_PROJECT in md.value for md in at.markdown)


def framework(at, name: str):  # type: ignore[no-untyped-def]
    """The new-study form's box for the shipped framework whose label names ``name``."""
    return next(cb for cb in at.checkbox if name in cb.label)


def test_new_study_with_two_frameworks_and_own_groups_opens(empty_db):
    at = app().run()
    next(ta for ta in at.text_area if ta.label == "Deskripsi").input("Tata kelola banjir di Kota X")
    assert any("Najam" in cb.label for cb in at.checkbox), "the shipped frameworks are offered"
    framework(at, "Najam").check()
    framework(at, "Ansell").check()
    next(ta for ta in at.text_area if ta.label.startswith("Kelompok pemangku")).input("BPBD\nwarga\nrelawan")
    # Refused for want of a name: what was typed and ticked stays, to add the name and go on.
    next(b for b in at.button if b.label == "Buat proyek").click().run()
    assert any("nama" in e.value for e in at.error), [e.value for e in at.error]
    assert next(ta for ta in at.text_area if ta.label == "Deskripsi").value == "Tata kelola banjir di Kota X"
    assert framework(at, "Najam").value and framework(at, "Ansell").value
    next(ti for ti in at.text_input if ti.label == "Nama proyek").input("Tesis Banjir")
    next(b for b in at.button if b.label == "Buat proyek").click().run()
    assert not at.exception, [e.value for e in at.exception]
    # Made: the form is empty again for the next study.
    assert next(ti for ti in at.text_input if ti.label == "Nama proyek").value == ""
    assert not framework(at, "Najam").value
    assert any("Tesis Banjir" in t.value and "2 kerangka" in t.value for t in at.toast)
    project_box = next(sb for sb in at.sidebar.selectbox if sb.label == "Proyek")
    assert project_box.value is not None, "the new study is open"
    with read_session(make_engine(empty_db)) as session:
        study = session.scalar(select(Project).where(Project.name == "Tesis Banjir"))
        assert study is not None and study.groups == ["BPBD", "warga", "relawan"]
    at.switch_page("app_pages/codebook.py").run()
    assert not at.exception
    headers = [s.value for s in at.subheader]
    assert any("Najam" in h for h in headers) and any("Ansell" in h for h in headers)
    assert any(b.label == "Tambahkan ke proyek ini" for b in at.button), "the third framework can still be added"


def test_codebook_page_adds_a_shipped_framework_in_one_click(empty_db):
    at = app().run()
    next(ti for ti in at.text_input if ti.label == "Nama proyek").input("Tesis Kosong")
    next(b for b in at.button if b.label == "Buat proyek").click().run()
    at.switch_page("app_pages/codebook.py").run()
    at.button(key="add_fw_emerson_2012").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Emerson" in s.value for s in at.subheader)
    assert not any(b.key == "add_fw_emerson_2012" for b in at.button), "an applied framework is not offered again"


def test_the_open_projects_groups_can_be_edited(empty_db):
    at = app().run()
    next(ti for ti in at.text_input if ti.label == "Nama proyek").input("Tesis Kelompok")
    next(b for b in at.button if b.label == "Buat proyek").click().run()
    project_box = next(sb for sb in at.sidebar.selectbox if sb.label == "Proyek")
    pid = project_box.value
    at.text_area(key=f"groups_{pid}").input("pemerintah\nLSM lingkungan\nwarga")
    at.button(key=f"save_groups_{pid}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with read_session(make_engine(empty_db)) as session:
        study = session.scalar(select(Project).where(Project.name == "Tesis Kelompok"))
        assert study is not None and study.groups == ["pemerintah", "LSM lingkungan", "warga"]
