"""Accept and reject suggestions in a real Chromium; decisions and codings reach the database."""

import pytest
from sqlalchemy import select

from qualcode.db import make_engine, read_session
from qualcode.models import Code, Coding
from qualcode.nlp.tables import SuggestionDecision
from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser


def decisions(url):
    engine = make_engine(url)
    with read_session(engine) as session:
        rows = session.execute(
            select(SuggestionDecision.decision, Code.key, SuggestionDecision.coding_id)
            .join(Code, SuggestionDecision.code_id == Code.id).order_by(SuggestionDecision.id)
        ).all()
        coded = {c.id: c.code.key for c in session.scalars(select(Coding))}
    engine.dispose()
    return rows, coded


def wait_for_decisions(page, url, count):  # type: ignore[no-untyped-def]
    for _ in range(120):
        rows, coded = decisions(url)
        if len(rows) >= count:
            return rows, coded
        page.wait_for_timeout(500)
    raise AssertionError(f"{count} decisions never reached the database")


def first_card_code(page) -> str:
    return page.locator("[class*='st-key-sug_0'] code").first.inner_text()


def test_accept_and_reject(demo_server, page):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{demo_server.url}/suggestions")
    wait_for_app(page, "Saran kode")
    page.locator("[class*='st-key-sug_0']").wait_for(timeout=90_000)
    screenshot(page, "suggestions_queue")
    accepted_key = first_card_code(page)
    before = len(decisions(demo_server.database_url)[1])
    page.locator("[class*='st-key-sug_0']").get_by_role("button", name="Terima").click()
    rows, coded = wait_for_decisions(page, demo_server.database_url, 1)
    page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=60_000)  # the acceptance-rate table
    assert rows[0][0] == "accepted" and rows[0][1] == accepted_key
    assert coded[rows[0][2]] == accepted_key
    wait_for_app(page, "Saran kode")
    page.wait_for_timeout(1000)  # let the queue settle after the rerun
    page.locator("[class*='st-key-sug_0']").get_by_role("button", name="Tolak").click()
    rows, coded = wait_for_decisions(page, demo_server.database_url, 2)
    assert rows[1][0] == "rejected" and rows[1][2] is None  # remembered, and no coding made
    assert len(coded) == before + 1
    wait_for_app(page, "Saran kode")
    screenshot(page, "suggestions_after_decisions")
    assert errors == []
