"""One language at a time: every page opened in Indonesian with the demo shows no English column
header in its tables and no raw ``None`` among the values or text it shows."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from qualcode.i18n import catalogue
from qualcode.ui.shell import PAGES

ROOT = Path(__file__).resolve().parent.parent
# Column names the read side uses; shown as a header they are English in an Indonesian page.
ENGLISH_HEADERS = frozenset({
    "title", "body", "statement", "group", "informant", "precision", "recall", "code", "codes", "document",
    "documents", "segment", "segments", "text", "count", "name", "kind", "speaker", "date", "coder", "coders",
    "codings", "memo", "memos", "author", "created", "created_at", "updated", "status", "support", "evidence",
    "dimension", "tactic", "tactics", "strength", "label", "value", "share", "total", "case", "cases", "position",
    "organisation", "place", "file", "length", "turns", "kappa", "alpha", "agreement", "pattern", "summary",
    "conclusion", "conclusions", "source", "type", "role", "user", "when", "action", "what", "where", "who",
    "score", "rank", "words", "word", "sentence", "unit", "units", "cell", "row", "column", "framework",
    "informants", "groups", "snippet", "condensation", "on", "definition", "about", "excerpt", "codebook", "key",
    "path",
})
RAW_KEY = re.compile(r"^[a-z_]+\.[a-z0-9_]+$")  # a catalogue key the catalogue lacks, shown as it is
SNAKE = re.compile(r"^[a-z]+(?:_[a-z]+)+$")
INDONESIAN = frozenset(str(v).lower() for v in catalogue("id").values())  # "Total", "Unit" are Indonesian too


def english(header: str) -> bool:
    if RAW_KEY.match(header):
        return True
    return (header.lower() in ENGLISH_HEADERS or SNAKE.match(header) is not None) and header.lower() not in INDONESIAN


def headers(element) -> list[str]:  # type: ignore[no-untyped-def]
    """The headers a st.dataframe / st.data_editor shows: the column config's label, else the name."""
    config = json.loads(element.proto.columns or "{}")
    order = list(element.proto.column_order) or [str(c) for c in element.value.columns]
    shown = []
    for name in order:
        column = config.get(name, {})
        if column.get("hidden"):
            continue
        shown.append(str(column.get("label") or name))
    return shown


def raw_nones(frame: pd.DataFrame) -> list[str]:
    found = []
    for name in frame.columns:
        values = frame[name]
        if values.dtype == object and values.map(lambda v: isinstance(v, str) and v.strip() in ("None", "nan")).any():
            found.append(str(name))
    return found


def index_names(element) -> list[str]:  # type: ignore[no-untyped-def]
    """The row headers a matrix shows: its index names (a MultiIndex shows one column per level)."""
    value = element.value
    return [str(n) for n in value.index.names if n is not None] if isinstance(value, pd.DataFrame) else []


# Pages whose tabs run only when open (``st.tabs(key=..., on_change="rerun")``): each tab is opened in turn.
LAZY_TABS = {"app_pages/review.py": "review_tab"}


@pytest.mark.parametrize("page", [path for _, path, _ in PAGES])
def test_every_page_speaks_indonesian(demo, page):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    problems = shown_in_english(at)
    if page in LAZY_TABS:
        for label in [t.label for t in at.tabs][1:]:
            at.session_state[LAZY_TABS[page]] = label
            at.run()
            assert not at.exception, (label, [e.value for e in at.exception])
            problems += [f"{label}: {p}" for p in shown_in_english(at)]
    assert not problems, sorted(set(problems))


def shown_in_english(at: AppTest) -> list[str]:
    problems = []
    for element in [*at.dataframe, *at.get("arrow_data_frame")]:
        for header in [*headers(element), *index_names(element)]:  # a pivot's row header is its index name
            if english(header):
                problems.append(f"English header {header!r}")
        problems += [f"raw None in {c!r}" for c in raw_nones(element.value)]
    for table in at.table:
        problems += [f"English header {h!r}" for h in map(str, table.value.columns)
                     if english(h)]
        problems += [f"raw None in {c!r}" for c in raw_nones(table.value)]
    for text in [*at.markdown, *at.caption, *at.text]:
        if re.search(r"\bNone\b", str(text.value)):
            problems.append(f"raw None in text {str(text.value)[:80]!r}")
    return problems


def test_every_display_speaks_indonesian(demo):
    """Each kind of display on the Display page (matrices' row headers included), in Indonesian."""
    from qualcode.read.views.display import DISPLAYS

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("app_pages/display.py").run()
    problems = []
    for kind in DISPLAYS:
        at.radio(key="display_kind").set_value(kind).run()
        assert not at.exception, (kind, [e.value for e in at.exception])
        for element in [*at.dataframe, *at.get("arrow_data_frame")]:
            problems += [f"{kind}: English header {h!r}" for h in [*headers(element), *index_names(element)]
                         if english(h)]
            problems += [f"{kind}: raw None in {c!r}" for c in raw_nones(element.value)]
    assert not problems, sorted(set(problems))
