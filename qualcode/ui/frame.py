"""A sandboxed preview frame for HTML that qualcode generated itself (the study report).

It replaces ``st.components.v1.html`` (deprecated): the HTML goes to an ``<iframe sandbox>``
through st.components.v2, so even a mistake in escaping could not run script or reach the app
page, and the report's Content-Security-Policy forbids every request.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

_component = st.components.v2.component(
    "qualcode.sandboxed_frame",
    js=(Path(__file__).parent / "assets" / "sandboxed_frame.js").read_text(encoding="utf-8"),
)


def sandboxed_html(html: str, *, title: str, height: int = 700, key: str) -> None:
    """Show ``html`` in a sandboxed frame ``height`` pixels high."""
    _component(data={"html": html, "title": title, "height": height}, key=key)
