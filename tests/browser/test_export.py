"""The Export page in a real Chromium: download the coded segments as XLSX and the project as .qdpx."""

import io
import zipfile

import openpyxl
import pytest
from sqlalchemy import func, select

from qualcode.db import make_engine, unit_of_work
from qualcode.models import Coding, Document, Project, Segment
from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser


def coding_count(url: str) -> int:
    engine = make_engine(url)
    with unit_of_work(engine) as session:
        count = session.scalar(select(func.count()).select_from(Coding))
    engine.dispose()
    return count


def download(page, name: str) -> bytes:  # type: ignore[no-untyped-def]
    button = page.get_by_role("button", name=name)
    button.wait_for()
    with page.expect_download() as info:
        button.click()
    with open(info.value.path(), "rb") as fh:
        return fh.read()


def test_download_segments_xlsx_and_project_qdpx(demo_server, page):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    count = coding_count(demo_server.database_url)
    assert count > 0
    page.goto(f"{demo_server.url}/export")
    wait_for_app(page, "Ekspor")
    page.get_by_role("button", name="Siapkan berkas").first.click()
    wait_for_app(page, "Ekspor")
    xlsx = download(page, "Unduh XLSX")
    screenshot(page, "export_segments")
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    assert book.sheetnames[0] == "segments" and "triangulation" in book.sheetnames
    rows = list(book["segments"].iter_rows(values_only=True))
    assert rows[0][:3] == ("coding_id", "document", "case") and len(rows) == count + 1
    assert all(r[rows[0].index("code_id")] and r[rows[0].index("text")] for r in rows[1:])

    page.get_by_role("tab", name="Proyek (.qdpx)").click()
    page.get_by_role("button", name="Siapkan berkas").filter(visible=True).click()
    wait_for_app(page, "Ekspor")
    qdpx = download(page, "Unduh .qdpx")
    screenshot(page, "export_qdpx")
    archive = zipfile.ZipFile(io.BytesIO(qdpx))
    names = archive.namelist()
    assert "project.qde" in names and any(n.startswith("sources/") for n in names)
    assert b"<PlainTextSelection" in archive.read("project.qde")
    assert page.locator("[data-testid='stException']").count() == 0
    assert errors == []


def test_import_the_nvivo_sample_into_a_named_project(demo_server, page, shared_dir):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sample = shared_dir / "refi-qda" / "samples" / "nvivo12_two_coders_hungarian.qdpx"
    page.goto(f"{demo_server.url}/export")
    wait_for_app(page, "Ekspor")
    page.get_by_role("tab", name="Impor .qdpx").click()
    box = page.locator("[data-testid='stFileUploader']").filter(has_text="Berkas proyek (.qdpx)")
    box.locator("input[type='file']").set_input_files(str(sample))
    box.locator("[data-testid='stFileChipName']", has_text="nvivo1").first.wait_for()  # the chip shortens names
    wait_for_app(page)
    page.get_by_label("Nama proyek baru (kosong: nama di dalam berkas)").fill("Vaksin NVivo")
    page.keyboard.press("Enter")
    wait_for_app(page)
    page.get_by_role("button", name="Impor", exact=True).click()
    page.get_by_text("Diimpor ke proyek baru 'Vaksin NVivo'").wait_for(timeout=60_000)
    assert page.get_by_text("303 pengodean oleh").count() == 1
    screenshot(page, "export_import_qdpx")
    engine = make_engine(demo_server.database_url)
    with unit_of_work(engine) as session:
        project = session.scalar(select(Project).where(Project.name == "Vaksin NVivo"))
        count = session.scalar(select(func.count()).select_from(Coding).join(Segment).join(Document)
                               .where(Document.project_id == project.id))
    engine.dispose()
    assert count == 303
    assert errors == []
