"""The study report on the Export page in a real Chromium: prepared, previewed in its sandboxed
frame with its charts inline, and every chart downloaded as a PNG of its own beside the DOCX."""

import io
import zipfile

import pytest

from tests.browser.conftest import screenshot, wait_for_app
from tests.browser.test_export import download

pytestmark = pytest.mark.browser


def test_report_preview_and_a_png_download_per_chart(demo_server, page):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{demo_server.url}/export")
    wait_for_app(page, "Ekspor")
    page.get_by_role("tab", name="Laporan penelitian").click()
    page.get_by_role("button", name="Siapkan laporan").click()
    wait_for_app(page, "Ekspor")
    page.get_by_text("Grafik (PNG)").wait_for(timeout=60_000)
    buttons = page.get_by_role("button", name="(.png)")
    # the frequencies and the role-ordered matrix of each of the two codebooks with codings
    assert buttons.count() == 3
    pngs = {}
    for index in range(buttons.count()):
        with page.expect_download() as info:
            buttons.nth(index).click()
        with open(info.value.path(), "rb") as fh:
            pngs[info.value.suggested_filename] = fh.read()
    assert all(data.startswith(b"\x89PNG\r\n\x1a\n") for data in pngs.values())
    assert any(name.endswith("_code_frequencies.png") for name in pngs), list(pngs)
    docx = download(page, "Unduh laporan (.docx)")
    media = [n for n in zipfile.ZipFile(io.BytesIO(docx)).namelist() if n.startswith("word/media/")]
    assert len(media) == 3
    frame = page.frame_locator("iframe.qc-frame")
    frame.locator("h2", has_text="Penyajian data").wait_for()
    assert frame.locator("img[src^='data:image/png;base64,']").count() == 3
    assert frame.locator("h3", has_text="Matriks lintas kerangka").count() == 1
    page.locator("iframe.qc-frame").scroll_into_view_if_needed()
    screenshot(page, "export_report_preview")
    assert page.locator("[data-testid='stException']").count() == 0
    assert errors == []
