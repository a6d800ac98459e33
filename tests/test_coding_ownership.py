"""Whose codings a coder may change, enforced in the service layer whatever page or command calls
it: a researcher removes and resizes only their own; the owner may remove anyone's (audited as
such) but moves nobody else's boundaries; a refusal changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from qualcode.errors import PermissionDenied
from qualcode.models import AuditEvent, Coding, Segment
from qualcode.services import codings, projects
from qualcode.services.imports import import_files
from tests import factories


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


def test_a_researcher_may_not_remove_the_owners_coding(team):
    with pytest.raises(PermissionDenied):
        codings.remove_coding(team["session"], team["owner_coding"], actor_id=team["sari"])


def test_the_coding_page_offers_the_owner_removal_of_anothers_coding_and_not_resizing(demo):
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

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
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=60).run()
    at.switch_page("app_pages/coding.py")  # single-user mode: the owner is at the keyboard
    at.session_state["coding_doc_id"] = doc_id
    at.session_state["seg_focus"] = [seg_id]
    at.run()
    assert not at.exception
    assert not [b for b in at.button if b.key == f"resize_{coding_id}"]  # nobody moves another's span
    at.button(key=f"remove_{coding_id}").click().run()
    assert not at.exception and not at.error
    with unit_of_work(demo) as s:
        assert s.get(Coding, coding_id) is None
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "coding.remove",
                                                   AuditEvent.entity_id == coding_id)).one()
        assert event.user_id == owner.id and event.payload["after"] == {"removed_for": sari.id}
