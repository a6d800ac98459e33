"""Bulk writes (what a .qdpx import goes through) keep the rules of the single writes:
``documents.add_documents`` as ``add_document``, ``codings.add_codings`` as ``code_span``."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from qualcode.errors import NotFoundError, PermissionDenied, ValidationError
from qualcode.models import Coding, Document, Segment
from qualcode.services import projects as project_service
from qualcode.services.codings import SpanCoding, add_codings, code_span
from qualcode.services.documents import NewDocument, add_documents
from tests import factories


def _count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_add_documents_normalises_merges_same_texts_and_refuses_like_add_document(session):
    project = factories.project(session)
    me = factories.owner(session)
    existing = factories.document(session, project.id, me.id, text="Teks lama.\n")
    added = add_documents(session, project.id, [
        NewDocument("Baru", "\ufeffBaris satu\r\nBaris dua", kind="observation", guid="0" * 8 + "-0000-0000-0000-" + "0" * 12),
        NewDocument("Kembar", "Baris satu\nBaris dua"),
        NewDocument("Lama lagi", "Teks lama.\n"),
    ], actor_id=me.id)
    (new, is_new), (twin, twin_new), (old, old_new) = added
    assert (is_new, twin_new, old_new) == (True, False, False)
    assert new.text == "Baris satu\nBaris dua" and new.kind == "observation" and twin is new and old is existing
    assert new.guid == "00000000-0000-0000-0000-000000000000"
    again = add_documents(session, project.id, [NewDocument("Lagi", "Teks ketiga", guid=new.guid)], actor_id=me.id)
    assert again[0][0].guid != new.guid  # a GUID the database holds is not reused
    before = _count(session, Document)
    for items, error in (([NewDocument("Kosong", "  \n ")], "error.document_empty"),
                         ([NewDocument("Jenis", "teks", kind="video")], "error.kind_invalid")):
        with pytest.raises(ValidationError) as caught:
            add_documents(session, project.id, items, actor_id=me.id)
        assert caught.value.key == error
    supervisor = project_service.create_user(session, "dosen", "Bu Dewi")
    project_service.set_member(session, project.id, supervisor.id, "supervisor", actor_id=me.id)
    with pytest.raises(PermissionDenied):
        add_documents(session, project.id, [NewDocument("X", "teks baru")], actor_id=supervisor.id)
    assert _count(session, Document) == before


def test_add_codings_checks_like_code_span_and_keeps_the_coders(session):
    project = factories.project(session)
    me = factories.owner(session)
    codes = factories.codebook(session, project.id, me.id)
    doc = factories.document(session, project.id, me.id)
    other = project_service.create_user(session, "rekan", "Rekan")  # an imported coder: not a member
    trust, dialogue = codes["trust_building"].id, codes["face_to_face_dialogue"].id
    first = code_span(session, doc.id, 0, 10, trust, actor_id=me.id)
    done = add_codings(session, doc.id, [
        SpanCoding(0, 10, trust, me.id),  # the same as the single write above: a repeat
        SpanCoding(0, 10, trust, other.id),
        SpanCoding(0, 10, dialogue, other.id),
        SpanCoding(20, 30, dialogue, me.id),
    ], actor_id=me.id, spans=[(40, 50)])
    assert (done.codings, done.repeated, done.new_segments) == (3, 1, 2)
    assert done.segments[(0, 10)] == first.segment_id  # the existing segment is reused
    rows = set(session.execute(select(Segment.start, Segment.end, Coding.code_id, Coding.coder_id)
                               .join(Coding, Coding.segment_id == Segment.id)
                               .where(Segment.document_id == doc.id)))
    assert rows == {(0, 10, trust, me.id), (0, 10, trust, other.id), (0, 10, dialogue, other.id),
                    (20, 30, dialogue, me.id)}
    snippets = {s: text for s, text in session.execute(select(Segment.start, Segment.snippet)
                                                       .where(Segment.document_id == doc.id))}
    assert snippets[40] == doc.text[40:50]  # a segment without a coding, for a memo
    before = (_count(session, Segment), _count(session, Coding))
    foreign = factories.codebook(session, factories.project(session, "Studi B").id, me.id)["trust_building"].id
    for item, error in ((SpanCoding(5, 5, trust, me.id), "error.offsets_invalid"),
                        (SpanCoding(-1, 5, trust, me.id), "error.offsets_invalid"),
                        (SpanCoding(0, doc.length + 1, trust, me.id), "error.offsets_invalid"),
                        (SpanCoding(0, 5, foreign, me.id), "error.code_other_project")):
        with pytest.raises(ValidationError) as caught:
            add_codings(session, doc.id, [item], actor_id=me.id)
        assert caught.value.key == error
    with pytest.raises(NotFoundError):
        add_codings(session, doc.id, [SpanCoding(0, 5, trust, 99_999)], actor_id=me.id)
    with pytest.raises(PermissionDenied):
        add_codings(session, doc.id, [SpanCoding(0, 5, trust, other.id)], actor_id=other.id)  # not a member
    assert (_count(session, Segment), _count(session, Coding)) == before
