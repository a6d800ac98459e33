"""The coding workspace component: code panel, transcript, margin stripes and legend, built with
st.components.v2 (inline HTML, CSS and JS; no npm build)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

from qualcode.text import utf16_to_codepoint

ASSETS = Path(__file__).parent / "assets"

EVENTS = ("apply", "in_vivo", "segments", "sentence", "undo", "redo", "pin", "retrieve", "resize")

_component = st.components.v2.component(
    "qualcode.transcript",
    css=(ASSETS / "transcript.css").read_text(encoding="utf-8"),
    js=(ASSETS / "transcript.js").read_text(encoding="utf-8"),
    isolate_styles=False,
)


def transcript(payload: dict[str, Any], *, key: str, on_event: Callable[[str], None]) -> Any:
    """Mount the workspace. Each event (``EVENTS``) calls ``on_event(name)`` before the rerun;
    the handler reads the event's value from ``st.session_state[key]``."""
    callbacks: dict[str, Any] = {f"on_{name}_change": (lambda name=name: on_event(name)) for name in EVENTS}
    return _component(data=payload, key=key, **callbacks)


def event_value(key: str, name: str) -> Any:
    """The value the component sent with event ``name`` (inside that event's callback)."""
    state = st.session_state.get(key)
    if state is None:
        return None
    try:
        return state[name]
    except (KeyError, TypeError):
        return getattr(state, name, None)


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
