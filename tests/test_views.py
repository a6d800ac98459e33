"""The page view models (qualcode/read/views/), headless on every backend: each builds from the demo
project and says what its page shows."""

from __future__ import annotations

import pytest

from qualcode.demo import DEMO_PROJECT, load_demo
from qualcode.read.views import codebook, conclusions, condensation, display, documents, export, projects
from qualcode.read.views.analysis import analysis_context
from qualcode.services import analysis as analysis_service
from qualcode.services import projects as project_service
from qualcode.services.codings import code_span


@pytest.fixture
def demo(session):  # type: ignore[no-untyped-def]
    report = load_demo(session)
    session.flush()
    return report.project_id, project_service.get_user_by_login(session, "peneliti").id


def test_projects_documents_and_codebook_views(session, demo):
    pid, owner = demo
    view = projects.projects_view(session, owner, accounts=False)
    assert DEMO_PROJECT in set(view.overview["name"]) and view.me is None
    docs = documents.documents_view(session, pid)
    assert len(docs.documents) >= 3 and set(docs.case_names.values()) >= {"Informan A1"}
    first = docs.documents.iloc[0]
    detail = documents.document_detail(session, int(first["id"]))
    assert detail.title == first["title"] and len(detail.turns) == first["turns"]
    assert all(turn.text for turn in detail.turns) and set(detail.speakers) == {t.speaker for t in detail.turns}
    book = codebook.codebook_view(session, pid)
    assert {b.key for b in book.books} == {"ansell_gash_2008", "najam_5c_1995", "emerson_2012"}
    paths = [c.path for c in book.codes]
    assert paths.index("collaborative_process") < paths.index("collaborative_process/trust_building")
    assert book.specs[book.books[0].id].codebook.id == book.books[0].key


def test_analysis_views_follow_codings_and_conclusions(session, demo):
    pid, owner = demo
    context = analysis_context(session, pid, "en")
    code = {key: int(i) for key, i in zip(context.codes["key"], context.codes["code_id"], strict=True)}
    doc_id = next(iter(context.documents))
    code_span(session, doc_id, 0, 20, code["trust_building"], actor_id=owner)
    pair = display.cross_pair(session, pid, context.books)
    assert pair is not None and pair.directions == ("supporting", "inhibiting")
    assert context.book_names[pair.rows].startswith("Collaborative governance")
    table = display.display_table(session, pid, "frequencies", None, display.Filters(), lang="en")
    assert table.set_index("key").loc["trust_building", "segments"] == 1
    assert len(condensation.condensed_excerpts(session, pid, code["trust_building"])) == 1
    sheet = condensation.summary_sheet(session, doc_id)
    assert sheet.main_themes == "" and len(sheet.segments) == 1
    made = analysis_service.add_conclusion(session, pid, "Trust grows.", code_id=code["trust_building"],
                                           actor_id=owner)
    register = conclusions.conclusion_register(session, pid, "en")
    assert list(register["statement"]) == ["Trust grows."]
    detail = conclusions.conclusion_detail(session, pid, made.id)
    assert detail.status == made.status and detail.default_code_ids == (code["trust_building"],)
    assert "thin" in detail.triangulation
    found = conclusions.find_evidence(session, pid, made.id, conclusions.EvidenceQuery(code_ids=detail.default_code_ids))
    assert found.total == 1 and list(found.rows["linked"]) == [""]


def test_export_view_and_files(session, demo):
    pid, owner = demo
    view = export.export_view(session, pid)
    assert view.slug == "".join(c if c.isalnum() else "_" for c in DEMO_PROJECT).strip("_")
    assert {b.key for b in view.books} >= {"ansell_gash_2008"}
    before = export.segment_files(session, pid, owner, export.SegmentFilters(), by="code").rows
    doc_id = int(documents.documents_view(session, pid).documents["id"].iloc[0])
    code_span(session, doc_id, 0, 20, int(view.codes["id"].iloc[0]), actor_id=owner)
    files = export.segment_files(session, pid, owner, export.SegmentFilters(), by="code")
    assert files.rows == before + 1 and files.xlsx.startswith(b"PK")
    assert len(files.csv.decode("utf-8-sig").splitlines()) >= files.rows + 1
