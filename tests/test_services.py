"""The core services on a real database: validation, roles, one audit event per change."""

import pytest
from sqlalchemy import func, select

from qualcode.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from qualcode.models import AuditEvent, Coding, Document, Segment
from qualcode.read import entities as read_entities
from qualcode.services import codings, documents, memos, projects
from tests import factories


def events(session, action):
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_create_project_makes_creator_owner_and_is_audited(session):
    project = factories.project(session)
    session.commit()
    (user, role), = read_entities.members(session, project.id)
    assert (user.login, role) == ("peneliti", "owner")
    assert events(session, "project.create")[0].payload["after"]["name"] == "Studi A"


def test_project_names_are_unique_and_not_empty(session):
    factories.project(session)
    with pytest.raises(ConflictError) as err:
        factories.project(session)
    assert "already exists" in str(err.value)
    with pytest.raises(ValidationError):
        projects.create_project(session, "  ", owner_id=factories.owner(session).id)


def test_login_names_are_checked(session):
    with pytest.raises(ValidationError) as err:
        projects.create_user(session, "Bad Login!")
    assert "not a valid login name" in err.value.message("en")
    assert "bukan nama login yang sah" in err.value.message("id")


def test_document_text_is_normalised_and_duplicates_refused(session):
    project = factories.project(session)
    actor = factories.owner(session).id
    raw = "\ufeffP: Apa kabar?\r\nI: Cafe\u0301 itu\x00 ramai.\r\n"
    doc = documents.add_document(session, project.id, title="W01", text=raw, actor_id=actor,
                                 original_filename="w01.txt")
    assert doc.text == "P: Apa kabar?\nI: Café itu ramai.\n"
    assert doc.length == len(doc.text)
    with pytest.raises(ConflictError) as err:
        documents.add_document(session, project.id, title="again", text=raw.replace("\r\n", "\n"),
                               actor_id=actor, original_filename="copy.txt")
    assert "copy.txt" in str(err.value) and "W01" in str(err.value)
    with pytest.raises(ValidationError) as err:
        documents.add_document(session, project.id, title="x", text=" \n\ufeff", actor_id=actor,
                               original_filename="empty.txt")
    assert "empty.txt" in str(err.value)


def test_code_span_stores_segment_coding_and_audit(session):
    project = factories.project(session)
    actor = factories.owner(session).id
    codes = factories.codebook(session, project.id, actor)
    doc = factories.document(session, project.id, actor)
    start = doc.text.index("saling percaya")
    end = start + len("saling percaya")
    coding = codings.code_span(session, doc.id, start, end, codes["trust_building"].id, actor_id=actor)
    session.commit()
    assert coding.segment.snippet == "saling percaya"
    assert coding.coder_id == actor
    payload = events(session, "coding.add")[0].payload["after"]
    assert payload == {"document_id": doc.id, "start": start, "end": end, "code": "trust_building",
                       "coder_id": actor}


def test_one_span_carries_several_codes_from_several_coders(session):
    project = factories.project(session)
    actor = factories.owner(session).id
    second = projects.create_user(session, "koder2", "Koder Dua")
    projects.set_member(session, project.id, second.id, "researcher", actor_id=actor)
    codes = factories.codebook(session, project.id, actor)
    doc = factories.document(session, project.id, actor)
    codings.code_span(session, doc.id, 5, 20, codes["trust_building"].id, actor_id=actor)
    codings.code_span(session, doc.id, 5, 20, codes["face_to_face_dialogue"].id, actor_id=actor)
    codings.code_span(session, doc.id, 5, 20, codes["trust_building"].id, actor_id=second.id)
    session.commit()
    assert session.scalar(select(func.count()).select_from(Segment)) == 1
    assert session.scalar(select(func.count()).select_from(Coding)) == 3
    with pytest.raises(ConflictError):
        codings.code_span(session, doc.id, 5, 20, codes["trust_building"].id, actor_id=actor)


@pytest.mark.parametrize("start,end", [(-1, 5), (5, 5), (9, 3), (0, 10_000)])
def test_offsets_outside_the_text_are_refused(session, start, end):
    project = factories.project(session)
    actor = factories.owner(session).id
    codes = factories.codebook(session, project.id, actor)
    doc = factories.document(session, project.id, actor)
    with pytest.raises(ValidationError) as err:
        codings.code_span(session, doc.id, start, end, codes["trust_building"].id, actor_id=actor)
    assert "W01" in str(err.value)


