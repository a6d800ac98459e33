"""Editing codes: in vivo creation, rename, recolour, move, merge, delete (never silently)."""

import pytest
from sqlalchemy import func, select

from qualcode.errors import ConflictError, ValidationError
from qualcode.models import AuditEvent, Code, Coding, Memo, Segment
from qualcode.services import codes, codings, memos
from tests import factories


@pytest.fixture
def world(session):
    project = factories.project(session)
    actor = factories.owner(session).id
    book = factories.codebook(session, project.id, actor)
    doc = factories.document(session, project.id, actor)
    return session, project, actor, book, doc


def test_in_vivo_code_from_selected_words(world):
    session, project, actor, book, _ = world
    code = codes.create_code(session, project.id, "  gotong   royong  ", actor_id=actor)
    assert (code.key, code.path, code.name_id, code.codebook_id) == ("gotong_royong", "gotong_royong", "gotong royong", None)
    again = codes.create_code(session, project.id, "Gotong-royong", actor_id=actor)
    assert again.key == "gotong_royong_2"
    child = codes.create_code(session, project.id, "Café é", actor_id=actor, parent_id=book["collaborative_process"].id)
    assert child.path == "collaborative_process/cafe_e" and child.codebook_id == book["collaborative_process"].codebook_id
    with pytest.raises(ValidationError):
        codes.create_code(session, project.id, "   ", actor_id=actor)


def test_rename_and_recolour_are_audited(world):
    session, project, actor, book, _ = world
    code = codes.update_code(session, book["trust_building"].id, actor_id=actor, name_en="Building trust",
                             colour="#aabbcc", indicators=["percaya", " ", "amanah"])
    assert (code.name_en, code.colour, code.indicators) == ("Building trust", "#AABBCC", ["percaya", "amanah"])
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "code.update"))
    assert event.payload["before"]["name_en"] == "Trust-building"
    assert event.payload["after"]["name_en"] == "Building trust"
    with pytest.raises(ValidationError):
        codes.update_code(session, code.id, actor_id=actor, colour="blue")


def test_move_carries_the_subtree_and_refuses_cycles(world):
    session, project, actor, book, _ = world
    parent = book["collaborative_process"]
    codes.move_code(session, parent.id, book["trust_building"].id, actor_id=actor)
    session.flush()
    paths = set(session.scalars(select(Code.path)))
    assert "trust_building/collaborative_process/face_to_face_dialogue" in paths
    with pytest.raises(ValidationError):
        codes.move_code(session, book["trust_building"].id, book["face_to_face_dialogue"].id, actor_id=actor)
    codes.move_code(session, parent.id, None, actor_id=actor)
    assert book["face_to_face_dialogue"].path == "collaborative_process/face_to_face_dialogue"


def test_merge_moves_codings_and_memos_and_keeps_nothing_twice(world):
    session, project, actor, book, doc = world
    source, target = book["face_to_face_dialogue"], book["trust_building"]
    codings.code_span(session, doc.id, 0, 10, source.id, actor_id=actor)
    codings.code_span(session, doc.id, 0, 10, target.id, actor_id=actor)  # same span, same coder: merges into one
    codings.code_span(session, doc.id, 20, 30, source.id, actor_id=actor)
    memos.add_memo(session, project.id, "memo on code", actor_id=actor, code_id=source.id)
    codes.merge_codes(session, source.id, target.id, actor_id=actor)
    session.commit()
    assert session.get(Code, source.id) is None
    spans = sorted(session.execute(select(Segment.start, Segment.end).join(Coding).where(Coding.code_id == target.id)))
    assert spans == [(0, 10), (20, 30)]
    assert session.scalar(select(Memo.code_id)) == target.id


def test_delete_asks_first_and_never_drops_silently(world):
    session, project, actor, book, doc = world
    code = book["trust_building"]
    codings.code_span(session, doc.id, 0, 10, code.id, actor_id=actor)
    with pytest.raises(ConflictError) as err:
        codes.delete_code(session, code.id, actor_id=actor)
    assert "1 coding and 0 memos" in str(err.value)
    with pytest.raises(ConflictError):
        codes.delete_code(session, book["collaborative_process"].id, actor_id=actor)  # has children
    codes.delete_code(session, code.id, actor_id=actor, delete_codings=True)
    session.commit()
    assert session.scalar(select(func.count()).select_from(Coding)) == 0
    assert session.scalar(select(func.count()).select_from(Segment)) == 0
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "code.delete"))
    assert event.payload["before"]["codings_deleted"] == 1
