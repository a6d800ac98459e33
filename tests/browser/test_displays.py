"""Displays people show, in a real Chromium on the demo project: the code frequencies as a chart in
code colours with a PNG download, the co-occurrence network across codebooks (every label in full)
with PNG and GEXF downloads, and the Codebook page's code tree (indented, a colour swatch and the
number of codings per code)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest

from tests.browser.conftest import Server, demo_running, screenshot, wait_for_app, wait_idle

pytestmark = pytest.mark.browser

PNG = b"\x89PNG\r\n\x1a\n"
CODINGS = {  # document title prefix -> phrases, each coded with codes of several codebooks
    "Wawancara Kepala Bidang": {"masing-masing puskesmas": ("trust_building", "commitment", "supporting",
                                                            "mutual_trust")},
    "Wawancara Manajer Operasional": {"ambulans": ("face_to_face_dialogue", "capacity", "inhibiting",
                                                   "power_resource_knowledge_asymmetries")},
    "Observasi rapat": {"rapat": ("trust_building", "face_to_face_dialogue", "mutual_trust")},
}
LONG_LABEL = "Ketimpangan kekuasaan, sumber daya, dan pengetahuan"  # longer than the old 32-character cut


@pytest.fixture
def display_server(sqlite_url: str, tmp_path: Path) -> Iterator[Server]:
    with demo_running(sqlite_url, tmp_path / "streamlit.log", CODINGS) as server:
        yield server


def panel(page):  # type: ignore[no-untyped-def]
    return page.locator("[data-testid='stMain']")


def download(page, name: str) -> tuple[str, bytes]:  # type: ignore[no-untyped-def]
    with page.expect_download(timeout=90_000) as info:  # a PNG is rendered when clicked
        panel(page).get_by_role("button", name=name).first.click()
    item = info.value
    wait_idle(page)
    return item.suggested_filename, Path(item.path()).read_bytes()


def test_frequency_chart_and_network_download_as_png_and_gexf(display_server, page):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{display_server.url}/display")
    wait_for_app(page, "Penyajian")

    # Frequencies: the Altair chart, downloadable as PNG (rendered on the server when clicked).
    panel(page).locator("[data-testid='stVegaLiteChart']").first.wait_for()
    name, data = download(page, "Unduh grafik (PNG)")
    assert name == "frequencies.png" and data.startswith(PNG)
    screenshot(page, "display_frequencies")

    # Co-occurrence: every codebook by default, the network with full labels.
    panel(page).get_by_text("Kemunculan bersama").click()
    wait_for_app(page)
    books = panel(page).locator("[data-testid='stMultiSelect']").filter(has_text="Buku kode dalam jaringan")
    for book in ("Ansell", "Najam", "Emerson"):
        assert book in books.inner_text()
    image = panel(page).locator("[data-testid='stImage'] img").first
    image.wait_for()
    image.scroll_into_view_if_needed()
    screenshot(page, "display_network")
    name, svg = download(page, "Unduh grafik (SVG)")
    assert name == "cooccurrence.svg" and LONG_LABEL.encode() in svg
    name, data = download(page, "Unduh grafik (PNG)")
    assert name == "cooccurrence.png" and data.startswith(PNG)
    name, gexf = download(page, "Unduh jaringan (GEXF, untuk Gephi)")
    graph = nx.read_gexf(io.BytesIO(gexf))
    labels = {d["label"] for _, d in graph.nodes(data=True)}
    assert {"Membangun kepercayaan", "Kapasitas", "Saling percaya", LONG_LABEL} <= labels
    assert len({d["codebook"] for _, d in graph.nodes(data=True)}) == 3, "codes of all three codebooks"
    assert graph["capacity"]["inhibiting"]["weight"] == 1.0

    # Colour by codebook: the legend names the codebooks; leaving one out drops its codes.
    before = image.get_attribute("src")
    panel(page).get_by_text("buku kode", exact=True).click()
    page.wait_for_function("old => document.querySelector(\"[data-testid='stMain'] [data-testid='stImage'] img\")"
                           "?.getAttribute('src') !== old", arg=before)
    wait_for_app(page)
    screenshot(page, "display_network_by_codebook")
    _, legend = download(page, "Unduh grafik (SVG)")
    assert b"Policy implementation, 5C protocol (Najam 1995)</text>" in legend and legend != svg
    assert page.locator("[data-testid='stException']").count() == 0
    assert errors == []


def test_code_tree_is_drawn_as_a_tree(display_server, page):
    page.goto(f"{display_server.url}/codebook")
    wait_for_app(page, "Buku kode")
    tree = panel(page)

    def heading(key: str):  # type: ignore[no-untyped-def]
        return tree.locator("[data-testid='stExpander'] summary", has_text=key).first

    heading("mutual_trust").wait_for()
    assert re.search(r"· \d+ pengodean", heading("trust_building").inner_text()), "the number of codings"
    x = {key: (heading(key).bounding_box() or {})["x"] for key in
         ("collaborative_process", "trust_building", "collaboration_dynamics", "shared_motivation", "mutual_trust")}
    assert x["collaborative_process"] + 10 < x["trust_building"], "a sub-code is indented"
    assert x["collaboration_dynamics"] + 10 < x["shared_motivation"] < x["mutual_trust"] - 10, "each level further"
    swatches = page.evaluate("""() => [...document.querySelectorAll(
        "[data-testid='stMain'] [data-testid='stColumn'] [data-testid='stMarkdownContainer'] span[style]")]
        .filter(s => !s.closest("[data-testid='stExpander']")).length""")  # beside each code, not inside
    assert swatches == tree.locator("[data-testid='stExpander']").count(), "a colour swatch per code"
    heading("trust_building").click()
    tree.get_by_text("collaborative_process/trust_building", exact=False).first.wait_for()
    wait_idle(page)
    screenshot(page, "codebook_tree")
