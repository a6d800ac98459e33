"""Suggestions that never make the researcher wait: the model is trained by a worker process and
stored in the database, scores are cached per document, an accepted suggestion records where it
came from, and the suggester can be compared with each coder."""

import datetime as dt

import pytest
from sqlalchemy import select, update

from qualcode.analysis.agreement import suggester_agreement
from qualcode.db import read_session
from qualcode.models import Coding, Document
from qualcode.nlp.tables import SuggestionCache, SuggestionDecision, SuggestionModel
from qualcode.read import suggestions as read_suggestions
from qualcode.services import codes as code_service
from qualcode.services import codings, projects, suggestion_models
from qualcode.services import suggestions as service
from qualcode.services.imports import import_files
from qualcode.units import document_units
from tests import factories

TRUST = [f"Kami saling percaya dengan dinas {i}, kepercayaan tumbuh lewat rapat rutin." for i in range(7)]
BUDGET = [f"Anggaran tahun {2015 + i} terbatas sehingga kegiatan berhenti." for i in range(7)]
TRANSCRIPT = "".join(f"P: Pertanyaan nomor {i}?\nI: {answer}\n" for i, answer in enumerate(TRUST + BUDGET))


@pytest.fixture
def study(session):
    project = factories.project(session)
    actor = factories.owner(session).id
    codes = factories.codebook(session, project.id, actor)
    doc_id = import_files(session, project.id, [("w.txt", TRANSCRIPT.encode())], actor_id=actor).document_ids[0]
    document = session.get(Document, doc_id)
    trust_turns = [u for u in document_units(session, document) if not u.is_interviewer][:6]
    for unit in trust_turns:
        codings.code_span(session, doc_id, unit.text_start, unit.end, codes["trust_building"].id, actor_id=actor)
    session.commit()
    return session, project.id, actor, codes, doc_id


def test_training_runs_in_a_worker_process_and_the_queue_uses_the_stored_model(study, engine):
    session, pid, actor, codes, doc_id = study
    status = suggestion_models.model_status(session, pid)
    assert status.needs_training and status.ready_id is None
    session.rollback()  # end the read, as a page does, before the worker writes
    assert suggestion_models.request_training(engine, pid)
    suggestion_models.wait_for_workers()
    status = suggestion_models.model_status(session, pid)
    assert status.current and status.ready_id is not None and status.examples == 6
    model = suggestion_models.load_model(session, status.ready_id)
    assert model.keys == ["trust_building"]
    quality = read_suggestions.model_quality(session, pid).set_index("code")
    assert quality.loc["trust_building", "in_use"] and quality.loc["trust_building", "precision"] is not None
    queue = read_suggestions.document_queue(session, pid, doc_id, include_interviewer=False)
    assert queue.model_version == status.ready_id
    # The six coded turns are left out; the seventh trust answer is suggested with the model's evidence.
    best = queue[0]
    assert best.suggestion.code_id == "trust_building" and best.text == TRUST[6]
    assert any(e["kind"] == "model" and e["nearest_examples"] for e in best.suggestion.evidence)
    # A new coding makes the stored model stale; nothing retrains until a worker is asked.
    codings.code_span(session, doc_id, best.start, best.end, best.code_db_id, actor_id=actor)
    session.commit()
    stale = suggestion_models.model_status(session, pid)
    assert not stale.current and stale.ready_id == status.ready_id
    assert read_suggestions.document_queue(session, pid, doc_id).model_version == status.ready_id


def test_one_revision_is_trained_once_across_processes(study, engine):
    session, pid, actor, codes, doc_id = study
    session.rollback()
    first = suggestion_models.train_revision(engine, pid)
    assert first is not None and suggestion_models.train_revision(engine, pid) is None
    session.execute(update(SuggestionModel).values(status="training"))  # as if a worker were at it
    session.commit()
    assert suggestion_models.train_revision(engine, pid) is None
    assert suggestion_models.model_status(session, pid).training
    old = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    session.execute(update(SuggestionModel).values(created_at=old))  # ... and died two hours ago
    session.commit()
    assert suggestion_models.model_status(session, pid).needs_training
    session.rollback()
    assert suggestion_models.train_revision(engine, pid) == first  # taken over
    assert [r.status for r in session.scalars(select(SuggestionModel))] == ["ready"]
    assert not suggestion_models.model_status(session, pid).needs_training


def test_an_edited_codebook_text_calls_for_a_new_model(study, engine):
    """The model starts from the codebook texts (its priors): editing a code's indicators or
    definition makes the stored model stale, as a new coding does; its colour does not."""
    session, pid, actor, codes, doc_id = study
    session.rollback()
    first = suggestion_models.train_revision(engine, pid)
    assert first is not None and suggestion_models.model_status(session, pid).current
    code_service.update_code(session, codes["trust_building"].id, actor_id=actor, colour="#123456")
    session.commit()
    assert suggestion_models.model_status(session, pid).current
    dialogue = codes["face_to_face_dialogue"]
    code_service.update_code(session, dialogue.id, actor_id=actor, indicators=[*dialogue.indicators, "rapat rutin"])
    session.commit()
    stale = suggestion_models.model_status(session, pid)
    assert not stale.current and stale.ready_id == first and stale.needs_training
    session.rollback()
    second = suggestion_models.train_revision(engine, pid)
    assert second is not None and second != first
    assert suggestion_models.model_status(session, pid).current


