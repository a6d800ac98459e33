"""Charts: the bar charts every page shows (Altair) and the charts downloaded as standalone SVG.

PNG images of Altair charts come from :func:`chart_png` (vl-convert, no browser). The SVG is
written here, so charts download the same on any server; text is escaped, so a code name cannot inject markup. The Altair charts are built from a
table and column names by :func:`bar_chart`, one helper for the Analysis and Review pages; their
tooltips show cell values as text (Vega-Lite does not render them as HTML).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

import pandas as pd


def bar_chart(table: pd.DataFrame, *, x: str, y: str, x_title: str | None = None, y_title: str | None = None,
              colour: str | None = None, colour_title: str | None = None, sort: Sequence[str] | str = "-x",
              offset: str | None = None, tooltip: Sequence[str] = (), label_limit: int = 280) -> Any:
    """A horizontal Altair bar chart: ``x`` a quantity (``"sum(codings)"`` works), ``y`` the labels."""
    import altair as alt

    encoding: dict[str, Any] = {
        "x": alt.X(f"{x}:Q", title=x_title if x_title is not None else x),
        "y": alt.Y(f"{y}:N", sort=list(sort) if not isinstance(sort, str) else sort,
                   title=y_title if y_title is not None else y, axis=alt.Axis(labelLimit=label_limit)),
    }
    if colour:
        encoding["color"] = alt.Color(f"{colour}:N", title=colour_title if colour_title is not None else colour)
    if offset:
        encoding["yOffset"] = f"{offset}:N"
    if tooltip:
        encoding["tooltip"] = list(tooltip)
    return alt.Chart(table).mark_bar().encode(**encoding)


def chart_png(chart: Any, *, scale: float = 2.0) -> bytes:
    """An Altair chart as PNG bytes, rendered without a browser by vl-convert (its bundled Vega).

    Used for PNG downloads and for the charts in the DOCX and HTML report. Nothing is fetched:
    vl-convert carries Vega, Vega-Lite and its fonts inside the package.
    """
    import vl_convert

    return bytes(vl_convert.vegalite_to_png(chart.to_json(), scale=scale))


def bar_chart_svg(labels: list[str], values: list[int], title: str = "") -> str:
    """A horizontal bar chart, one bar per label."""
    row, left, width = 22, 260, 360
    top = 34 if title else 10
    height = top + row * len(labels) + 10
    peak = max(values, default=0) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 60}" height="{height}" '
             'font-family="sans-serif" font-size="12">']
    if title:
        parts.append(f'<text x="10" y="20" font-size="14" font-weight="bold">{escape(title)}</text>')
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + i * row
        bar = width * value / peak
        parts.append(f'<text x="{left - 6}" y="{y + 15}" text-anchor="end">{escape(label[:40])}</text>')
        parts.append(f'<rect x="{left}" y="{y + 3}" width="{bar:.1f}" height="{row - 6}" fill="#4E79A7"/>')
        parts.append(f'<text x="{left + bar + 4:.1f}" y="{y + 15}">{value}</text>')
    parts.append("</svg>")
    return "".join(parts)


def network_svg(edges: pd.DataFrame, sizes: dict[str, int] | None = None, size: int = 640) -> str:
    """Nodes on a circle, links as lines whose width follows their weight (source, target, weight)."""
    nodes = list(dict.fromkeys([*edges["source"], *edges["target"], *(sizes or {})]))
    width = size + 240  # room for the labels left and right of the circle
    centre, radius = width / 2, size / 2 - 100
    at = {n: (centre + radius * math.cos(2 * math.pi * i / max(len(nodes), 1)),
              size / 2 + radius * math.sin(2 * math.pi * i / max(len(nodes), 1))) for i, n in enumerate(nodes)}
    heaviest = max(edges["weight"], default=1) or 1
    biggest = max((sizes or {}).values(), default=1) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{size}" font-family="sans-serif" '
             'font-size="11">']
    for source, target, weight in edges[["source", "target", "weight"]].itertuples(index=False):
        (x1, y1), (x2, y2) = at[source], at[target]
        parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#999" '
                     f'stroke-opacity="0.7" stroke-width="{1 + 7 * weight / heaviest:.1f}"><title>'
                     f'{escape(source)} — {escape(target)}: {weight}</title></line>')
    for node, (x, y) in at.items():
        r = 5 + 12 * math.sqrt((sizes or {}).get(node, 1) / biggest)
        anchor = "start" if x >= centre else "end"
        dx = r + 3 if x >= centre else -r - 3
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="#F28E2B"/>')
        parts.append(f'<text x="{x + dx:.1f}" y="{y + 4:.1f}" text-anchor="{anchor}">{escape(node[:32])}</text>')
    parts.append("</svg>")
    return "".join(parts)
