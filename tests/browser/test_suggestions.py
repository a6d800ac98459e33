"""Accept and reject suggestions in a real Chromium; decisions and codings reach the database.
The cards and buttons are found by their data-testid hooks (qc-suggestion, qc-accept, qc-reject)."""

import pytest
from sqlalchemy import func, select

from qualcode.db import make_engine, read_session, unit_of_work
from qualcode.models import Code, Coding
from qualcode.nlp.tables import SuggestionDecision
from tests.browser.conftest import running_server, screenshot, wait_for_app

pytestmark = pytest.mark.browser

CARD = "[data-testid='qc-suggestion']"


def decisions(url):
    engine = make_engine(url)
    with read_session(engine) as session:
        rows = session.execute(
            select(SuggestionDecision.decision, Code.key, SuggestionDecision.coding_id)
            .join(Code, SuggestionDecision.code_id == Code.id).order_by(SuggestionDecision.id)
        ).all()
        coded = dict(session.execute(select(Coding.id, Code.key).join(Code, Coding.code_id == Code.id)).all())
    engine.dispose()
    return rows, coded


def settled_first_card(page, hook: str):  # type: ignore[no-untyped-def]
    """The first card once it shows exactly one ``hook`` button (not while a rerun still holds
    the previous card's elements), and that button."""
    page.wait_for_function(
        f"() => {{ const c = document.querySelector(\"{CARD}\");"
        f" return c && c.querySelectorAll(\"[data-testid='{hook}']\").length === 1; }}", timeout=120_000)
    card = page.locator(CARD).first
    return card, card.locator(f"[data-testid='{hook}']").first


def first_card_code(page) -> str:
    return page.locator(CARD).first.locator("code").first.inner_text()


def accept_then_reject(page, database_url: str, name: str) -> None:  # type: ignore[no-untyped-def]
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    wait_for_app(page, "Saran kode")
    page.locator(CARD).first.wait_for(timeout=180_000)
    screenshot(page, f"{name}_queue")
    card, accept = settled_first_card(page, "qc-accept")
    accepted_key = first_card_code(page)
    accepted_text = card.inner_text()
    before = len(decisions(database_url)[1])
    accept.click()
    # The next suggestion takes the first card's place once the decision is stored (the page
    # reruns after the action's commit): wait for that change, then read the database.
    page.wait_for_function(f"t => document.querySelector(\"{CARD}\") && document.querySelector(\"{CARD}\").innerText !== t",
                           arg=accepted_text, timeout=60_000)
    rows, coded = decisions(database_url)
    assert len(rows) == 1 and rows[0][0] == "accepted" and rows[0][1] == accepted_key
    assert coded[rows[0][2]] == accepted_key
    wait_for_app(page, "Saran kode")
    card, reject = settled_first_card(page, "qc-reject")
    rejected_text = card.inner_text()
    reject.click()
    page.wait_for_function(f"t => !document.querySelector(\"{CARD}\") || document.querySelector(\"{CARD}\").innerText !== t",
                           arg=rejected_text, timeout=60_000)
    rows, coded = decisions(database_url)
    assert len(rows) == 2 and rows[1][0] == "rejected" and rows[1][2] is None  # remembered, and no coding made
    assert len(coded) == before + 1
    screenshot(page, f"{name}_after_decisions")
    assert errors == []


def test_accept_and_reject(demo_server, page):
    page.goto(f"{demo_server.url}/suggestions")
    accept_then_reject(page, demo_server.database_url, "suggestions")


def test_accept_and_reject_at_ten_thousand_codings(sqlite_url, tmp_path, page):
    from bench.suggest_bench import add_bulk_codings
    from qualcode.demo import load_demo
    from qualcode.read.entities import project_owner

    engine = make_engine(sqlite_url)
    with unit_of_work(engine) as session:
        report = load_demo(session)
        add_bulk_codings(session, report.project_id, project_owner(session, report.project_id).id, 10_000)
    with read_session(engine) as session:
        assert session.scalar(select(func.count(Coding.id))) >= 10_000
    engine.dispose()
    with running_server(sqlite_url, tmp_path / "streamlit.log") as server:
        page.goto(f"{server.url}/suggestions")
        accept_then_reject(page, sqlite_url, "suggestions_10k")
