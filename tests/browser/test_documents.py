"""The Documents page in a real Chromium, as a researcher meets it: import a UTF-16 transcript,
a Word interview and a metadata sheet together with broken files, read the per-file outcome,
open the imported interview's speaker turns, see the new informant's metadata, and import
the same file a second time (reported as a duplicate, not stored twice)."""

from __future__ import annotations

import csv
import random
import re
from pathlib import Path

import docx
import pytest
from sqlalchemy import func, select

from qualcode.db import make_engine, read_session
from qualcode.models import AuditEvent, Case, Document, Turn
from tests.browser.conftest import choose_option, screenshot, wait_for_app

pytestmark = pytest.mark.browser

TXT_NAME = "W90_relawan_uji.txt"
DOCX_NAME = "W91_camat_uji.docx"
PDF_NAME = "laporan_uji.pdf"
EMPTY_NAME = "catatan_uji.txt"
SHEET_NAME = "metadata_uji.csv"
TXT_TITLE = "Wawancara Koordinator Relawan Dusun Pasirangin (uji)"
DOCX_TITLE = "Wawancara Camat Cibeureum (uji)"
CASE = "Informan Z9"

TRANSCRIPT = (
    "Transkrip wawancara W90 (sintetis, untuk pengujian)\n"
    "Tempat: Balai Desa Cibeureum — Kamis, 3 April 2025\n"
    "\n"
    "[00:01:15] Peneliti: Bagaimana relawan desa menghubungi SIGAP 112 bila ada warga yang sakit?\n"
    "Informan: Kami lapor lewat grup WhatsApp dulu, lalu koordinator menelepon 112.\n"
    "Peneliti: Apa kendala terbesarnya?\n"
    "[00:03:40] Informan: Sinyal di Dusun Pasirangin sering hilang, jadi kami naik ke bukit untuk menelepon.\n"
)
DOCX_TURNS = [
    "P: Sejak kapan kecamatan ikut rapat koordinasi SIGAP 112?",
    "I: Sejak awal 2024; camat diundang tiap bulan ke kabupaten.",
    "P: Apa yang berubah setelah itu?",
    "I: Ambulans desa sekarang tercatat di dasbor, jadi petugas tahu posisinya.",
]


def make_files(folder: Path) -> dict[str, Path]:
    """The files a researcher would upload: good transcripts, a metadata sheet, broken files."""
    files = {name: folder / name for name in (TXT_NAME, DOCX_NAME, PDF_NAME, EMPTY_NAME, SHEET_NAME)}
    files[TXT_NAME].write_bytes(TRANSCRIPT.replace("\n", "\r\n").encode("utf-16"))  # with BOM, Windows lines
    word = docx.Document()
    word.add_heading("Wawancara Camat Cibeureum (sintetis, untuk pengujian)", level=1)
    for line in DOCX_TURNS:
        word.add_paragraph(line)
    word.save(files[DOCX_NAME])
    files[PDF_NAME].write_bytes(random.Random(112).randbytes(4096))  # named .pdf, not a PDF at all
    files[EMPTY_NAME].write_bytes(b"")
    with open(files[SHEET_NAME], "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["file", "title", "kind", "case", "stakeholder_group", "organisation", "position",
                         "interview_date", "interview_place", "interviewer_label"])
        writer.writerow([f"uji/{TXT_NAME}", TXT_TITLE, "interview", CASE, "masyarakat", "Forum Relawan Desa Cibeureum",
                         "Koordinator relawan", "2025-04-03", "Balai Desa Cibeureum", "Peneliti"])
        writer.writerow([f"uji/{DOCX_NAME}", DOCX_TITLE, "interview", CASE, "masyarakat", "Forum Relawan Desa Cibeureum",
                         "Koordinator relawan", "2025-04-03", "Balai Desa Cibeureum", "P"])
    return files


def uploader(page, label: str):  # type: ignore[no-untyped-def]
    """The file input of the uploader with this label."""
    return page.locator("[data-testid='stFileUploader']").filter(has_text=label).locator("input[type=file]").first


def upload(page, label: str, paths: list[Path]) -> None:  # type: ignore[no-untyped-def]
    """Choose files in an uploader and wait until Streamlit lists every one of them."""
    uploader(page, label).set_input_files([str(p) for p in paths])
    box = page.locator("[data-testid='stFileUploader']").filter(has_text=label)
    for path in paths:
        box.locator("[data-testid='stFileChipName']", has_text=path.name).first.wait_for()
    wait_for_app(page)


def alert(page, kind: str, text: str):  # type: ignore[no-untyped-def]
    return page.locator(f"[data-testid='stAlertContent{kind}']", has_text=text).first


