"""A tour of the main screens on the demo study, in English, as a new reader of the README meets
them: every page opens without an error and shows its own content. The screenshots it takes are
the README's (``make screenshots`` copies them into docs/screenshots/)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS, Server, demo_running, wait_for_app, wait_idle

pytestmark = pytest.mark.browser

# (address, title of the page, text the page shows once its content is there, screenshot name)
TOUR: list[tuple[str, str, str, str]] = [
    ("", "Projects", "Demo", "projects"),
    ("documents", "Documents", "Wawancara", "documents"),
    ("codebook", "Codebook", "Face-to-face dialogue", "codebook"),
    ("coding", "Coding", "Undo", "coding"),
    ("suggestions", "Suggestions", "Accept", "suggestions"),
    ("review", "Review", "Count by", "review"),  # the open tab only: the others run when opened
    ("analysis", "Condensation", "memo", "condensation"),
    ("display", "Display", "Role-ordered matrix", "display"),
    ("conclusions", "Conclusions", "Statement", "conclusions"),
    ("export", "Export", "Report", "export"),
]


@pytest.fixture
def english_demo(sqlite_url: str, tmp_path: Path) -> Iterator[Server]:
    with demo_running(sqlite_url, tmp_path / "streamlit.log", QUALCODE_LANGUAGE="en") as server:
        yield server


def test_tour_of_the_main_screens(english_demo, page):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_viewport_size({"width": 1400, "height": 900})
    target = os.environ.get("QUALCODE_SCREENSHOTS_DIR")
    shots = ARTIFACTS / "tour"
    shots.mkdir(parents=True, exist_ok=True)
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
    for address, title, shows, name in TOUR:
        page.goto(f"{english_demo.url}/{address}")
        wait_for_app(page, title)
        path = shots / f"{name}.png"
        page.screenshot(path=str(path))
        main = page.locator("[data-testid='stMain']")
        main.get_by_text(shows).first.wait_for(state="attached")
        wait_idle(page)
        if name == "coding":  # the first coded passage, with its stripes in the margin
            page.locator("[data-testid='qc-stripe']").first.scroll_into_view_if_needed()
        if name == "display":  # the role-ordered matrix, shaded, rather than the first display
            main.get_by_text("Role-ordered matrix").click()
            main.locator("[data-testid='stSelectbox']").filter(has_text="Column").first.wait_for()
            wait_idle(page)
        assert page.locator("[data-testid='stException']").count() == 0, f"{address or 'projects'}: the page raised"
        page.screenshot(path=str(path))
        if target:
            shutil.copyfile(path, Path(target) / path.name)
    assert errors == []
