"""Review as a task: sign-off on documents and codes, change requests, what awaits a researcher,
and what changed since the last review."""

import pytest
from sqlalchemy import delete, select

from qualcode.errors import NotFoundError, PermissionDenied, ValidationError
from qualcode.models import AuditEvent, Document
from qualcode.review.tables import ReviewMark
from qualcode.review.workflow import awaiting, changes_since, mark_review, review_history, review_state
from qualcode.services import codings, projects
from tests import factories


@pytest.fixture
def team(session):
    project = factories.project(session)
    owner = projects.get_user_by_login(session, "peneliti")
    sup = projects.create_user(session, "pembimbing", "Bu Pembimbing")
    projects.set_member(session, project.id, sup.id, "supervisor", actor_id=owner.id)
    second = projects.create_user(session, "koder2", "Koder Dua")
    projects.set_member(session, project.id, second.id, "researcher", actor_id=owner.id)
    codes = factories.codebook(session, project.id, owner.id)
    doc = factories.document(session, project.id, owner.id)
    other = factories.document(session, project.id, owner.id, title="W02", text="P: Lain?\nI: Dokumen kedua, teks lain.\n")
    start = doc.text.index("Kami saling percaya")
    coding = codings.code_span(session, doc.id, start, start + 19, codes["trust_building"].id, actor_id=second.id)
    return {"project": project.id, "owner": owner.id, "sup": sup.id, "second": second.id, "doc": doc.id,
            "other": other.id, "trust": codes["trust_building"].id, "dialogue": codes["face_to_face_dialogue"].id,
            "coding": coding, "start": start}


def test_request_fix_approve_cycle_with_changes_since(session, team):
    ask = mark_review(session, "changes_requested", document_id=team["doc"], actor_id=team["sup"],
                      comment="  Batas segmen terlalu sempit.  ")
    assert ask.comment == "Batas segmen terlalu sempit."
    waiting = awaiting(session, team["project"], team["second"])
    assert list(waiting["name"]) == ["W01"] and waiting.iloc[0]["comment"] == "Batas segmen terlalu sempit."
    assert awaiting(session, team["project"], team["owner"]).empty, "the owner coded nothing in W01"
    assert changes_since(session, team["project"], ask.created_at, document_id=team["doc"]).empty

    codings.resize_coding(session, team["coding"].id, team["start"], team["start"] + 40, actor_id=team["second"])
    changes = changes_since(session, team["project"], ask.created_at, document_id=team["doc"])
    assert list(changes["action"]) == ["coding.resize"] and list(changes["user"]) == ["Koder Dua"]
    assert changes.iloc[0]["end"] == team["start"] + 40
    state = review_state(session, team["project"])
    assert state.iloc[0]["changes"] == 1 and state.iloc[0]["status"] == "changes_requested"

    mark_review(session, "fixed", document_id=team["doc"], actor_id=team["second"], comment="Sudah diperlebar.")
    assert awaiting(session, team["project"], team["second"]).empty
    approve = mark_review(session, "approved", document_id=team["doc"], actor_id=team["sup"])
    state = review_state(session, team["project"])
    assert list(state["status"]) == ["approved"] and state.iloc[0]["changes"] == 0
    assert state.iloc[0]["mark_id"] == approve.id and state.iloc[0]["reviewer"] == "Bu Pembimbing"
    history = review_history(session, team["project"], document_id=team["doc"])
    assert list(history["status"]) == ["changes_requested", "fixed", "approved"]
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.entity_type == "review")
                              .order_by(AuditEvent.id)).all()
    assert actions == ["review.changes_requested", "review.fixed", "review.approved"]


def test_a_code_across_documents_and_an_assignee(session, team):
    mark_review(session, "reviewed", code_id=team["trust"], actor_id=team["sup"], comment="Dibaca.")
    codings.code_span(session, team["other"], 0, 10, team["trust"], actor_id=team["owner"])
    codings.code_span(session, team["other"], 0, 10, team["dialogue"], actor_id=team["owner"])
    state = review_state(session, team["project"])
    assert state.iloc[0]["target"] == "code" and state.iloc[0]["name"] == "trust_building"
    assert state.iloc[0]["changes"] == 1, "only the coding with this code counts"
    mark_review(session, "changes_requested", code_id=team["trust"], actor_id=team["sup"], comment="Cek definisi.",
                assignee_id=team["owner"])
    assert list(awaiting(session, team["project"], team["owner"])["name"]) == ["trust_building"]
    assert awaiting(session, team["project"], team["second"]).empty, "addressed to the owner only"


def test_who_may_mark_and_bad_input(session, team):
    with pytest.raises(PermissionDenied):
        mark_review(session, "approved", document_id=team["doc"], actor_id=team["second"])
    with pytest.raises(PermissionDenied):
        mark_review(session, "fixed", document_id=team["doc"], actor_id=team["sup"])
    with pytest.raises(ValidationError):
        mark_review(session, "changes_requested", document_id=team["doc"], actor_id=team["sup"], comment="  ")
    with pytest.raises(ValidationError):
        mark_review(session, "done", document_id=team["doc"], actor_id=team["sup"])
    with pytest.raises(ValidationError):
        mark_review(session, "reviewed", document_id=team["doc"], code_id=team["trust"], actor_id=team["sup"])
    with pytest.raises(ValidationError):
        mark_review(session, "reviewed", actor_id=team["sup"])
    with pytest.raises(NotFoundError):
        mark_review(session, "reviewed", document_id=999_999, actor_id=team["sup"])
    outsider = projects.create_user(session, "tamu", "Tamu")
    with pytest.raises(ValidationError):
        mark_review(session, "changes_requested", document_id=team["doc"], actor_id=team["sup"], comment="x",
                    assignee_id=outsider.id)
    assert session.scalars(select(ReviewMark)).all() == []


def test_marks_go_with_their_document(session, team):
    mark_review(session, "approved", document_id=team["other"], actor_id=team["sup"])
    session.execute(delete(Document).where(Document.id == team["other"]))
    session.expire_all()
    assert review_state(session, team["project"]).empty
