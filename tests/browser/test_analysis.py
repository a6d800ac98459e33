"""The Miles–Huberman workflow in a real Chromium on the demo project, across the three pages of
the Analysis section: memo and pattern code (Condensation, still at /analysis), case- and
role-ordered matrices with a drill-down to segments and into the Coding page (Display), a
conclusion with supporting and contradicting evidence and its triangulation, evidence from another
stakeholder group found by searching every segment (Conclusions)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from qualcode.analysis.tables import Conclusion, ConclusionEvidence, PatternCode
from qualcode.db import make_engine, read_session
from qualcode.models import Memo
from tests.browser.conftest import Server, choose_option, demo_running, rerun, screenshot, wait_for_app

pytestmark = pytest.mark.browser

CONDENSATION, DISPLAY, CONCLUSIONS = "Kondensasi", "Penyajian", "Kesimpulan"
CODINGS = {  # document title prefix -> (phrase, codes); the codings the test needs, made through the service
    "Wawancara Kepala Bidang": ("masing-masing puskesmas", ("trust_building", "commitment", "supporting")),
    "Wawancara Manajer Operasional": ("ambulans", ("face_to_face_dialogue", "capacity", "inhibiting")),
    "Observasi rapat": ("rapat", ("trust_building",)),
}


@pytest.fixture
def analysis_server(sqlite_url: str, tmp_path: Path) -> Iterator[Server]:
    codings = {prefix: {phrase: keys} for prefix, (phrase, keys) in CODINGS.items()}
    with demo_running(sqlite_url, tmp_path / "streamlit.log", codings) as server:
        yield server


def panel(page):  # type: ignore[no-untyped-def]
    return page.locator("[data-testid='stMain']")


def open_page(page, title: str) -> None:  # type: ignore[no-untyped-def]
    """Open an Analysis page from the sidebar's Analysis section."""
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=title).click()
    wait_for_app(page, title)


def choose(page, label: str, text: str, nth: int = 0) -> None:  # type: ignore[no-untyped-def]
    """Pick the option containing ``text`` in the ``nth`` selectbox labelled ``label`` of the
    open tab (``choose_option``: once the page has settled, and with the run it starts)."""
    choose_option(page, panel(page).locator("[data-testid='stSelectbox']").filter(has_text=label).nth(nth), text)


def click(page, name: str, shows: str) -> None:  # type: ignore[no-untyped-def]
    """Click a button whose action stores something and reruns the page, then wait for the rerun
    to end; ``shows`` is a text only that rerun shows (the toast, or the new row)."""
    with rerun(page):
        panel(page).get_by_role("button", name=name).first.click()
    page.get_by_text(shows).first.wait_for(state="attached")


def pick(page, text: str) -> None:  # type: ignore[no-untyped-def]
    """Click a radio option (a display) and wait for the run it starts."""
    with rerun(page):
        panel(page).get_by_text(text).click()


def rows(url, model):  # type: ignore[no-untyped-def]
    engine = make_engine(url)
    with read_session(engine) as session:
        out = list(session.scalars(select(model)))
    engine.dispose()
    return out


