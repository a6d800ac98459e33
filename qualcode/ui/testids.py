"""``data-testid`` hooks on Streamlit elements, for browser tests and benchmarks.

Streamlit gives an element created with ``key=...`` the CSS class ``st-key-<key>`` but lets the
app choose no ``data-testid``. :func:`set_test_ids` mounts a small st.components.v2 element (inline
JS in ``ui/assets/testids.js``, rendering nothing) that sets ``data-testid`` on every element a
CSS selector matches and keeps it set when Streamlit re-renders (a MutationObserver). Pages key
their elements (``st.container(key="qc-suggestion-3")``) and map the key classes to test ids.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

_component = st.components.v2.component(
    "qualcode.testids",
    js=(Path(__file__).parent / "assets" / "testids.js").read_text(encoding="utf-8"),
    isolate_styles=False,
)


def set_test_ids(rules: dict[str, str], *, key: str) -> None:
    """Set ``data-testid`` to ``rules[selector]`` on the elements each selector matches."""
    _component(data={"rules": rules}, key=key)


def key_prefix(prefix: str) -> str:
    """A selector for the elements whose key starts with ``prefix``."""
    return f'[class*="st-key-{prefix}"]'
