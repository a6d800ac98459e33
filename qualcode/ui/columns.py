"""Column headers in the UI language: a table's column names map to ``column.<name>`` in the
catalogue (``qualcode/locale/*/columns.yaml``), for ``st.dataframe``'s ``column_config``."""

from __future__ import annotations

from collections.abc import Iterable

from streamlit.elements.lib.column_types import ColumnConfig

from qualcode.ui.state import tr_plain

Header = ColumnConfig | str | None


def headers(names: Iterable[object], **overrides: Header) -> dict[str, Header]:
    """A ``column_config`` naming each column in the UI language; ``overrides`` replace an entry
    (a ``st.column_config`` object, or ``None`` to hide the column)."""
    config: dict[str, Header] = {str(name): tr_plain(f"column.{name}") for name in names}
    config.update(overrides)
    return config
