"""Displays people want to show: count charts with whole-number axes and code colours, count
matrices shaded by count, and the co-occurrence network across codebooks (force-directed,
deterministic, every label in full and escaped; SVG, PNG and GEXF for Gephi)."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import networkx as nx
import pandas as pd
import pytest

from qualcode.analysis import displays as d
from qualcode.files import charts
from qualcode.models import Code
from tests.test_displays import Study, study  # noqa: F401  (the shared tiny study fixture)

SVG = "{http://www.w3.org/2000/svg}"
PNG = b"\x89PNG\r\n\x1a\n"


def test_count_charts_have_whole_number_axes():
    table = pd.DataFrame({"code": ["Dialog", "Kepercayaan"], "codings": [3, 1]})
    axis = charts.bar_chart(table, x="codings", y="code").to_dict()["encoding"]["x"]["axis"]
    assert axis["format"] == "d" and axis["tickMinStep"] == 1
    share = charts.bar_chart(table, x="codings", y="code", counts=False).to_dict()["encoding"]["x"]
    assert "format" not in share.get("axis", {}), "a percentage keeps its fractions"
    # vl-convert renders the count chart: with a peak of 3 the ticks are 0, 1, 2, 3, never 0.5.
    import vl_convert

    svg = vl_convert.vegalite_to_svg(charts.bar_chart(table, x="codings", y="code").to_json())
    ticks = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text") if t.text and t.text.replace(".", "").isdigit()]
    assert ticks and all("." not in t for t in ticks), ticks


def test_bars_that_stand_for_codes_take_the_code_colours():
    table = pd.DataFrame({"label": ["Dialog", "Kepercayaan", "<b>x</b>"], "segments": [3, 2, 1]})
    colours = {"Dialog": "#4E79A7", "Kepercayaan": "#F28E2B", "<b>x</b>": "red; background: url(x)"}
    colour = charts.bar_chart(table, x="segments", y="label", colours=colours).to_dict()["encoding"]["color"]
    assert colour["field"] == "label" and colour["legend"] is None
    assert colour["scale"] == {"domain": ["Dialog", "Kepercayaan", "<b>x</b>"],
                               "range": ["#4E79A7", "#F28E2B", charts.FALLBACK_COLOUR]}
    # Split by coder, the colour field is the coder's and the codes' colours stay out of it.
    split = pd.DataFrame({"code": ["Dialog", "Dialog"], "by": ["ani", "budi"], "codings": [2, 1]})
    by = charts.bar_chart(split, x="sum(codings)", y="code", colour="by").to_dict()["encoding"]["color"]
    assert by["field"] == "by" and "scale" not in by
    svg = charts.bar_chart_svg(["Dialog", "Kepercayaan"], [3, 2], "Segmen", ["#4E79A7", "bad"])
    fills = [r.get("fill") for r in ET.fromstring(svg).iter(f"{SVG}rect")][1:]
    assert fills == ["#4E79A7", charts.FALLBACK_COLOUR]


def test_count_matrices_are_shaded_by_count_and_stay_data():
    table = pd.DataFrame({"Dialog": [0, 2, 4], "Catatan": ["<b>teks</b>", "", "x"], "Ada": [True, False, True]},
                         index=pd.Index(["a", "b", "c"], name="informant"))
    styles = d.shade_styles(table)
    assert styles.shape == table.shape
    assert styles.loc["a", "Dialog"] == "", "zero keeps the theme's colours"
    low, high = styles.loc["b", "Dialog"], styles.loc["c", "Dialog"]
    assert low.startswith("background-color: #") and high.startswith("background-color: #") and low != high
    assert "color: #ffffff" in high and "color: #111111" in low, "text stays readable on the shade"
    assert (styles["Catatan"] == "").all() and (styles["Ada"] == "").all(), "text and yes/no cells are not shaded"
    assert (d.shade_styles(table, ["Catatan"]) == "").all().all(), "only the columns asked for"
    styler = d.shade(table)
    assert styler.data is table  # the values stay data (st.dataframe draws them as text)
    assert "background-color: #" in styler.to_html()


def test_role_ordered_matrix_is_shaded_where_codings_are(session, study):  # noqa: F811
    table = d.role_ordered_matrix(session, study.pid, study.ag, lang="en")
    styles = d.shade_styles(table)
    assert styles.loc["pemerintah", "Collaborative process"].startswith("background-color")
    assert styles.loc["pemerintah", "Starting conditions"] == ""


def network_of(session, study):  # type: ignore[no-untyped-def]  # noqa: F811
    return d.cooccurrence_network(session, study.pid, d.cooccurrence(session, study.pid, lang="en"), lang="en")


def test_network_spans_codebooks_with_code_colours_and_weights(session, study):  # noqa: F811
    graph = network_of(session, study)
    nodes = dict(graph.nodes(data=True))
    assert {"trust_building", "face_to_face_dialogue", "capacity", "inhibiting"} <= set(nodes)
    books = {n["codebook"] for n in nodes.values()}
    assert len(books) == 2, "codes of both codebooks in one network"
    stored = {c.key: c.colour for c in session.query(Code).filter(Code.project_id == study.pid)}
    assert all(data["colour"] == stored[key] for key, data in nodes.items())
    assert nodes["face_to_face_dialogue"]["segments"] == 2 and nodes["face_to_face_dialogue"]["label"] == \
        "Face-to-face dialogue"
    assert graph["face_to_face_dialogue"]["trust_building"]["weight"] == 1
    assert graph.has_edge("capacity", "inhibiting"), "Najam's C and its direction, across the codebook line"
    only_ag = d.cooccurrence(session, study.pid, d.Filters(codebook_ids=(study.ag,)), lang="en")
    assert "capacity" not in d.cooccurrence_network(session, study.pid, only_ag)


def hostile_graph() -> nx.Graph:
    long = "Komitmen terhadap proses kolaborasi lintas organisasi perangkat daerah dan swasta"
    graph = nx.Graph()
    nodes = {"a": long, "b": "<script>alert(1)</script>", "c": "Dialog & \"tatap\" muka", "d": "Kepercayaan",
             "e": "Sumber daya\x07 anggaran"}
    for i, (key, label) in enumerate(nodes.items()):
        graph.add_node(key, label=label, codebook="Ansell & Gash" if i < 3 else "Najam <5C>", colour="#59A14F",
                       segments=i + 1)
    graph.add_edge("a", "b", weight=3)
    graph.add_edge("b", "c", weight=1)
    graph.add_edge("c", "d", weight=2)
    return graph


def test_network_layout_is_deterministic_and_draws_every_label_in_full_and_escaped():
    graph = hostile_graph()
    assert charts.network_layout(graph) == charts.network_layout(graph.copy())
    svg = charts.network_svg(graph, colour_by="codebook", legend_title="Buku kode")
    assert svg == charts.network_svg(graph.copy(), colour_by="codebook", legend_title="Buku kode")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    root = ET.fromstring(svg)  # well-formed XML, control characters dropped
    texts = [t.text for t in root.iter(f"{SVG}text")]
    for label in ("Komitmen terhadap proses kolaborasi lintas organisasi perangkat daerah dan swasta",
                  "<script>alert(1)</script>", 'Dialog & "tatap" muka', "Kepercayaan", "Sumber daya anggaran"):
        assert texts.count(label) == 1, (label, texts)
    assert {"Ansell & Gash", "Najam <5C>", "Buku kode"} <= set(texts), "the codebook legend"
    assert len(list(root.iter(f"{SVG}circle"))) == 5 + 2 and len(list(root.iter(f"{SVG}line"))) == 3
    # Every label lies inside the picture (the view box grows to hold the longest).
    x0, y0, width, height = (float(v) for v in root.get("viewBox", "").split())
    for text in root.iter(f"{SVG}text"):
        assert x0 <= float(text.get("x", 0)) <= x0 + width and y0 <= float(text.get("y", 0)) <= y0 + height
    png = charts.svg_png(svg, scale=1)
    assert png.startswith(PNG) and int.from_bytes(png[16:20], "big") == round(width)


def test_labels_of_a_crowded_network_do_not_pile_up():
    graph = nx.complete_graph(12)
    nx.set_node_attributes(graph, {n: f"Kode nomor {n} dengan nama panjang" for n in graph}, "label")
    svg = charts.network_svg(graph)
    boxes = []
    for text in ET.fromstring(svg).iter(f"{SVG}text"):
        x, y, w = float(text.get("x", 0)), float(text.get("y", 0)), charts.CHAR_WIDTH * len(text.text or "")
        left = {"start": x, "end": x - w}.get(text.get("text-anchor", ""), x - w / 2)
        boxes.append((left, y - charts.FONT, left + w, y + 2))
    overlaps = sum(charts._overlap(a, b) > 0 for i, a in enumerate(boxes) for b in boxes[i + 1:])
    assert overlaps <= 2, overlaps


def test_network_as_gexf_for_gephi():
    graph = hostile_graph()
    data = charts.network_gexf(graph)
    assert b"http://gexf.net/1.2draft/viz" in data or b"http://www.gexf.net/1.2draft/viz" in data
    back = nx.read_gexf(io.BytesIO(data))
    assert back.number_of_nodes() == 5 and back.number_of_edges() == 3
    assert back.nodes["b"]["label"] == "<script>alert(1)</script>"
    assert back.nodes["a"]["codebook"] == "Ansell & Gash" and back.nodes["e"]["label"] == "Sumber daya anggaran"
    assert back.nodes["a"]["viz"]["color"] == {"r": 0x59, "g": 0xA1, "b": 0x4F, "a": 1.0}
    assert back.nodes["d"]["viz"]["size"] == 4.0 and "position" in back.nodes["d"]["viz"]
    assert back["a"]["b"]["weight"] == 3.0 and back["c"]["d"]["weight"] == 2.0


def test_network_of_a_study_downloads(session, study):  # noqa: F811
    graph = network_of(session, study)
    svg = charts.network_svg(graph)
    texts = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]
    assert "Power, resource and knowledge asymmetries" in texts, "a label longer than 32 characters, in full"
    back = nx.read_gexf(io.BytesIO(charts.network_gexf(graph)))
    assert back.nodes["trust_building"]["label"] == "Trust-building"
    assert charts.svg_png(svg, scale=1).startswith(PNG)


@pytest.mark.parametrize("edges", [pd.DataFrame(columns=["source", "target", "weight"])])
def test_an_empty_network_draws_an_empty_picture(edges):
    svg = charts.network_svg(edges)
    assert ET.fromstring(svg).tag == f"{SVG}svg"
    assert nx.read_gexf(io.BytesIO(charts.network_gexf(nx.Graph()))).number_of_nodes() == 0