def test_memo_pattern_matrices_drill_and_conclusion(analysis_server, page):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{analysis_server.url}/analysis")  # the single Analysis page's old address
    wait_for_app(page, CONDENSATION)

    # Condensation: a memo, then a pattern code.
    panel(page).get_by_label("Judul memo").fill("Kepercayaan antar OPD")
    panel(page).get_by_label("Isi memo").fill("Kepercayaan tumbuh dari rapat rutin puskesmas.")
    click(page, "Simpan memo", shows="Memo tersimpan.")
    assert [m.title for m in rows(analysis_server.database_url, Memo)] == ["Kepercayaan antar OPD"]
    panel(page).get_by_label("Kode pola atau tema").fill("Modal sosial")
    picker = panel(page).locator("[data-testid='stMultiSelect']").filter(has_text="Kode siklus pertama")
    for key in ("trust_building", "face_to_face_dialogue"):
        picker.click()
        page.keyboard.type(key)
        page.get_by_role("option").filter(has_text=key).first.click()
        page.keyboard.press("Escape")
    click(page, "Simpan kode pola", shows="Kode pola 'Modal sosial' tersimpan.")
    [pattern] = rows(analysis_server.database_url, PatternCode)
    assert pattern.name == "Modal sosial"
    screenshot(page, "analysis_condensation")

    # Display: case-ordered, then role-ordered with a drill-down to the segments.
    open_page(page, DISPLAY)
    pick(page, "Matriks urut kasus")
    panel(page).get_by_text("kutipan terkondensasi", exact=True).wait_for()
    panel(page).locator("[data-testid='stDataFrame']").first.wait_for()
    panel(page).get_by_text("Informan A1").first.wait_for(state="attached")  # the grid's accessible cells
    screenshot(page, "analysis_case_ordered")
    pick(page, "Matriks urut peran")
    choose(page, "Baris", "pemerintah")
    choose(page, "Kolom", "Proses kolaborasi")
    panel(page).get_by_text("masing-masing puskesmas").first.wait_for()
    panel(page).get_by_text("Segmen di balik sel").scroll_into_view_if_needed()
    screenshot(page, "analysis_drill_down")
    panel(page).get_by_role("button", name="Buka di Pengodean").first.click()
    page.get_by_role("heading", name="Pengodean").first.wait_for()
    page.locator(".qc-doc").wait_for()
    screenshot(page, "analysis_opened_in_coding")

    # Conclusions: one with supporting and contradicting evidence, and its triangulation.
    page.goto(f"{analysis_server.url}/display")
    wait_for_app(page, DISPLAY)
    pick(page, "Kemunculan bersama")
    panel(page).locator("[data-testid='stImage'] img").first.wait_for()
    panel(page).get_by_role("button", name="Unduh grafik (SVG)").scroll_into_view_if_needed()
    screenshot(page, "analysis_cooccurrence_network")
    open_page(page, CONCLUSIONS)
    panel(page).get_by_label("Pernyataan (proposisi)").fill("Rapat rutin membangun kepercayaan antar OPD.")
    choose(page, "Dimensi", "trust_building")
    click(page, "Tambah kesimpulan", shows="Kesimpulan ditambahkan.")
    panel(page).get_by_text("Belum ada bukti pendukung").wait_for()
    choose(page, "Segmen", "Wawancara Kepala Bidang")
    panel(page).get_by_label("Catatan").first.fill("Puskesmas saling percaya")
    click(page, "Tautkan bukti", shows="Puskesmas saling percaya")  # the evidence table of the rerun
    panel(page).get_by_text("Tipis: bukti pendukung hanya berasal dari satu kelompok").wait_for()
    choose(page, "Segmen", "Observasi rapat")
    panel(page).get_by_test_id("stRadioGroup").get_by_text("bertentangan", exact=True).click()
    panel(page).get_by_label("Catatan").first.fill("Rapat tanpa perwakilan puskesmas")
    click(page, "Tautkan bukti", shows="Rapat tanpa perwakilan puskesmas")  # the evidence table of the rerun
    panel(page).get_by_text("Triangulasi").scroll_into_view_if_needed()
    screenshot(page, "analysis_triangulation")
    # Evidence from another group: the code filter cleared, a text search and the group filter find
    # the private operator's words (coded with another dimension); linking them ends "one group".
    codes = panel(page).locator("[data-testid='stMultiSelect']").filter(has_text="Kode")
    expect(codes).to_contain_text("trust_building")
    with rerun(page):
        codes.locator("input").click()
        page.keyboard.press("Backspace")
    page.keyboard.press("Escape")
    expect(codes).not_to_contain_text("trust_building")
    with rerun(page):
        panel(page).get_by_label("Kata dalam segmen").fill("ambulans")
        page.keyboard.press("Enter")
    groups = panel(page).locator("[data-testid='stMultiSelect']").filter(has_text="Kelompok pemangku kepentingan")
    groups.click()
    page.keyboard.type("swasta")
    with rerun(page):
        page.get_by_role("option").filter(has_text="swasta").first.click()
    page.keyboard.press("Escape")
    panel(page).get_by_text("segmen cocok").wait_for()
    choose(page, "Segmen", "Informan B1")
    panel(page).get_by_label("Catatan").first.fill("Operator swasta ikut rapat rutin")
    click(page, "Tautkan bukti", shows="Operator swasta ikut rapat rutin")  # the evidence table of the rerun
    expect(panel(page).get_by_label("Catatan").first).to_have_value("")  # the form is empty for the next one
    expect(panel(page).get_by_text("Tipis: bukti pendukung hanya berasal dari satu kelompok")).to_have_count(0)
    panel(page).get_by_text("Cari bukti di semua segmen").scroll_into_view_if_needed()
    screenshot(page, "analysis_evidence_search")
    assert panel(page).get_by_text("Tipis: bukti pendukung hanya berasal dari satu jenis sumber").count() == 1
    [conclusion] = rows(analysis_server.database_url, Conclusion)
    assert conclusion.statement == "Rapat rutin membangun kepercayaan antar OPD."
    stances = sorted((e.stance, e.note) for e in rows(analysis_server.database_url, ConclusionEvidence))
    assert stances == [("contradicting", "Rapat tanpa perwakilan puskesmas"),
                       ("supporting", "Operator swasta ikut rapat rutin"), ("supporting", "Puskesmas saling percaya")]
    assert errors == []


def test_a_double_click_on_record_tactic_records_it_once(analysis_server, page):
    """A fast double-click on "Catat taktik": the second click's callback runs before the page has
    drawn the emptied form. No exception, one tactic with its note, and the triangulation says
    negative evidence was sought rather than "have you looked?"."""
    from qualcode.analysis.tables import ConclusionTactic

    page.goto(f"{analysis_server.url}/conclusions")
    wait_for_app(page, CONCLUSIONS)
    panel(page).get_by_label("Pernyataan (proposisi)").fill("Rapat rutin membangun kepercayaan antar OPD.")
    click(page, "Tambah kesimpulan", shows="Kesimpulan ditambahkan.")
    panel(page).get_by_text("sudahkah mencari bukti negatif").wait_for()
    form = panel(page).locator("[data-testid='stForm']").filter(has_text="Catat taktik")
    choose_option(page, form.locator("[data-testid='stSelectbox']"), "mencari bukti negatif")
    form.get_by_label("Catatan").fill("Dicari di wawancara swasta")
    with rerun(page):
        form.get_by_role("button", name="Catat taktik").dblclick()
    # (the toast of the first click's run may go with that run, which the second click interrupts)
    panel(page).get_by_text("Bukti negatif sudah dicari").wait_for()
    expect(form.get_by_label("Catatan")).to_have_value("")  # the emptied form is drawn
    expect(panel(page).get_by_test_id("stException")).to_have_count(0)
    expect(panel(page).get_by_text("sudahkah mencari bukti negatif")).to_have_count(0)
    tactics = [(t.tactic, t.note) for t in rows(analysis_server.database_url, ConclusionTactic)]
    assert tactics == [("looking_for_negative_evidence", "Dicari di wawancara swasta")]
    screenshot(page, "conclusions_double_click_tactic")
