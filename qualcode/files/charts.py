"""Charts: the bar charts every page shows (Altair), the co-occurrence network, and their files.

The Altair charts are built from a table and column names by :func:`bar_chart`, one helper for
the Display, Review and Codebook pages and the report: counts get whole-number axes, and bars that
stand for codes take each code's colour. PNG images of Altair charts come from :func:`chart_png`
(vl-convert, no browser); their tooltips show cell values as text (Vega-Lite does not render them
as HTML).

The co-occurrence network is a networkx graph (nodes: codes with their label, codebook, colour
and segments; edges: co-occurrence weight). :func:`network_layout` places it force-directed with
a fixed seed (the same data gives the same picture), :func:`network_svg` draws it with every
label in full and placed where it overlaps least, :func:`svg_png` renders that SVG as PNG and
:func:`network_gexf` writes the graph for Gephi. The SVGs are written here, so charts download the
same on any server; every text is escaped, so a code name cannot inject markup.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

import networkx as nx
import pandas as pd

_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # not allowed in XML 1.0
FALLBACK_COLOUR = "#999999"
# Tableau 10: a colour per codebook when the network is coloured by codebook.
PALETTE = ("#4E79A7", "#F28E2B", "#59A14F", "#E15759", "#76B7B2", "#EDC948", "#B07AA1", "#FF9DA7", "#9C755F",
           "#BAB0AC")
MAX_PNG_WIDTH = 4000  # pixels: a PNG of a big network stays a few megabytes and a few seconds
SEED = 20  # the network layout's seed: the same graph is always drawn the same way


def safe_colour(colour: object) -> str:
    """A ``#RRGGBB`` colour, or a neutral grey when ``colour`` is anything else."""
    return colour if isinstance(colour, str) and _COLOUR.fullmatch(colour) else FALLBACK_COLOUR


def _text(value: object) -> str:
    """Text for SVG or XML: control characters dropped, markup characters escaped."""
    return escape(_CONTROL.sub("", str(value)), {'"': "&quot;"})


COUNT_AXIS: dict[str, Any] = {"format": "d", "tickMinStep": 1}  # counts: whole numbers on the axis, no 0.5


def bar_chart(table: pd.DataFrame, *, x: str, y: str, x_title: str | None = None, y_title: str | None = None,
              colour: str | None = None, colour_title: str | None = None, sort: Sequence[str] | str = "-x",
              offset: str | None = None, tooltip: Sequence[str] = (), label_limit: int = 360,
              colours: Mapping[str, str] | None = None, counts: bool = True) -> Any:
    """A horizontal Altair bar chart: ``x`` a quantity (``"sum(codings)"`` works), ``y`` the labels.

    ``counts`` (the default) gives the quantity axis whole-number ticks. ``colours`` maps the
    values of the colour field (``y`` when no ``colour`` is given: bars that stand for codes) to
    ``#RRGGBB`` colours, an explicit scale domain and range, so a code's bar has the code's colour.
    """
    import altair as alt

    axis = alt.Axis(**COUNT_AXIS) if counts else alt.Axis()
    encoding: dict[str, Any] = {
        "x": alt.X(f"{x}:Q", title=x_title if x_title is not None else x, axis=axis),
        # The label axis's title sits above the labels, level with them: rotated beside long
        # labels (document titles, code names) it ran over them in the browser.
        "y": alt.Y(f"{y}:N", sort=list(sort) if not isinstance(sort, str) else sort,
                   title=y_title if y_title is not None else y,
                   axis=alt.Axis(labelLimit=label_limit, titleAngle=0, titleAlign="right", titleAnchor="end",
                                 titleX=0, titleY=-8, titleBaseline="bottom")),
    }
    if colours is not None:
        field = colour or y
        domain = list(dict.fromkeys(str(v) for v in table[field]))
        scale = alt.Scale(domain=domain, range=[safe_colour(colours.get(v)) for v in domain])
        legend = None if field == y else alt.Legend(title=colour_title if colour_title is not None else field)
        encoding["color"] = alt.Color(f"{field}:N", scale=scale, legend=legend)
    elif colour:
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


