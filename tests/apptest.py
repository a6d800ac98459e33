"""Opening the app's pages under Streamlit's ``AppTest``, for the page-logic tests: the app as a
browser session starts it (the Projects page first), then the page under test."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent


def ok(at: AppTest) -> AppTest:
    """``at`` after a run, which must have raised nothing."""
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_page(page: str, *, timeout: float = 60, **session_state: object) -> AppTest:
    """``app.py`` run once with ``session_state`` set, then switched to ``page``
    (``app_pages/....py``); both runs without an exception."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for key, value in session_state.items():
        at.session_state[key] = value
    ok(at.run())
    return ok(at.switch_page(page).run())
