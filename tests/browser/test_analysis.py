"""The Miles–Huberman workflow in a real Chromium on the demo project, across the three pages of
the Analysis section: memo and pattern code (Condensation, still at /analysis), case- and
role-ordered matrices with a drill-down to segments and into the Coding page (Display), a
conclusion with supporting and contradicting evidence and its triangulation (Conclusions)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from qualcode.analysis.tables import Conclusion, ConclusionEvidence, PatternCode
from qualcode.db import make_engine, read_session, unit_of_work
from qualcode.demo import load_demo
from qualcode.models import Code, Document, Memo
from qualcode.services import projects
from qualcode.services.codings import code_span
from tests.browser.conftest import Server, running_server, screenshot, wait_for_app

pytestmark = pytest.mark.browser

CONDENSATION, DISPLAY, CONCLUSIONS = "Kondensasi", "Penyajian", "Kesimpulan"
CODINGS = {  # document title prefix -> (phrase, codes); the codings the test needs, made through the service
    "Wawancara Kepala Bidang": ("masing-masing puskesmas", ("trust_building", "commitment", "supporting")),
    "Wawancara Manajer Operasional": ("ambulans", ("face_to_face_dialogue", "capacity", "inhibiting")),
    "Observasi rapat": ("rapat", ("trust_building",)),
}


@pytest.fixture
def analysis_server(sqlite_url: str, tmp_path: Path) -> Iterator[Server]:
    engine = make_engine(sqlite_url)
    with unit_of_work(engine) as session:
        load_demo(session)
        owner = projects.get_user_by_login(session, "peneliti")
        code = {c.key: c.id for c in session.scalars(select(Code))}
        for prefix, (phrase, keys) in CODINGS.items():
            doc = session.scalar(select(Document).where(Document.title.like(prefix + "%")))
            start = doc.text.index(phrase)
            for key in keys:
                code_span(session, doc.id, start, start + len(phrase), code[key], actor_id=owner.id)
    engine.dispose()
    with running_server(sqlite_url, tmp_path / "streamlit.log") as server:
        yield server


def panel(page):  # type: ignore[no-untyped-def]
    return page.locator("[data-testid='stMain']")


def open_page(page, title: str) -> None:  # type: ignore[no-untyped-def]
    """Open an Analysis page from the sidebar's Analysis section."""
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=title).click()
    wait_for_app(page, title)


def choose(page, label: str, text: str, nth: int = 0) -> None:  # type: ignore[no-untyped-def]
    box = panel(page).locator("[data-testid='stSelectbox']").filter(has_text=label).nth(nth)
    box.click()
    page.keyboard.type(text)
    page.get_by_role("option").filter(has_text=text).first.click()
    wait_for_app(page)


def click(page, name: str) -> None:  # type: ignore[no-untyped-def]
    panel(page).get_by_role("button", name=name).first.click()
    wait_for_app(page)


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
    click(page, "Simpan memo")
    page.get_by_text("Memo tersimpan.").wait_for()
    assert [m.title for m in rows(analysis_server.database_url, Memo)] == ["Kepercayaan antar OPD"]
    panel(page).get_by_label("Kode pola atau tema").fill("Modal sosial")
    picker = panel(page).locator("[data-testid='stMultiSelect']").filter(has_text="Kode siklus pertama")
    for key in ("trust_building", "face_to_face_dialogue"):
        picker.click()
        page.keyboard.type(key)
        page.get_by_role("option").filter(has_text=key).first.click()
        page.keyboard.press("Escape")
    click(page, "Simpan kode pola")
    page.get_by_text("Kode pola 'Modal sosial' tersimpan.").wait_for()
    [pattern] = rows(analysis_server.database_url, PatternCode)
    assert pattern.name == "Modal sosial"
    screenshot(page, "analysis_condensation")

    # Display: case-ordered, then role-ordered with a drill-down to the segments.
    open_page(page, DISPLAY)
    panel(page).get_by_text("Matriks urut kasus").click()
    wait_for_app(page)
    panel(page).get_by_text("kutipan terkondensasi", exact=True).wait_for()
    panel(page).locator("[data-testid='stDataFrame']").first.wait_for()
    panel(page).get_by_text("Informan A1").first.wait_for(state="attached")  # the grid's accessible cells
    screenshot(page, "analysis_case_ordered")
    panel(page).get_by_text("Matriks urut peran").click()
    wait_for_app(page)
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
    panel(page).get_by_text("Kemunculan bersama").click()
    wait_for_app(page)
    panel(page).locator("[data-testid='stImage'] img").first.wait_for()
    panel(page).get_by_role("button", name="Unduh grafik (SVG)").scroll_into_view_if_needed()
    screenshot(page, "analysis_cooccurrence_network")
    open_page(page, CONCLUSIONS)
    panel(page).get_by_label("Pernyataan (proposisi)").fill("Rapat rutin membangun kepercayaan antar OPD.")
    choose(page, "Dimensi", "trust_building")
    click(page, "Tambah kesimpulan")
    page.get_by_text("Kesimpulan ditambahkan.").wait_for()
    panel(page).get_by_text("Belum ada bukti pendukung").wait_for()
    choose(page, "Segmen", "Wawancara Kepala Bidang")
    panel(page).get_by_label("Catatan").first.fill("Puskesmas saling percaya")
    click(page, "Tautkan bukti")
    page.get_by_text("Bukti ditautkan.").wait_for()
    panel(page).get_by_text("Tipis: bukti pendukung hanya berasal dari satu kelompok").wait_for()
    choose(page, "Segmen", "Observasi rapat")
    panel(page).get_by_text("bertentangan", exact=True).click()
    panel(page).get_by_label("Catatan").first.fill("Rapat tanpa perwakilan puskesmas")
    click(page, "Tautkan bukti")
    page.get_by_text("Bukti ditautkan.").wait_for()
    panel(page).get_by_text("Triangulasi").scroll_into_view_if_needed()
    screenshot(page, "analysis_triangulation")
    assert panel(page).get_by_text("Tipis: bukti pendukung hanya berasal dari satu jenis sumber").count() == 1
    [conclusion] = rows(analysis_server.database_url, Conclusion)
    assert conclusion.statement == "Rapat rutin membangun kepercayaan antar OPD."
    stances = sorted((e.stance, e.note) for e in rows(analysis_server.database_url, ConclusionEvidence))
    assert stances == [("contradicting", "Rapat tanpa perwakilan puskesmas"), ("supporting", "Puskesmas saling percaya")]
    assert errors == []