def test_a_code_from_another_project_is_refused(session):
    actor = factories.owner(session).id
    first = factories.project(session, "A")
    other = factories.project(session, "B")
    codes = factories.codebook(session, other.id, actor)
    doc = factories.document(session, first.id, actor)
    with pytest.raises(ValidationError) as err:
        codings.code_span(session, doc.id, 0, 5, codes["trust_building"].id, actor_id=actor)
    assert "another project" in str(err.value)


def test_supervisor_cannot_code_and_non_member_is_refused(session):
    project = factories.project(session)
    actor = factories.owner(session).id
    sup = projects.create_user(session, "pembimbing")
    projects.set_member(session, project.id, sup.id, "supervisor", actor_id=actor)
    stranger = projects.create_user(session, "orang.lain")
    codes = factories.codebook(session, project.id, actor)
    doc = factories.document(session, project.id, actor)
    with pytest.raises(PermissionDenied) as err:
        codings.code_span(session, doc.id, 0, 5, codes["trust_building"].id, actor_id=sup.id)
    assert "supervisor" in str(err.value)
    with pytest.raises(PermissionDenied):
        codings.code_span(session, doc.id, 0, 5, codes["trust_building"].id, actor_id=stranger.id)


def test_removing_the_last_coding_removes_its_segment_unless_a_memo_holds_it(session):
    project = factories.project(session)
    actor = factories.owner(session).id
    codes = factories.codebook(session, project.id, actor)
    doc = factories.document(session, project.id, actor)
    a = codings.code_span(session, doc.id, 0, 10, codes["trust_building"].id, actor_id=actor)
    b = codings.code_span(session, doc.id, 20, 30, codes["trust_building"].id, actor_id=actor)
    memos.add_memo(session, project.id, "penting", actor_id=actor, segment_id=b.segment_id)
    codings.remove_coding(session, a.id, actor_id=actor)
    codings.remove_coding(session, b.id, actor_id=actor)
    session.commit()
    assert [(s.start, s.end) for s in session.scalars(select(Segment))] == [(20, 30)]
    assert events(session, "coding.remove")[0].payload["before"]["code"] == "trust_building"
    with pytest.raises(NotFoundError):
        codings.remove_coding(session, a.id, actor_id=actor)


def test_memos_attach_to_one_target(session):
    project = factories.project(session)
    actor = factories.owner(session).id
    doc = factories.document(session, project.id, actor)
    memo = memos.add_memo(session, project.id, "Catatan awal", actor_id=actor, document_id=doc.id)
    assert memo.target == "document"
    with pytest.raises(ValidationError):
        memos.add_memo(session, project.id, "x", actor_id=actor, document_id=doc.id, code_id=1)
    with pytest.raises(ValidationError):
        memos.add_memo(session, project.id, "  ", actor_id=actor)
    updated = memos.update_memo(session, memo.id, "Catatan kedua", actor_id=actor)
    session.commit()
    assert updated.body == "Catatan kedua"
    event = events(session, "memo.update")[0]
    assert event.payload["before"]["body"] == "Catatan awal" and event.payload["after"]["body"] == "Catatan kedua"


def test_deleting_a_project_cascades_in_the_database(session):
    project = factories.project(session)
    actor = factories.owner(session).id
    codes = factories.codebook(session, project.id, actor)
    doc = factories.document(session, project.id, actor)
    codings.code_span(session, doc.id, 0, 10, codes["trust_building"].id, actor_id=actor)
    session.commit()
    session.delete(project)
    session.commit()
    assert session.scalar(select(func.count()).select_from(Document)) == 0
    assert session.scalar(select(func.count()).select_from(Coding)) == 0


def test_role_names_in_messages_follow_the_language(session):
    project = factories.project(session)
    actor = factories.owner(session).id
    sup = projects.create_user(session, "pembimbing", "Bu Dewi")
    projects.set_member(session, project.id, sup.id, "supervisor", actor_id=actor)
    doc = factories.document(session, project.id, actor)
    codes = factories.codebook(session, project.id, actor)
    with pytest.raises(PermissionDenied) as err:
        codings.code_span(session, doc.id, 0, 5, codes["trust_building"].id, actor_id=sup.id)
    assert "Bu Dewi berperan sebagai pembimbing" in err.value.message("id")
    assert "Bu Dewi is a supervisor" in err.value.message("en")
