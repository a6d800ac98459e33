"""The Review page in a real Chromium: agreement between the demo's two coders, and the jump from a
disagreement to the Coding page."""

import re

import pytest

from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser


def test_review_shows_agreement_between_the_demo_coders(demo_server, page):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{demo_server.url}/review")
    wait_for_app(page, "Tinjauan")
    page.locator("[data-testid='stVegaLiteChart']").first.wait_for()
    screenshot(page, "review_frequencies")

    page.get_by_role("tab", name="Kesepakatan antarkoder").click()
    metrics = page.locator("[data-testid='stMetric']")
    metrics.first.wait_for()
    text = metrics.all_inner_texts()
    assert any("Persentase kesepakatan" in t and re.search(r"\d+\.\d %", t) for t in text), text
    kappa = next(t for t in text if "Kappa Cohen" in t)
    assert 0.3 < float(re.search(r"-?\d\.\d{3}", kappa).group(0)) < 1, kappa
    coders = page.locator("[data-testid='stMultiSelect']").filter(has_text="Koder").first
    assert "Koder Kedua" in coders.inner_text() and "Peneliti Utama" in coders.inner_text()
    assert page.get_by_text(re.compile(r"Ketidaksepakatan \(\d+\)")).is_visible()
    screenshot(page, "review_agreement")

    page.get_by_role("button", name="Buka").first.click()
    wait_for_app(page, "Pengodean")
    page.wait_for_url(re.compile(r"/coding"))
    assert page.locator("[data-testid='stException']").count() == 0
    screenshot(page, "review_open_disagreement")
    assert errors == []


def test_supervisor_comments_on_a_coding(demo_server, page):
    from sqlalchemy import select

    from qualcode.db import make_engine, unit_of_work
    from qualcode.models import Document
    from qualcode.services import projects

    engine = make_engine(demo_server.database_url)
    with unit_of_work(engine) as session:
        owner = projects.get_user_by_login(session, "peneliti")
        sup = projects.create_user(session, "pembimbing", "Bu Pembimbing")
        projects.set_member(session, session.scalar(select(Document.project_id)), sup.id, "supervisor",
                            actor_id=owner.id)
    engine.dispose()
    page.goto(f"{demo_server.url}/review")
    wait_for_app(page, "Tinjauan")
    page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(has_text="Siapa saya").click()
    page.get_by_role("option", name=re.compile("Bu Pembimbing")).click()
    wait_for_app(page, "Tinjauan")
    page.get_by_role("tab", name="Komentar").click()
    page.get_by_text("Mulai komentar pada sebuah pengodean").click()
    box = page.get_by_role("textbox", name="Komentar", exact=True)
    box.fill("Mengapa bukan kode transparansi?")
    box.press("Control+Enter")  # commit the text before the click
    wait_for_app(page, "Tinjauan")
    page.get_by_role("button", name="Tambah komentar").click()
    shown = page.locator("[data-testid='stMarkdownContainer']").filter(has_text="Mengapa bukan kode transparansi?")
    shown.first.wait_for()
    screenshot(page, "review_comment")
    assert "Bu Pembimbing: Mengapa bukan kode transparansi?" in shown.first.inner_text()
