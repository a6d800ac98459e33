"""AppTest on the demo project for the displays people show: count charts with whole-number axes
in code colours and a PNG download beside each, shaded matrices, the network across codebooks
(SVG, PNG and GEXF downloads; codebooks to include), and the Codebook page's code tree."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from qualcode.db import read_session
from qualcode.models import Code, Coding
from tests.apptest import open_page

ROOT = Path(__file__).resolve().parent.parent
DISPLAY, REVIEW, CODEBOOK = "app_pages/display.py", "app_pages/review.py", "app_pages/codebook.py"




def download_keys(at: AppTest) -> set[str]:
    return {b.proto.id.rsplit("-", 1)[-1] for b in at.get("download_button")}


def chart_specs(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


def test_frequency_chart_counts_in_whole_numbers_and_code_colours(demo):
    at = open_page(DISPLAY)
    [spec] = chart_specs(at)
    assert spec["encoding"]["x"]["axis"]["format"] == "d" and spec["encoding"]["x"]["axis"]["tickMinStep"] == 1
    scale = spec["encoding"]["color"]["scale"]
    with read_session(demo) as session:
        stored = {c.colour for c in session.scalars(select(Code))}
    assert scale["range"] and set(scale["range"]) <= stored, "each bar in its code's colour"
    assert len(scale["domain"]) == len(scale["range"])
    assert {"dl_csv", "dl_xlsx", "dl_svg", "dl_png"} <= download_keys(at)


def test_matrices_are_shaded_and_the_network_spans_codebooks(demo):
    at = open_page(DISPLAY)
    at.radio(key="display_kind").set_value("role_ordered").run()
    assert not at.exception
    styled = at.dataframe[0].proto.arrow_data.styler
    assert "background-color" in styled.styles, "count cells shaded"
    at.radio(key="display_kind").set_value("cooccurrence").run()
    assert not at.exception
    books = at.multiselect(key="display_books")
    assert len(books.value) == len(books.options) >= 3, "every codebook by default"
    assert {"dl_svg", "dl_png", "dl_gexf"} <= download_keys(at)
    assert any("kode" in c.value and "tautan" in c.value for c in at.caption)
    at.radio(key="network_colour").set_value("codebook").run()
    assert not at.exception
    books.set_value(books.value[:1]).run()
    assert not at.exception
    assert {"dl_svg", "dl_png", "dl_gexf"} <= download_keys(at)


def test_review_charts_count_in_whole_numbers_with_png_downloads(demo):
    at = open_page(REVIEW)
    assert chart_specs(at)[0]["encoding"]["x"]["axis"]["format"] == "d", "codings are counted"
    assert "review_freq_png" in download_keys(at)
    at.session_state["review_tab"] = "Kemajuan pengodean"  # only the open tab runs
    at.run()
    assert chart_specs(at)[0]["encoding"]["x"]["axis"].get("format") != "d", "percent coded keeps its fractions"
    assert "review_progress_png" in download_keys(at)


def test_code_tree_shows_swatch_name_key_and_codings(demo):
    at = open_page(CODEBOOK)
    labels = [e.label for e in at.main.expander]
    with read_session(demo) as session:
        codes = list(session.scalars(select(Code)))
    assert len(labels) == len(codes)
    trust = next(label for label in labels if "trust_building" in label)
    assert "Membangun kepercayaan" in trust and "pengodean" in trust
    assert next(label for label in labels if "` collaborative_process `" in label).startswith("**"), "top level bold"
    with read_session(demo) as session:
        under = session.scalar(select(func.count(Coding.id)).join(Code).where(Code.path.like("starting_conditions/%")))
    assert under, "the demo codes under Kondisi awal"
    starting = next(label for label in labels if "` starting_conditions `" in label)
    assert f"0 pengodean  ·  {under} bersama sub-kode" in starting, starting
    swatches = [m for m in at.main.markdown if m.value.startswith("<span style=") and "background:#" in m.value]
    assert len(swatches) >= len(codes), "a colour swatch beside each code"
