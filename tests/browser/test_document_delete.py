"""Deleting a document in a real Chromium: the confirmation dialog names what goes with it (codings,
memos, the summary sheet, the evidence of a conclusion), and only "Yes, delete" deletes (audited).
Renaming it shows the new title in the document picker at once."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from qualcode.db import make_engine, read_session, unit_of_work
from qualcode.models import AuditEvent, Code, Document, Memo, Segment
from qualcode.services import analysis
from qualcode.services.codings import code_span
from qualcode.services.imports import import_files
from tests.browser.conftest import choose_option, rerun, screenshot, wait_for_app, wait_settled

pytestmark = pytest.mark.browser

TITLE = "Notulen rapat banjir (uji)"
CONCLUSION = "Warga mengungsi sebelum bantuan datang"
TEXT = "Notulen\nPeneliti: Bagaimana banjirnya?\nBu Sri: Air naik dua meter.\nPeneliti: Lalu?\nBu Sri: Kami mengungsi.\n"


def add_coded_document(database_url: str) -> int:
    engine = make_engine(database_url)
    with unit_of_work(engine) as session:
        project_id = session.scalar(select(Document.project_id))
        report = import_files(session, project_id, [("notulen_uji.txt", TEXT.encode())], actor_id=1)
        doc_id = report.outcomes[0].document_ids[0]
        document = session.get(Document, doc_id)
        assert document is not None
        document.title = TITLE
        code_id = session.scalar(select(Code.id).where(Code.key == "trust_building"))
        start = TEXT.index("Air naik")
        code_span(session, doc_id, start, start + 8, code_id, actor_id=1)
        session.add(Memo(project_id=project_id, document_id=doc_id, author_id=1, title="Catatan", body="uji"))
        analysis.save_summary_sheet(session, project_id, doc_id, actor_id=1, main_themes="Banjir")
        conclusion = analysis.add_conclusion(session, project_id, CONCLUSION, actor_id=1)
        segment_id = session.scalar(select(Segment.id).where(Segment.document_id == doc_id))
        analysis.link_evidence(session, conclusion.id, segment_id, "supporting", actor_id=1)
    engine.dispose()
    return doc_id


def test_delete_asks_with_the_counts_then_deletes(demo_server, page) -> None:  # type: ignore[no-untyped-def]
    doc_id = add_coded_document(demo_server.database_url)
    page.goto(f"{demo_server.url}/documents")
    wait_for_app(page, "Dokumen")
    box = page.locator("[data-testid='stSelectbox']").filter(has=page.get_by_text("Buka dokumen", exact=True)).first
    choose_option(page, box, TITLE)
    page.get_by_text("Ganti nama, sunting, hapus").click()
    with rerun(page):  # clicked once no run is going, and the dialog's run waited for to its end
        page.get_by_role("button", name="Hapus dokumen").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("1 pengodean", exact=True).wait_for()
    dialog.get_by_text("1 memo pada dokumen ini atau segmennya").wait_for()
    dialog.get_by_text("lembar ringkasan dokumen ini").wait_for()
    dialog.get_by_text(f"{CONCLUSION} (1 bukti)").wait_for()
    screenshot(page, "document_delete_dialog")
    dialog.get_by_role("button", name="Batal").click()
    dialog.wait_for(state="hidden")
    wait_for_app(page)
    with read_session(make_engine(demo_server.database_url)) as session:
        assert session.get(Document, doc_id) is not None, "cancel keeps the document"

    with rerun(page):
        page.get_by_role("button", name="Hapus dokumen").click()
    page.get_by_role("dialog").get_by_role("button", name="Ya, hapus").click()
    page.get_by_text(f"Dokumen {TITLE} dihapus").first.wait_for()
    with read_session(make_engine(demo_server.database_url)) as session:
        assert session.get(Document, doc_id) is None
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "document.delete"))
        assert event is not None and event.payload["before"]["memos"] == 1
        assert event.payload["before"]["summary_sheets"] == 1 and event.payload["before"]["evidence"] == 1


def test_a_rename_shows_in_the_document_picker_at_once(demo_server, page) -> None:  # type: ignore[no-untyped-def]
    add_coded_document(demo_server.database_url)
    page.goto(f"{demo_server.url}/documents")
    wait_for_app(page, "Dokumen")
    box = page.locator("[data-testid='stSelectbox']").filter(has=page.get_by_text("Buka dokumen", exact=True)).first
    choose_option(page, box, TITLE)
    page.get_by_text("Ganti nama, sunting, hapus").click()
    title = page.get_by_label("Judul", exact=True)
    title.fill("Notulen banjir dusun (uji)")
    title.press("Enter")
    wait_settled(page)
    with rerun(page):
        page.get_by_role("button", name="Ganti nama", exact=True).click()
    page.get_by_role("heading", name="Notulen banjir dusun (uji)").wait_for()
    expect(box.get_by_role("combobox")).to_have_value("Notulen banjir dusun (uji)")