def queue_as_a_page_reads_it(engine, pid, doc_id):  # type: ignore[no-untyped-def]
    with read_session(engine) as reader:  # a page reads without taking the write lock
        return read_suggestions.document_queue(reader, pid, doc_id, model_id=None)


def test_scores_are_cached_until_the_codebook_changes(study, engine):
    session, pid, actor, codes, doc_id = study
    session.rollback()
    queue = queue_as_a_page_reads_it(engine, pid, doc_id)
    assert queue and queue.model_version is None
    rows = list(session.scalars(select(SuggestionCache).where(SuggestionCache.document_id == doc_id)))
    assert [(r.part, r.unit) for r in rows] == [("codebook", "turn")]
    # Every app process reads the stored scores: blank them and the queue follows the cache.
    session.execute(update(SuggestionCache).values(payload=[{} for _ in rows[0].payload]))
    session.commit()
    read_suggestions._MEMO.clear()  # a fresh app process
    assert queue_as_a_page_reads_it(engine, pid, doc_id) == []
    # A changed codebook is a different key: the scores are computed again.
    code_service.update_code(session, codes["trust_building"].id, actor_id=actor, indicators=["percaya", "rapat"])
    session.commit()
    again = queue_as_a_page_reads_it(engine, pid, doc_id)
    assert [i.text for i in again if i.suggestion.code_id == "trust_building"] == [TRUST[6]]


def test_an_accepted_suggestion_records_its_origin_and_the_suggester_is_a_coder(study, engine):
    session, pid, actor, codes, doc_id = study
    session.rollback()
    version = suggestion_models.train_revision(engine, pid)
    queue = read_suggestions.document_queue(session, pid, doc_id)
    item = queue[0]
    decision = service.decide(session, pid, doc_id, item.start, item.end, item.code_db_id, "accepted", actor_id=actor,
                              score=item.suggestion.score, evidence=item.suggestion.evidence,
                              model_version=queue.model_version)
    assert (decision.model_version, decision.score, decision.decision) == (version, item.suggestion.score, "accepted")
    assert session.get(Coding, decision.coding_id).code_id == item.code_db_id
    second = projects.create_user(session, "kedua")
    projects.set_member(session, pid, second.id, "researcher", actor_id=actor)
    budget = next(u for u in document_units(session, session.get(Document, doc_id)) if u.text == BUDGET[0])
    service.decide(session, pid, doc_id, budget.text_start, budget.end, codes["face_to_face_dialogue"].id, "rejected",
                   actor_id=second.id, model_version=queue.model_version)
    session.commit()
    table = suggester_agreement(session, pid).set_index(["coder", "code"])
    mine = table.loc[("Peneliti", "trust_building")]
    assert (mine["accepted"], mine["rejected"], mine["own"]) == (1, 0, 6)
    assert (mine["precision"], mine["recall"], mine["agreement"]) == (1.0, 1 / 7, 1 / 7)
    theirs = table.loc[("kedua", "face_to_face_dialogue")]
    assert (theirs["accepted"], theirs["rejected"], theirs["precision"]) == (0, 1, 0.0)
    assert len(list(session.scalars(select(SuggestionDecision)))) == 2


def test_accepting_with_an_adjustment_decides_on_the_suggestion_as_proposed(study):
    """Accepted with another span: accepted for the code suggested, the coding has the new span.
    Accepted with another code: the suggested code was wrong (rejected), and the coding of the
    chosen code is the coder's own. Either way the proposal leaves the queue."""
    session, pid, actor, codes, doc_id = study
    budget = [u for u in document_units(session, session.get(Document, doc_id)) if u.text in BUDGET][:2]
    trust, dialogue = codes["trust_building"].id, codes["face_to_face_dialogue"].id
    span = service.decide(session, pid, doc_id, budget[0].text_start, budget[0].end, trust, "accepted", actor_id=actor,
                          coded_as=(budget[0].text_start + 8, budget[0].end, trust))
    other = service.decide(session, pid, doc_id, budget[1].text_start, budget[1].end, trust, "accepted",
                           actor_id=actor, coded_as=(budget[1].text_start, budget[1].end, dialogue))
    session.commit()
    assert (span.decision, span.start, span.end) == ("accepted", budget[0].text_start, budget[0].end)
    made = session.get(Coding, span.coding_id)
    assert (made.segment.start, made.code_id) == (budget[0].text_start + 8, trust)
    assert (other.decision, other.coding_id, other.code_id) == ("rejected", None, trust)
    replacement = session.get(Coding, other.evidence["adjusted_to"]["coding_id"])
    assert (replacement.code_id, replacement.segment.start) == (dialogue, budget[1].text_start)
    queue = read_suggestions.document_queue(session, pid, doc_id)
    assert not [i for i in queue if (i.start, i.code_db_id) in {(budget[0].text_start, trust), (budget[1].text_start, trust)}]
    table = suggester_agreement(session, pid).set_index(["coder", "code"])
    assert (table.loc[("Peneliti", "trust_building")][["accepted", "rejected"]].tolist()) == [1, 1]
    assert table.loc[("Peneliti", "face_to_face_dialogue")]["own"] == 1