def open_import_tab(page, url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{url}/documents")
    wait_for_app(page, "Dokumen")
    page.get_by_role("tab", name="Impor").click()


def click_import(page) -> None:  # type: ignore[no-untyped-def]
    button = page.get_by_role("button", name="Impor", exact=True)
    button.wait_for()
    page.wait_for_function(
        "() => [...document.querySelectorAll('button')].some(b => b.innerText.trim() === 'Impor' && !b.disabled)")
    button.click()
    page.get_by_text("Impor selesai.").first.wait_for(timeout=60_000)
    wait_for_app(page)


def choose(page, label: str, option: str) -> None:  # type: ignore[no-untyped-def]
    """Pick ``option`` in the selectbox labelled ``label``."""
    choose_option(page, page.locator("[data-testid='stSelectbox']").filter(has_text=label).first, option)


def test_import_files_with_a_metadata_sheet(demo_server, page, tmp_path):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    files = make_files(tmp_path)
    engine = make_engine(demo_server.database_url)
    with read_session(engine) as session:
        documents_before = session.scalar(select(func.count()).select_from(Document))

    open_import_tab(page, demo_server.url)
    upload(page, "Berkas yang diimpor", [files[TXT_NAME], files[DOCX_NAME], files[PDF_NAME], files[EMPTY_NAME]])
    upload(page, "Lembar metadata", [files[SHEET_NAME]])
    screenshot(page, "documents_import_chosen")
    click_import(page)

    alert(page, "Success", f"{TXT_NAME}: diimpor (1 dokumen).").wait_for()
    alert(page, "Success", f"{DOCX_NAME}: diimpor (1 dokumen).").wait_for()
    pdf_error = alert(page, "Error", PDF_NAME)
    empty_error = alert(page, "Error", EMPTY_NAME)
    assert "berkas rusak atau sebenarnya bukan berkas .pdf" in pdf_error.inner_text()
    assert "berkasnya kosong" in empty_error.inner_text()
    assert page.locator("[data-testid='stException']").count() == 0
    screenshot(page, "documents_import_result")

    # What was stored: the two good files with their turns, linked to the new case; nothing of the broken ones.
    with read_session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Document)) == documents_before + 2
        stored = {d.original_filename: d for d in session.scalars(select(Document))}
        assert PDF_NAME not in stored and EMPTY_NAME not in stored
        interview, word = stored[TXT_NAME], stored[DOCX_NAME]
        assert (interview.title, interview.kind, interview.interviewer_label) == (TXT_TITLE, "interview", "Peneliti")
        assert "\r" not in interview.text and "\ufeff" not in interview.text and "—" in interview.text
        turns = list(session.scalars(select(Turn).where(Turn.document_id == interview.id).order_by(Turn.number)))
        assert [(t.speaker, t.is_interviewer, t.timestamp) for t in turns] == [
            ("Peneliti", True, "00:01:15"), ("Informan", False, None), ("Peneliti", True, None),
            ("Informan", False, "00:03:40"),
        ]
        assert interview.text[turns[3].text_start:turns[3].end].startswith("Sinyal di Dusun Pasirangin")
        assert word.title == DOCX_TITLE and word.interviewer_label == "P"
        assert session.scalar(select(func.count()).select_from(Turn).where(Turn.document_id == word.id)) == 4
        case = session.scalar(select(Case).where(Case.pseudonym == CASE))
        assert case is not None
        assert (case.stakeholder_group, case.organisation, case.position, str(case.interview_date),
                case.interview_place) == ("masyarakat", "Forum Relawan Desa Cibeureum", "Koordinator relawan",
                                          "2025-04-03", "Balai Desa Cibeureum")
        assert {d.original_filename for d in case.documents} == {TXT_NAME, DOCX_NAME}
        payloads = [str(e.payload) for e in session.scalars(select(AuditEvent))]
        assert not [p for p in payloads if PDF_NAME in p or EMPTY_NAME in p]
    engine.dispose()

    # The researcher opens the new interview in the list and reads its turns.
    page.get_by_role("tab", name="Dokumen").click()
    choose(page, "Buka dokumen", TXT_TITLE)
    page.get_by_role("heading", name=TXT_TITLE).wait_for()
    page.get_by_text(f"wawancara · {TXT_NAME}").first.wait_for()
    page.get_by_text("#1 · Peneliti (pewawancara) · 00:01:15").wait_for()
    page.get_by_text("#2 · Informan (informan)").wait_for()
    page.get_by_text("#4 · Informan (informan) · 00:03:40").wait_for()
    page.get_by_text("Sinyal di Dusun Pasirangin sering hilang", exact=False).filter(visible=True).first.wait_for()
    interviewer = page.locator("[data-testid='stRadio']").filter(has_text="pewawancara").first
    assert interviewer.get_by_role("radio", name="Peneliti").is_checked()
    linked = page.locator("[data-testid='stMultiSelect']").filter(has_text="Kasus").first
    assert CASE in linked.inner_text()
    screenshot(page, "documents_imported")
    page.get_by_text("#1 · Peneliti (pewawancara) · 00:01:15").scroll_into_view_if_needed()
    screenshot(page, "documents_imported_turns")

    # ... and sees the new informant with the sheet's metadata.
    page.get_by_role("tab", name="Kasus (informan)").click()
    grid = page.locator("[data-testid='stDataFrame']").filter(visible=True).first
    grid.wait_for()
    screenshot(page, "documents_cases")
    scroller = grid.locator(".dvn-scroller")
    scroller.evaluate("el => { el.scrollTop = el.scrollHeight; }")  # the new case sorts last
    row = grid.locator("tr", has_text=CASE).first
    row.wait_for(state="attached")  # the grid draws on a canvas; its accessible table mirrors the cells shown
    assert [c.strip() for c in row.locator("td").all_text_contents()[:4]] == [
        CASE, "masyarakat", "Forum Relawan Desa Cibeureum", "Koordinator relawan"]
    index = row.get_attribute("aria-rowindex")
    scroller.evaluate("el => { el.scrollLeft = el.scrollWidth; }")  # date, place: further right
    row = grid.locator(f"tr[aria-rowindex='{index}']")
    for column, value in (("Tanggal wawancara", "2025-04-03"), ("Tempat wawancara", "Balai Desa Cibeureum"),
                          ("Dokumen", "2")):
        grid.locator("th", has_text=column).first.wait_for(state="attached")
        row.locator("td", has_text=re.compile(rf"^\s*{re.escape(value)}\s*$")).first.wait_for(state="attached")
    screenshot(page, "documents_cases_scrolled")
    assert errors == []


