"""Coding a span: segments shared by codes and coders, offsets checked, other projects' codes and
non-coding roles refused, segments pruned with their last coding."""

import pytest
from sqlalchemy import func, select

from qualcode.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from qualcode.models import Coding, Segment
from qualcode.services import codings, memos, projects
from tests import factories


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
    payload = factories.events(session, "coding.add")[0].payload["after"]
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
    assert factories.events(session, "coding.remove")[0].payload["before"]["code"] == "trust_building"
    with pytest.raises(NotFoundError):
        codings.remove_coding(session, a.id, actor_id=actor)
