"""The Condensation page in a real Chromium on the demo project: a memo deleted and a pattern code
deleted after saying yes in their dialogs (what AppTest cannot click), and the excerpt grid's code
picker showing its choice in English once the sidebar switches language."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from qualcode.analysis.tables import PatternCode
from qualcode.db import make_engine, read_session, unit_of_work
from qualcode.models import Code, Memo, Project
from qualcode.services import analysis as analysis_service
from qualcode.services import memos as memo_service
from qualcode.services import projects
from tests.browser.conftest import choose_option, wait_for_app, wait_settled

pytestmark = pytest.mark.browser


def seed(url: str) -> tuple[int, int]:
    """A project memo and a pattern code grouping two codes."""
    engine = make_engine(url)
    with unit_of_work(engine) as session:
        owner = projects.get_user_by_login(session, "peneliti").id
        pid = session.scalar(select(Project.id))
        codes = {k: i for i, k in session.execute(select(Code.id, Code.key))}
        memo = memo_service.add_memo(session, pid, "Rapat rutin", title="Kepercayaan", actor_id=owner).id
        pattern = analysis_service.save_pattern_code(
            session, pid, "Modal sosial", [codes["trust_building"], codes["commitment_to_process"]],
            actor_id=owner).id
    engine.dispose()
    return memo, pattern


def stored(url: str, model, entity_id: int):  # type: ignore[no-untyped-def]
    engine = make_engine(url)
    with read_session(engine) as session:
        found = session.get(model, entity_id)
    engine.dispose()
    return found


def main(page):  # type: ignore[no-untyped-def]
    return page.locator("[data-testid='stMain']")


def test_memo_and_pattern_code_deleted_after_yes(demo_server, page):  # type: ignore[no-untyped-def]
    memo_id, pattern_id = seed(demo_server.database_url)
    page.goto(f"{demo_server.url}/analysis")
    wait_for_app(page, "Kondensasi")

    picker = main(page).locator("[data-testid='stSelectbox']").filter(has_text="Memo untuk disunting atau dihapus")
    choose_option(page, picker, "Kepercayaan")
    main(page).get_by_role("button", name="Hapus memo ini").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("Hanya memo ini yang terhapus").wait_for()
    dialog.get_by_role("button", name="Batal").click()
    dialog.wait_for(state="hidden")
    wait_settled(page)
    assert stored(demo_server.database_url, Memo, memo_id) is not None, "cancel keeps the memo"
    main(page).get_by_role("button", name="Hapus memo ini").click()
    page.get_by_role("dialog").get_by_role("button", name="Ya, hapus").click()
    page.get_by_text("Memo dihapus.").first.wait_for()
    assert stored(demo_server.database_url, Memo, memo_id) is None

    wait_settled(page)
    picker = main(page).locator("[data-testid='stSelectbox']").filter(has_text="Kode pola untuk dihapus")
    choose_option(page, picker, "Modal sosial")
    main(page).get_by_role("button", name="Hapus kode pola").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("Tautannya ke 2 kode siklus pertama ikut terhapus").wait_for()
    dialog.get_by_role("button", name="Ya, hapus").click()
    page.get_by_text("Kode pola 'Modal sosial' dihapus.").first.wait_for()
    assert stored(demo_server.database_url, PatternCode, pattern_id) is None
    engine = make_engine(demo_server.database_url)
    with read_session(engine) as session:
        assert session.scalar(select(Code.id).where(Code.key == "trust_building")) is not None, "the codes stay"
    engine.dispose()


def test_the_excerpt_code_shows_in_english_after_the_switch(demo_server, page):  # type: ignore[no-untyped-def]
    page.goto(f"{demo_server.url}/analysis")
    wait_for_app(page, "Kondensasi")
    box = main(page).locator("[data-testid='stSelectbox']").filter(has=page.get_by_text("Kode", exact=True)).last
    expect(box.get_by_role("combobox")).to_have_value(re.compile("^Proses kolaborasi · collaborative_process"))
    language = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first
    choose_option(page, language, "English")
    wait_for_app(page, "Condensation")
    box = main(page).locator("[data-testid='stSelectbox']").filter(has=page.get_by_text("Code", exact=True)).last
    expect(box.get_by_role("combobox")).to_have_value(re.compile("^Collaborative process · collaborative_process"))
