"""Whose codings a coder may change, enforced in the service layer whatever page or command calls
it: a researcher removes and resizes only their own; the owner may remove anyone's (audited as
such) but moves no member's boundaries, only those of a coder a .qdpx import brought, who is no
member and cannot sign in; a refusal changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from qualcode.errors import PermissionDenied
from qualcode.models import AuditEvent, Coding, Segment
from qualcode.services import auth, codings, projects
from qualcode.services.imports import import_files
from tests import factories
from tests.apptest import open_page


@pytest.fixture
def team(session):
    project = factories.project(session)
    owner = factories.owner(session).id
    book = factories.codebook(session, project.id, owner)
    doc_id = import_files(session, project.id, [("w.txt", factories.INTERVIEW.encode())],
                          actor_id=owner).document_ids[0]
    sari = projects.create_user(session, "sari", "Sari")
    dewi = projects.create_user(session, "dewi", "Dewi")
    for user in (sari, dewi):
        projects.set_member(session, project.id, user.id, "researcher", actor_id=owner)
    code = book["trust_building"].id
    return dict(session=session, project=project.id, owner=owner, sari=sari.id, dewi=dewi.id, doc=doc_id,
                sari_coding=codings.code_span(session, doc_id, 3, 20, code, actor_id=sari.id).id,
                owner_coding=codings.code_span(session, doc_id, 3, 20, code, actor_id=owner).id)


def snapshot(session) -> list[tuple]:
    return sorted(session.execute(select(Coding.id, Coding.coder_id, Segment.start, Segment.end)
                                  .join(Segment, Coding.segment_id == Segment.id)).all())


@pytest.mark.parametrize("change", ["remove", "resize"])
def test_a_researcher_may_not_change_another_coders_coding(team, change):
    s = team["session"]
    before = snapshot(s)
    events = s.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(PermissionDenied) as err:
        if change == "remove":
            codings.remove_coding(s, team["sari_coding"], actor_id=team["dewi"])
        else:
            codings.resize_coding(s, team["sari_coding"], 4, 20, actor_id=team["dewi"])
    assert err.value.message("en").startswith("Dewi may change only their own codings; this one is Sari's")
    assert "Sari" in err.value.message("id")
    assert snapshot(s) == before and s.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_a_researcher_changes_their_own(team):
    s = team["session"]
    codings.resize_coding(s, team["sari_coding"], 4, 20, actor_id=team["sari"])
    codings.remove_coding(s, team["sari_coding"], actor_id=team["sari"])
    assert s.get(Coding, team["sari_coding"]) is None


def test_the_owner_may_remove_anyones_coding_and_the_audit_says_whose(team):
    s = team["session"]
    codings.remove_coding(s, team["sari_coding"], actor_id=team["owner"])
    assert s.get(Coding, team["sari_coding"]) is None
    event = s.scalars(select(AuditEvent).where(AuditEvent.action == "coding.remove")).one()
    assert event.user_id == team["owner"] and event.payload["before"]["coder_id"] == team["sari"]
    assert event.payload["after"] == {"removed_for": team["sari"]}


def test_the_owner_does_not_move_another_coders_boundaries(team):
    s = team["session"]
    with pytest.raises(PermissionDenied):
        codings.resize_coding(s, team["sari_coding"], 4, 20, actor_id=team["owner"])


def test_coding_rights_by_role():
    """The one rule the services enforce and the Coding page shows: (may resize, may remove)."""
    assert auth.coding_rights("researcher", 2, 2) == (True, True)
    assert auth.coding_rights("researcher", 3, 2) == (False, False)
    assert auth.coding_rights("owner", 1, 2) == (False, True)
    assert auth.coding_rights("owner", 1, 2, coder_is_member=False) == (True, True)
    assert auth.coding_rights("researcher", 3, 2, coder_is_member=False) == (False, False)
    assert auth.coding_rights("supervisor", 2, 2) == (False, False), "a supervisor comments, codes nothing"
    assert auth.coding_rights(None, 2, 2) == (False, False), "no longer a member"


def test_the_owner_may_resize_the_coding_of_a_coder_who_is_no_member(team):
    """A coder a .qdpx import brought cannot sign in to the project: without this nobody could
    correct their boundaries. The owner may, audited; a researcher still may not."""
    s = team["session"]
    imported = projects.create_user(s, "jane-nvivo", "Jane (NVivo)")  # the importer makes such users
    trust = s.get(Coding, team["sari_coding"]).code_id
    segment = codings.get_or_create_segment(s, s.get(Segment, s.get(Coding, team["sari_coding"]).segment_id).document,
                                            30, 60)
    theirs = Coding(segment_id=segment.id, code_id=trust, coder_id=imported.id)
    s.add(theirs)
    s.commit()
    with pytest.raises(PermissionDenied):
        codings.resize_coding(s, theirs.id, 32, 60, actor_id=team["dewi"])
    s.rollback()
    codings.resize_coding(s, theirs.id, 32, 60, actor_id=team["owner"])
    s.commit()
    moved = s.get(Coding, theirs.id)
    assert (moved.segment.start, moved.segment.end, moved.coder_id) == (32, 60, imported.id)
    event = s.scalars(select(AuditEvent).where(AuditEvent.action == "coding.resize")).one()
    assert event.user_id == team["owner"] and event.payload["before"]["coder_id"] == imported.id


def test_a_researcher_may_not_remove_the_owners_coding(team):
    with pytest.raises(PermissionDenied):
        codings.remove_coding(team["session"], team["owner_coding"], actor_id=team["sari"])


def test_the_coding_page_offers_the_owner_removal_of_anothers_coding_and_not_resizing(demo):
    from qualcode.db import unit_of_work
    from qualcode.models import Code, Document

    with unit_of_work(demo) as s:
        doc = s.scalar(select(Document).where(Document.title.like("Wawancara Kepala Bidang%")))
        owner = projects.get_user_by_login(s, "peneliti")
        pid = doc.project_id
        sari = projects.create_user(s, "sari.lain", "Sari Lain")
        projects.set_member(s, pid, sari.id, "researcher", actor_id=owner.id)
        trust = s.scalar(select(Code.id).where(Code.project_id == pid, Code.key == "trust_building"))
        theirs = codings.code_span(s, doc.id, 100, 160, trust, actor_id=sari.id)
        doc_id, seg_id, coding_id = doc.id, theirs.segment_id, theirs.id
    # single-user mode: the owner is at the keyboard
    at = open_page("app_pages/coding.py", coding_doc_id=doc_id, seg_focus=[seg_id])
    assert [b.key for b in at.button if b.key == f"remove_{coding_id}"]  # the panel shows the passage
    assert not [b for b in at.button if b.key.startswith("extend_")]  # nobody moves a member's span
    at.button(key=f"remove_{coding_id}").click().run()
    assert not at.exception and not at.error
    with unit_of_work(demo) as s:
        assert s.get(Coding, coding_id) is None
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "coding.remove",
                                                   AuditEvent.entity_id == coding_id)).one()
        assert event.user_id == owner.id and event.payload["after"] == {"removed_for": sari.id}


def test_the_coding_page_lets_the_owner_extend_an_imported_coders_coding(demo):
    """The passage of a coder who is no member (a .qdpx brought them) offers the owner the
    boundary buttons, and one of them moves that coding."""
    from qualcode.db import unit_of_work
    from qualcode.models import Code, Document

    with unit_of_work(demo) as s:
        doc = s.scalar(select(Document).where(Document.title.like("Wawancara Kepala Bidang%")))
        pid = doc.project_id
        imported = projects.create_user(s, "jane-nvivo", "Jane (NVivo)")
        trust = s.scalar(select(Code.id).where(Code.project_id == pid, Code.key == "trust_building"))
        segment = codings.get_or_create_segment(s, doc, 103, 150)
        theirs = Coding(segment_id=segment.id, code_id=trust, coder_id=imported.id)
        s.add(theirs)
        s.flush()
        doc_id, seg_id, coding_id, before = doc.id, segment.id, theirs.id, (segment.start, segment.end)
    # single-user mode: the owner is at the keyboard
    at = open_page("app_pages/coding.py", coding_doc_id=doc_id, seg_focus=[seg_id])
    at.button(key=f"extend_sentence_{seg_id}").click().run()
    assert not at.exception and not at.error
    with unit_of_work(demo) as s:
        moved = s.get(Coding, coding_id)
        assert moved.coder_id == imported.id
        assert (moved.segment.start, moved.segment.end) != before
        assert moved.segment.start <= before[0] and moved.segment.end >= before[1]
