"""Column headers in the UI language: a table's column names map to ``column.<name>`` in the
catalogue (``qualcode/locale/*/columns.yaml``), for ``st.dataframe``'s ``column_config``."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import streamlit as st
from streamlit.elements.lib.column_types import ColumnConfig

from qualcode.i18n import catalogue
from qualcode.ui.state import lang, tr_plain

Header = ColumnConfig | str | None


def headers(names: Iterable[object], **overrides: Header) -> dict[str, Header]:
    """A ``column_config`` naming each column in the UI language; ``overrides`` replace an entry
    (a ``st.column_config`` object, or ``None`` to hide the column)."""
    config: dict[str, Header] = {str(name): tr_plain(f"column.{name}") for name in names}
    config.update(overrides)
    return config


def header_name(name: object) -> str:
    """``column.<name>`` in the UI language when the catalogue has it; otherwise the name itself
    (a matrix's columns are code labels, already in the UI language)."""
    key = f"column.{name}"
    return tr_plain(key) if key in catalogue(lang()) else str(name)


def localised(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``table`` to show: its index names and column names in the UI language (for
    matrices, whose row headers are an index and which ``column_config`` cannot rename)."""
    shown = table.rename(columns={c: header_name(c) for c in table.columns if isinstance(c, str)})
    return shown.rename_axis(index=[header_name(n) if n is not None else None for n in shown.index.names])


NOTHING = "–"  # a figure that cannot be computed (no classifier, no suggestion of that code)


def two_places(table: pd.DataFrame, figures: Iterable[str]) -> pd.DataFrame:
    """A copy of ``table`` to show, its ``figures`` (proportions, 0 to 1) as text with two
    decimals and an en dash where a figure is missing. The grid shows a missing number as "None"
    whatever a Styler or column format says; as text of one width they still sort in order."""
    shown = table.copy()
    for name in figures:
        shown[name] = [NOTHING if pd.isna(value) else f"{value:.2f}" for value in table[name]]
    return shown


def figure_columns(figures: Iterable[str]) -> dict[str, Header]:
    """``column_config`` entries for figures shown as text (:func:`two_places`): their header in the
    UI language, right-aligned as numbers are."""
    return {name: st.column_config.TextColumn(tr_plain(f"column.{name}"), alignment="right") for name in figures}