def bar_chart_svg(labels: list[str], values: list[int], title: str = "",
                  colours: Sequence[str] | None = None) -> str:
    """A horizontal bar chart, one bar per label (each label in full; ``colours``: one per bar)."""
    row, width = 22, 360
    left = int(max((CHAR_WIDTH * len(str(label)) for label in labels), default=0)) + 16
    top = 34 if title else 10
    height = top + row * len(labels) + 10
    peak = max(values, default=0) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 60}" height="{height}" '
             f'font-family="DejaVu Sans, Arial, sans-serif" font-size="{FONT}">',
             f'<rect width="{left + width + 60}" height="{height}" fill="#ffffff"/>']
    if title:
        parts.append(f'<text x="10" y="20" font-size="14" font-weight="bold">{_text(title)}</text>')
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + i * row
        bar = width * value / peak
        fill = safe_colour(colours[i]) if colours is not None else PALETTE[0]
        parts.append(f'<text x="{left - 6}" y="{y + 15}" text-anchor="end">{_text(label)}</text>')
        parts.append(f'<rect x="{left}" y="{y + 3}" width="{bar:.1f}" height="{row - 6}" fill="{fill}"/>')
        parts.append(f'<text x="{left + bar + 4:.1f}" y="{y + 15}">{_text(value)}</text>')
    parts.append("</svg>")
    return "".join(parts)


FONT = 12
CHAR_WIDTH = 0.68 * FONT  # a generous estimate of one character's width (DejaVu Sans is wide)


def graph_from_edges(edges: pd.DataFrame, sizes: Mapping[str, int] | None = None) -> nx.Graph:
    """A network from a list of links (``source``, ``target``, ``weight``) and node sizes."""
    graph = nx.Graph()
    for node in dict.fromkeys([*edges["source"], *edges["target"], *(sizes or {})]):
        graph.add_node(str(node), label=str(node), segments=int((sizes or {}).get(node, 1)))
    for source, target, weight in edges[["source", "target", "weight"]].itertuples(index=False):
        graph.add_edge(str(source), str(target), weight=int(weight))
    return graph


def _component_layout(graph: nx.Graph, nodes: list[Any], seed: int) -> dict[Any, tuple[float, float]]:
    """One connected part of the network, force-directed in [-1, 1]: networkx ``spring_layout``
    pulled by the links' weights (square-rooted and scaled to at most 1, so a few heavy links do not
    crush the rest together), seeded."""
    if len(nodes) == 1:
        return {nodes[0]: (0.0, 0.0)}
    part = nx.Graph()
    part.add_nodes_from(nodes)
    heaviest = max(float(d.get("weight", 1)) for _, _, d in graph.subgraph(nodes).edges(data=True)) or 1.0
    for a, b, data in graph.subgraph(nodes).edges(data=True):
        part.add_edge(a, b, pull=math.sqrt(float(data.get("weight", 1)) / heaviest))
    k = 1.8 / math.sqrt(len(nodes))  # more room than the default 1/sqrt(n), for the labels
    positions = nx.spring_layout(part, k=k, weight="pull", seed=seed, iterations=300)
    return {node: (float(x), float(y)) for node, (x, y) in positions.items()}