def test_the_same_file_twice_is_reported_as_a_duplicate(demo_server, page, tmp_path):
    files = make_files(tmp_path)
    open_import_tab(page, demo_server.url)
    upload(page, "Berkas yang diimpor", [files[TXT_NAME]])
    click_import(page)
    alert(page, "Success", f"{TXT_NAME}: diimpor (1 dokumen).").wait_for()

    # Later, the same transcript is uploaded again (a fresh page, as on another day).
    open_import_tab(page, demo_server.url)
    upload(page, "Berkas yang diimpor", [files[TXT_NAME]])
    click_import(page)
    warning = alert(page, "Warning", TXT_NAME)
    warning.wait_for()
    assert "sudah ada di proyek" in warning.inner_text() and "tidak diimpor dua kali" in warning.inner_text()
    assert alert(page, "Success", TXT_NAME).count() == 0
    screenshot(page, "documents_duplicate")

    engine = make_engine(demo_server.database_url)
    with read_session(engine) as session:
        copies = session.scalar(select(func.count()).select_from(Document).where(Document.original_filename == TXT_NAME))
    engine.dispose()
    assert copies == 1


def test_an_import_that_meets_another_actions_lock_names_the_file(demo_server, page, tmp_path):
    """Another action holds SQLite's write lock through the busy timeout (15 s): the import waits,
    then says in Indonesian which file was not imported and that another action is writing."""
    import sqlite3

    from qualcode.migrate import sqlite_path

    files = make_files(tmp_path)
    engine = make_engine(demo_server.database_url)
    with read_session(engine) as session:
        documents_before = session.scalar(select(func.count()).select_from(Document))
    open_import_tab(page, demo_server.url)
    upload(page, "Berkas yang diimpor", [files[TXT_NAME]])
    page.wait_for_function(
        "() => [...document.querySelectorAll('button')].some(b => b.innerText.trim() === 'Impor' && !b.disabled)")
    other = sqlite3.connect(sqlite_path(demo_server.database_url), isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        page.get_by_role("button", name="Impor", exact=True).click()
        error = alert(page, "Error", f"{TXT_NAME}: tidak diimpor.")
        error.wait_for(timeout=90_000)
    finally:
        other.rollback()
        other.close()
    assert "Tindakan lain masih menulis ke basis data" in error.inner_text()
    assert page.locator("[data-testid='stException']").count() == 0
    screenshot(page, "documents_import_locked")
    with read_session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Document)) == documents_before
    engine.dispose()
