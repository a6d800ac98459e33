"""The Display page's reads: every data display of the Miles–Huberman toolbox, and the segments
behind a cell. The displays themselves are ``qualcode.analysis.displays``; this module is the one
place the page reaches them through."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from qualcode import codebook_meta
from qualcode.analysis import displays
from qualcode.analysis import export as display_files
from qualcode.analysis.displays import Filters
from qualcode.files import charts
from qualcode.i18n import catalogue
from qualcode.read.codes import code_colours
from qualcode.read.views import common

__all__ = ["DISPLAYS", "Filters", "CrossPair", "bar_chart", "bar_chart_svg", "cell_segments", "chart_png",
           "code_colours", "cooccurrence_edges", "cooccurrence_network", "csv_bytes", "dimensions", "directions",
           "direction_labels", "display_table", "frequency_columns", "network_gexf", "network_layout", "network_svg",
           "shade", "svg_png", "xlsx_bytes", "cases", "cross_pair"]

DISPLAYS = ("frequencies", "case_ordered", "role_ordered", "checklist", "cross_framework", "cooccurrence")
BY_CODEBOOK = ("frequencies", "cooccurrence")  # displays that the codebook choice filters (others are built on it)

dimensions = displays.dimensions
cooccurrence_edges = displays.cooccurrence_edges
csv_bytes = display_files.csv_bytes
xlsx_bytes = display_files.xlsx_bytes
bar_chart_svg = charts.bar_chart_svg
network_svg = charts.network_svg
bar_chart = charts.bar_chart
chart_png = charts.chart_png
svg_png = charts.svg_png
network_gexf = charts.network_gexf
network_layout = charts.network_layout
cooccurrence_network = displays.cooccurrence_network
shade = displays.shade


@dataclass(frozen=True)
class CrossPair:
    """The two codebooks of a cross-framework matrix: rows (dimensions) by factors (with directions)."""

    rows: int
    factors: int
    directions: tuple[str, ...]


def display_table(session: Session, project_id: int, kind: str, codebook_id: int | None, filters: Filters, *,
                  lang: str, cell: str = "count", scope: str = "segment", level: str = "code",
                  pair: CrossPair | None = None) -> pd.DataFrame:
    """The table of one display (``kind`` in :data:`DISPLAYS`)."""
    builders: dict[str, Callable[[], pd.DataFrame]] = {
        "frequencies": lambda: displays.code_frequencies(session, project_id, filters, lang),
        "case_ordered": lambda: displays.case_ordered_matrix(session, project_id, codebook_id, filters, cell=cell,
                                                             lang=lang),
        "role_ordered": lambda: displays.role_ordered_matrix(session, project_id, codebook_id, filters, lang=lang),
        "checklist": lambda: displays.checklist_matrix(session, project_id, codebook_id, filters, lang=lang),
        "cross_framework": lambda: (displays.cross_framework_matrix(session, project_id, pair.rows, pair.factors,
                                                                    filters, lang=lang) if pair else pd.DataFrame()),
        "cooccurrence": lambda: displays.cooccurrence(session, project_id, filters, scope=scope, level=level,
                                                      lang=lang),
    }
    return builders[kind]()


def cases(session: Session, project_id: int) -> dict[int, str]:
    """Cases linked to a document: id -> pseudonym, by pseudonym."""
    frame = displays.case_frame(session, project_id).drop_duplicates("case_id")
    return dict(sorted(zip(frame["case_id"].astype(int), frame["pseudonym"], strict=True), key=lambda kv: kv[1]))


def cell_segments(session: Session, project_id: int, filters: Filters, *, lang: str = "id",
                  **cell: Any) -> pd.DataFrame:
    """The segments behind a cell (see ``displays.cell_segments``), the codes on each named in
    ``lang`` (``codes``: their labels, not their keys)."""
    codes = displays.code_frame(session, project_id, lang)
    table = displays.cell_segments(session, project_id, filters, **cell)
    names: dict[str, set[str]] = {}
    for key, name in zip(codes["key"], codes["label"], strict=True):
        names.setdefault(str(key), set()).add(str(name))
    # A key two codes share with different names keeps its key (the name alone would not say which).
    label = {key: next(iter(found)) if len(found) == 1 else key for key, found in names.items()}
    table["codes"] = [", ".join(sorted(label.get(k, k) for k in str(keys).split(", ") if k)) for keys in table["codes"]]
    return table


FREQUENCY_ORDER = ("label", "segments", "codings", "documents", "informants", "codebook", "path", "key")


def frequency_columns(table: pd.DataFrame) -> pd.DataFrame:
    """The frequency table as read: the code's name and its counts first, where they lie in a
    narrow window, then its codebook, place in the tree and key."""
    return table[[c for c in FREQUENCY_ORDER if c in table.columns]
                 + [c for c in table.columns if c not in FREQUENCY_ORDER]]


def direction_labels(session: Session, project_id: int, codebook_id: int, keys: tuple[str, ...],
                     lang: str) -> dict[str, str]:
    """What to call each direction of a cross-framework matrix in ``lang``: the short word the
    report uses (``report.direction_<key>``) when the catalogue has one, else the code's label."""
    codes = displays.code_frame(session, project_id, lang)
    codes = codes[codes["codebook_id"] == codebook_id]
    labels = dict(zip(codes["key"], codes["label"], strict=True))
    words = catalogue(lang)
    return {key: words.get(f"report.direction_{key}") or str(labels.get(key, key)) for key in keys}


def cross_pair(session: Session, project_id: int, books: list[common.BookInfo]) -> CrossPair | None:
    """The default pair of codebooks for the cross-framework matrix: the one a codebook's metadata
    names (``meta.cross_framework_factors``), else the first codebook against itself."""
    if not books:
        return None
    rows, factors = codebook_meta.cross_framework_pair(session, project_id) or (books[0].id, books[0].id)
    return CrossPair(rows, factors, codebook_meta.directions(session, factors))


def directions(session: Session, codebook_id: int) -> tuple[str, ...]:
    """The direction codes (keys) of a factors codebook; the cross-framework matrix splits by them."""
    return codebook_meta.directions(session, codebook_id)
