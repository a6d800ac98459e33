"""Comments on codings: threads, open/resolved, who may comment, and what happens when the coding goes."""

import pytest
from sqlalchemy import func, select

from qualcode.errors import NotFoundError, PermissionDenied, ValidationError
from qualcode.models import AuditEvent
from qualcode.review.comments import add_comment, comment_threads, set_comment_status
from qualcode.review.tables import Comment
from qualcode.services import codings, projects
from tests import factories


@pytest.fixture
def coded(session):
    project = factories.project(session)
    owner = projects.get_user_by_login(session, "peneliti")
    sup = projects.create_user(session, "pembimbing", "Bu Pembimbing")
    projects.set_member(session, project.id, sup.id, "supervisor", actor_id=owner.id)
    outsider = projects.create_user(session, "tamu", "Tamu")
    codes = factories.codebook(session, project.id, owner.id)
    doc = factories.document(session, project.id, owner.id)
    start = doc.text.index("Kami saling percaya")
    coding = codings.code_span(session, doc.id, start, start + 19, codes["trust_building"].id, actor_id=owner.id)
    return {"project": project.id, "owner": owner.id, "sup": sup.id, "outsider": outsider.id, "coding": coding,
            "doc": doc.id, "trust": codes["trust_building"].id}


def test_supervisor_comments_researcher_replies_and_resolves(session, coded):
    root = add_comment(session, "  Apakah ini benar kepercayaan, bukan koordinasi?  ", coding_id=coded["coding"].id,
                       actor_id=coded["sup"])
    reply = add_comment(session, "Ya, lihat kalimat berikutnya.", parent_id=root.id, actor_id=coded["owner"])
    nested = add_comment(session, "Baik.", parent_id=reply.id, actor_id=coded["sup"])
    assert nested.parent_id == root.id, "a reply to a reply joins the same thread"
    assert root.body == "Apakah ini benar kepercayaan, bukan koordinasi?"
    table = comment_threads(session, coded["project"])
    assert list(table["author"]) == ["Bu Pembimbing", "Peneliti", "Bu Pembimbing"]
    assert set(table["thread"]) == {root.id} and set(table["status"]) == {"open"}
    assert table["code"].iloc[0] == "trust_building" and table["snippet"].iloc[0] == "Kami saling percaya"
    set_comment_status(session, reply.id, "resolved", actor_id=coded["owner"])  # via a reply: the thread resolves
    assert session.get(Comment, root.id).status == "resolved"
    assert comment_threads(session, coded["project"], status="open").empty
    assert len(comment_threads(session, coded["project"], status="resolved", document_id=coded["doc"])) == 3
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.entity_type == "comment")).all()
    assert sorted(actions) == ["comment.add"] * 3 + ["comment.status"]


def test_who_may_comment_and_bad_input(session, coded):
    with pytest.raises(PermissionDenied):
        add_comment(session, "Halo", coding_id=coded["coding"].id, actor_id=coded["outsider"])
    with pytest.raises(ValidationError) as empty:
        add_comment(session, "   ", coding_id=coded["coding"].id, actor_id=coded["sup"])
    assert empty.value.key == "error.comment_empty"
    with pytest.raises(ValidationError):
        add_comment(session, "x" * 5001, coding_id=coded["coding"].id, actor_id=coded["sup"])
    with pytest.raises(ValidationError):
        add_comment(session, "Tanpa sasaran", actor_id=coded["sup"])
    with pytest.raises(NotFoundError):
        add_comment(session, "Balasan", parent_id=99999, actor_id=coded["sup"])
    root = add_comment(session, "Cek lagi", coding_id=coded["coding"].id, actor_id=coded["sup"])
    with pytest.raises(ValidationError):
        set_comment_status(session, root.id, "closed", actor_id=coded["sup"])
    # a supervisor comments but cannot code
    with pytest.raises(PermissionDenied):
        codings.code_span(session, coded["doc"], 0, 5, coded["trust"], actor_id=coded["sup"])


def test_comments_go_with_their_coding(session, coded):
    add_comment(session, "Cek lagi", coding_id=coded["coding"].id, actor_id=coded["sup"])
    session.flush()
    codings.remove_coding(session, coded["coding"].id, actor_id=coded["owner"])
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Comment)) == 0
