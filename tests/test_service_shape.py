"""Services of one shape: a typed, required, keyword-only actor on every write service; one
"load within this project or not found" helper; one audit helper that reads project and entity
from the entity."""

from __future__ import annotations

import importlib
import inspect

import pytest
from sqlalchemy import select

from qualcode.analysis.tables import Conclusion, ConclusionEvidence
from qualcode.errors import NotFoundError
from qualcode.models import AuditEvent, Code, Coding, Document, Segment
from qualcode.services import analysis as analysis_service
from qualcode.services.base import entity_type, load, project_of, record_change
from qualcode.services.codings import code_span
from tests import factories

# Write-side modules whose shape this test holds (accounts, exchange and suggestions have their own owners).
MODULES = ("analysis", "cases", "codebooks", "codes", "codings", "documents", "imports", "memos", "projects")


def write_services():
    for name in MODULES:
        module = importlib.import_module(f"qualcode.services.{name}")
        for fname, func in inspect.getmembers(module, inspect.isfunction):
            if func.__module__ == module.__name__ and not fname.startswith("_") and "actor_id" in inspect.signature(
                    func).parameters:
                yield f"{name}.{fname}", func


@pytest.mark.parametrize("name,func", list(write_services()), ids=lambda v: v if isinstance(v, str) else "")
def test_every_write_service_takes_a_required_keyword_only_int_actor(name, func):
    actor = inspect.signature(func).parameters["actor_id"]
    assert actor.kind is inspect.Parameter.KEYWORD_ONLY, name
    assert actor.default is inspect.Parameter.empty, name
    assert actor.annotation in ("int", int), f"{name}: actor_id is {actor.annotation}"


def test_there_are_write_services_to_check():
    names = {n for n, _ in write_services()}
    assert {"codings.code_span", "memos.add_memo", "projects.set_member", "analysis.link_evidence"} <= names


def test_load_finds_an_entity_only_within_its_project(session):
    uid = factories.owner(session).id
    mine, theirs = factories.project(session, "A"), factories.project(session, "B")
    codes = factories.codebook(session, theirs.id, uid)
    doc = factories.document(session, theirs.id, uid)
    coding = code_span(session, doc.id, 0, 5, codes["trust_building"].id, actor_id=uid)
    assert load(session, Code, codes["trust_building"].id, project_id=theirs.id) is codes["trust_building"]
    assert load(session, Document, doc.id) is doc  # no project given: any project
    for model, entity_id in ((Code, codes["trust_building"].id), (Document, doc.id), (Segment, coding.segment_id),
                             (Coding, coding.id)):
        with pytest.raises(NotFoundError) as err:
            load(session, model, entity_id, project_id=mine.id)
        assert str(entity_id) in err.value.message("en")  # "not found", never a hint of the other project
    with pytest.raises(NotFoundError) as err:
        load(session, Document, 999_999)
    assert err.value.key == "error.document_not_found"


def test_record_change_reads_project_and_entity_from_the_entity(session):
    uid = factories.owner(session).id
    project = factories.project(session)
    codes = factories.codebook(session, project.id, uid)
    doc = factories.document(session, project.id, uid)
    coding = code_span(session, doc.id, 0, 5, codes["trust_building"].id, actor_id=uid)
    conclusion = analysis_service.add_conclusion(session, project.id, "Kepercayaan", actor_id=uid)
    evidence = analysis_service.link_evidence(session, conclusion.id, coding.segment_id, "supporting",
                                            actor_id=uid).row
    assert project_of(coding) == project_of(evidence) == project_of(doc) == project.id
    assert entity_type(evidence) == "conclusion_evidence" and entity_type(conclusion) == "conclusion"
    event = record_change(session, "evidence.check", evidence, actor_id=uid, after={"ok": True})
    session.flush()
    stored = session.scalar(select(AuditEvent).where(AuditEvent.id == event.id))
    assert (stored.project_id, stored.entity_type, stored.entity_id, stored.user_id) == (
        project.id, "conclusion_evidence", evidence.id, uid)
    assert session.get(Conclusion, conclusion.id) is not None and session.get(ConclusionEvidence, evidence.id)