def network_layout(graph: nx.Graph, *, seed: int = SEED) -> dict[Any, tuple[float, float]]:
    """Positions in [-1, 1] for every node: each connected part laid out force-directed
    (:func:`_component_layout`: codes that occur together are drawn close), the parts set side by
    side in rows, biggest first, codes that occur with no other last. The same graph (same nodes in
    the same order) always gets the same positions."""
    if graph.number_of_nodes() == 0:
        return {}
    order = {node: i for i, node in enumerate(graph.nodes)}
    parts = sorted((sorted(c, key=order.__getitem__) for c in nx.connected_components(graph)),
                   key=lambda c: (len(c) == 1, -len(c), order[c[0]]))
    sides = [1.0 if len(c) == 1 else 1.6 * math.sqrt(len(c)) for c in parts]  # a square per part
    row_width = max(max(sides), math.sqrt(sum(side * side for side in sides)) * 1.4)
    placed: dict[Any, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for nodes, side in zip(parts, sides, strict=True):
        if x > 0 and x + side > row_width + 1e-9:
            x, y, row_height = 0.0, y + row_height, 0.0
        for node, (nx_, ny_) in _component_layout(graph, nodes, seed).items():
            placed[node] = (x + side / 2 + nx_ * side * 0.42, y + side / 2 + ny_ * side * 0.42)
        x, row_height = x + side, max(row_height, side)
    xs, ys = [p[0] for p in placed.values()], [p[1] for p in placed.values()]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0  # one scale for both axes: shapes stay
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return {node: (2 * (px - cx) / span, -2 * (py - cy) / span) for node, (px, py) in placed.items()}


def node_colours(graph: nx.Graph, colour_by: str = "code") -> dict[Any, str]:
    """Each node's fill: its code's colour (``colour_by="code"``) or its codebook's (``"codebook"``)."""
    if colour_by == "codebook":
        books = list(dict.fromkeys(str(d.get("codebook", "")) for _, d in graph.nodes(data=True)))
        return {n: PALETTE[books.index(str(d.get("codebook", ""))) % len(PALETTE)] for n, d in graph.nodes(data=True)}
    return {n: safe_colour(d.get("colour")) if d.get("colour") else PALETTE[1] for n, d in graph.nodes(data=True)}


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    """Area shared by two boxes (left, top, right, bottom)."""
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return width * height if width > 0 and height > 0 else 0.0


def _place_labels(at: Mapping[Any, tuple[float, float]], radius: Mapping[Any, float],
                  labels: Mapping[Any, str]) -> dict[Any, tuple[float, float, str]]:
    """Where each label goes (x, baseline y, anchor): beside its node, on the side where it
    overlaps the fewest labels and nodes already placed; the biggest nodes choose first."""
    taken = [(x - r, y - r, x + r, y + r) for n, (x, y) in at.items() for r in (radius[n],)]
    placed: dict[Any, tuple[float, float, str]] = {}
    for node in sorted(at, key=lambda n: -radius[n]):
        x, y = at[node]
        r, width, height = radius[node], CHAR_WIDTH * len(labels[node]), FONT + 2
        candidates = []
        for shift in (0, -height, height, -2 * height, 2 * height):
            candidates += [(x + r + 4, y + 4 + shift, "start"), (x - r - 4, y + 4 + shift, "end")]
            if shift == 0:
                candidates += [(x, y - r - 5, "middle"), (x, y + r + FONT + 3, "middle")]
        best, best_cost = candidates[0], math.inf
        for i, (lx, ly, anchor) in enumerate(candidates):
            left = lx if anchor == "start" else lx - width if anchor == "end" else lx - width / 2
            box = (left, ly - FONT, left + width, ly - FONT + height)
            own = (x - r, y - r, x + r, y + r)
            cost = sum(_overlap(box, other) for other in taken if other != own) + i * 0.5
            if cost < best_cost:
                best, best_cost = (lx, ly, anchor), cost
            if cost < 1:
                break
        lx, ly, anchor = best
        left = lx if anchor == "start" else lx - width if anchor == "end" else lx - width / 2
        taken.append((left, ly - FONT, left + width, ly - FONT + height))
        placed[node] = best
    return placed


def network_svg(network: nx.Graph | pd.DataFrame, sizes: Mapping[str, int] | None = None, size: int = 640, *,
                colour_by: str = "code", seed: int = SEED, legend_title: str = "",
                positions: Mapping[Any, tuple[float, float]] | None = None) -> str:
    """The co-occurrence network as a standalone SVG: nodes placed force-directed
    (:func:`network_layout`), sized by their ``segments``, filled by code or codebook colour;
    links as lines whose width follows their weight; every label in full, with a white halo.
    ``network`` is a graph, or a list of links (``source``, ``target``, ``weight``) with ``sizes``;
    ``positions`` (from :func:`network_layout`) saves laying it out again."""
    graph = graph_from_edges(network, sizes) if isinstance(network, pd.DataFrame) else network
    n = graph.number_of_nodes()
    width = max(size, 560 + 14 * n)
    height = width * 0.72
    positions = positions if positions is not None else network_layout(graph, seed=seed)
    at = {node: (width / 2 + x * width * 0.42, height / 2 - y * width * 0.42) for node, (x, y) in positions.items()}
    segments = {node: max(int(d.get("segments", 1) or 1), 1) for node, d in graph.nodes(data=True)}
    biggest = max(segments.values(), default=1)
    radius = {node: 5 + 13 * math.sqrt(segments[node] / biggest) for node in graph.nodes}
    labels = {node: " ".join(str(d.get("label", node)).split()) for node, d in graph.nodes(data=True)}
    fill = node_colours(graph, colour_by)
    placed = _place_labels(at, radius, labels)

    boxes = [(x - radius[v], y - radius[v], x + radius[v], y + radius[v]) for v, (x, y) in at.items()]
    for node, (lx, ly, anchor) in placed.items():
        w = CHAR_WIDTH * len(labels[node])
        left = lx if anchor == "start" else lx - w if anchor == "end" else lx - w / 2
        boxes.append((left, ly - FONT, left + w, ly + 4))
    legend: list[tuple[str, str]] = []
    if colour_by == "codebook":
        legend = list(dict.fromkeys((str(d.get("codebook", "")), fill[v]) for v, d in graph.nodes(data=True)))
    margin = 12
    x0 = min((b[0] for b in boxes), default=0) - margin
    y0 = min((b[1] for b in boxes), default=0) - margin - 20 * (len(legend) + bool(legend_title and legend))
    x1 = max((b[2] for b in boxes), default=width) + margin
    y1 = max((b[3] for b in boxes), default=height) + margin
    w, h = x1 - x0, y1 - y0
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0f}" height="{h:.0f}" '
             f'viewBox="{x0:.1f} {y0:.1f} {w:.1f} {h:.1f}" font-family="DejaVu Sans, Arial, sans-serif" '
             f'font-size="{FONT}">',
             f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{w:.1f}" height="{h:.1f}" fill="#ffffff"/>']
    heaviest = max((d.get("weight", 1) for _, _, d in graph.edges(data=True)), default=1) or 1
    for source, target, data in sorted(graph.edges(data=True), key=lambda e: e[2].get("weight", 1)):
        (ax, ay), (bx, by) = at[source], at[target]
        weight = data.get("weight", 1)
        share = weight / heaviest
        parts.append(f'<line x1="{ax:.1f}" y1="{ay:.1f}" x2="{bx:.1f}" y2="{by:.1f}" stroke="#6b6b6b" '
                     f'stroke-opacity="{0.25 + 0.5 * share:.2f}" stroke-width="{1 + 7 * share:.1f}"><title>'
                     f'{_text(labels[source])} — {_text(labels[target])}: {_text(weight)}</title></line>')
    for node, (x, y) in at.items():
        data = graph.nodes[node]
        book = f" · {_text(data['codebook'])}" if data.get("codebook") else ""
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius[node]:.1f}" fill="{fill[node]}" '
                     f'stroke="#333333" stroke-width="0.8"><title>{_text(labels[node])}{book}: '
                     f'{segments[node]}</title></circle>')
    for node, (lx, ly, anchor) in placed.items():
        parts.append(f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}" fill="#1a1a1a" paint-order="stroke" '
                     f'stroke="#ffffff" stroke-width="3" stroke-linejoin="round">{_text(labels[node])}</text>')
    top = y0 + margin + 12
    if legend and legend_title:
        parts.append(f'<text x="{x0 + margin:.1f}" y="{top:.1f}" font-weight="bold">{_text(legend_title)}</text>')
        top += 20
    for book, colour in legend:
        parts.append(f'<circle cx="{x0 + margin + 6:.1f}" cy="{top - 4:.1f}" r="6" fill="{colour}"/>'
                     f'<text x="{x0 + margin + 18:.1f}" y="{top:.1f}">{_text(book or "—")}</text>')
        top += 20
    parts.append("</svg>")
    return "".join(parts)


