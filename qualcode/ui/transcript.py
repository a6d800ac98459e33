"""The transcript component: highlights, selection and clicks, built with st.components.v2
(inline HTML, CSS and JS; no npm build)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from qualcode.text import utf16_to_codepoint

ASSETS = Path(__file__).parent / "assets"

_component = st.components.v2.component(
    "qualcode.transcript",
    css=(ASSETS / "transcript.css").read_text(encoding="utf-8"),
    js=(ASSETS / "transcript.js").read_text(encoding="utf-8"),
    isolate_styles=False,
)


def transcript(payload: dict[str, Any], *, key: str) -> Any:
    """Mount the transcript; the result has ``selection``, ``segments``, ``unit`` and
    ``sentence`` (Alt+click) triggers."""
    return _component(
        data=payload,
        key=key,
        on_selection_change=lambda: None,
        on_segments_change=lambda: None,
        on_unit_change=lambda: None,
        on_sentence_change=lambda: None,
    )


def to_codepoints(text: str, point: list[int]) -> int:
    """A ``[chunk start (code points), UTF-16 offset in the chunk]`` point as a code-point offset."""
    chunk_start, offset16 = int(point[0]), int(point[1])
    return chunk_start + utf16_to_codepoint(text[chunk_start:chunk_start + offset16 + 2], offset16)


def selection_span(text: str, selection: dict[str, Any]) -> tuple[int, int] | None:
    """The selected span in code points, trimmed of surrounding white space; None if empty."""
    start, end = sorted((to_codepoints(text, selection["a"]), to_codepoints(text, selection["b"])))
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None