def svg_png(svg: str, *, scale: float = 2.0) -> bytes:
    """An SVG (ours: the network) as PNG bytes, rendered by vl-convert without a browser; the
    scale shrinks for a big picture so the image stays under :data:`MAX_PNG_WIDTH` pixels wide."""
    import vl_convert

    width = re.search(r'<svg[^>]*\swidth="([0-9.]+)"', svg)
    if width and float(width.group(1)) * scale > MAX_PNG_WIDTH:
        scale = max(MAX_PNG_WIDTH / float(width.group(1)), 0.25)
    return bytes(vl_convert.svg_to_png(svg, scale=scale))


def network_gexf(graph: nx.Graph, *, seed: int = SEED,
                 positions: Mapping[Any, tuple[float, float]] | None = None) -> bytes:
    """The network as GEXF 1.2 for Gephi: node labels, codebook, key and segments as attributes,
    the node's colour, size and layout position in the viz namespace, weighted edges."""
    out = nx.Graph()
    positions = positions if positions is not None else network_layout(graph, seed=seed)
    for node, data in graph.nodes(data=True):
        red, green, blue = (int(safe_colour(data.get("colour"))[i:i + 2], 16) for i in (1, 3, 5))
        x, y = positions[node]
        attrs = {k: _CONTROL.sub("", v) if isinstance(v, str) else v for k, v in data.items()}
        attrs["label"] = " ".join(_CONTROL.sub("", str(data.get("label", node))).split())
        attrs["viz"] = {"color": {"r": red, "g": green, "b": blue, "a": 1.0},
                        "size": float(data.get("segments", 1) or 1),
                        "position": {"x": round(x * 500, 2), "y": round(y * 500, 2), "z": 0.0}}
        out.add_node(_CONTROL.sub("", str(node)), **attrs)
    for source, target, data in graph.edges(data=True):
        out.add_edge(_CONTROL.sub("", str(source)), _CONTROL.sub("", str(target)),
                     weight=float(data.get("weight", 1)))
    buffer = io.BytesIO()
    nx.write_gexf(out, buffer)
    return buffer.getvalue()
