"""Memos: on the project or exactly one document, code or segment; edits audited; only the author
edits a memo, the author or the project's owner deletes it."""

import pytest
from sqlalchemy import func, select

from qualcode.errors import PermissionDenied, ValidationError
from qualcode.models import AuditEvent, Memo
from qualcode.services import auth, memos, projects
from tests import factories


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
    event = factories.events(session, "memo.update")[0]
    assert event.payload["before"]["body"] == "Catatan awal" and event.payload["after"]["body"] == "Catatan kedua"


def test_a_memo_said_to_be_on_a_document_or_code_needs_it(session):
    """The Condensation page says what the memo is on; left without its document or code, the
    memo is refused, never stored as a project memo."""
    project = factories.project(session)
    actor = factories.owner(session).id
    doc = factories.document(session, project.id, actor)
    code = factories.codebook(session, project.id, actor)["trust_building"]
    refusals = {
        "error.memo_no_document": dict(on="document"),
        "error.memo_no_code": dict(on="code"),
        "error.memo_no_segment": dict(on="segment"),
        "error.memo_one_target": dict(on="project", document_id=doc.id),
        "error.memo_target_unknown": dict(on="case"),
    }
    for key, target in refusals.items():
        with pytest.raises(ValidationError) as refused:
            memos.add_memo(session, project.id, "Catatan", title="Judul", actor_id=actor, **target)
        assert refused.value.key == key, target
    assert factories.events(session, "memo.add") == []
    on_document = memos.add_memo(session, project.id, "Catatan", actor_id=actor, on="document", document_id=doc.id)
    on_code = memos.add_memo(session, project.id, "Catatan", actor_id=actor, on="code", code_id=code.id)
    on_project = memos.add_memo(session, project.id, "Catatan", actor_id=actor, on="project")
    assert [m.target for m in (on_document, on_code, on_project)] == ["document", "code", "project"]


def test_an_edit_keeps_the_memo_s_target_and_may_not_empty_it(session):
    project = factories.project(session)
    actor = factories.owner(session).id
    doc = factories.document(session, project.id, actor)
    memo = memos.add_memo(session, project.id, "Catatan", title="Judul", actor_id=actor, document_id=doc.id)
    with pytest.raises(ValidationError) as refused:
        memos.update_memo(session, memo.id, "  ", title=" ", actor_id=actor)
    assert refused.value.key == "error.memo_empty"
    memos.update_memo(session, memo.id, "", title="Hanya judul", actor_id=actor)  # a title alone is a memo
    assert (memo.title, memo.body, memo.document_id) == ("Hanya judul", "", doc.id)


@pytest.fixture
def team_memo(session):
    """A project with its owner and two researchers, Sari and Dewi; Sari wrote a memo."""
    project = factories.project(session)
    owner = factories.owner(session).id
    sari = projects.create_user(session, "sari", "Sari")
    dewi = projects.create_user(session, "dewi", "Dewi")
    for user in (sari, dewi):
        projects.set_member(session, project.id, user.id, "researcher", actor_id=owner)
    memo = memos.add_memo(session, project.id, "Kata-kata Sari", title="Catatan Sari", actor_id=sari.id)
    return dict(session=session, project=project.id, owner=owner, sari=sari.id, dewi=dewi.id, memo=memo.id)


def _memo_state(session, memo_id):
    memo = session.get(Memo, memo_id)
    return None if memo is None else (memo.title, memo.body)


def test_a_researcher_may_not_edit_or_delete_a_colleagues_memo(team_memo):
    s, memo_id = team_memo["session"], team_memo["memo"]
    s.commit()
    events = s.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(PermissionDenied) as edit:
        memos.update_memo(s, memo_id, "Kata-kata Dewi", actor_id=team_memo["dewi"])
    assert edit.value.key == "error.not_your_memo_edit"
    assert edit.value.message("en") == ("Dewi may edit only their own memos; this one is Sari's and stays in their "
                                        "words (the project's owner may delete it).")
    assert edit.value.message("id").startswith("Dewi hanya dapat menyunting memo miliknya sendiri; memo ini milik Sari")
    s.rollback()
    with pytest.raises(PermissionDenied) as delete:
        memos.delete_memo(s, memo_id, actor_id=team_memo["dewi"])
    assert delete.value.key == "error.not_your_memo_delete"
    assert delete.value.message("en") == ("Dewi may delete only their own memos; this one is Sari's (the project's "
                                          "owner may delete it).")
    assert "Sari" in delete.value.message("id")
    s.rollback()
    assert _memo_state(s, memo_id) == ("Catatan Sari", "Kata-kata Sari")
    assert s.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_the_owner_may_delete_a_researchers_memo_but_not_rewrite_it(team_memo):
    s, memo_id, owner = team_memo["session"], team_memo["memo"], team_memo["owner"]
    with pytest.raises(PermissionDenied) as edit:
        memos.update_memo(s, memo_id, "Kata-kata pemilik", actor_id=owner)
    assert edit.value.key == "error.not_your_memo_edit" and "Sari" in edit.value.message("en")
    assert _memo_state(s, memo_id) == ("Catatan Sari", "Kata-kata Sari")
    memos.delete_memo(s, memo_id, actor_id=owner)
    s.commit()
    assert _memo_state(s, memo_id) is None
    event = factories.events(s, "memo.delete")[0]
    assert event.user_id == owner and event.payload["before"]["author_id"] == team_memo["sari"]


def test_the_author_edits_and_deletes_their_own_memo(team_memo):
    s, memo_id, sari = team_memo["session"], team_memo["memo"], team_memo["sari"]
    memos.update_memo(s, memo_id, "Kata-kata Sari, direvisi", actor_id=sari)
    assert _memo_state(s, memo_id) == ("Catatan Sari", "Kata-kata Sari, direvisi")
    memos.delete_memo(s, memo_id, actor_id=sari)
    assert _memo_state(s, memo_id) is None


def test_memo_rights_by_role():
    """The one rule the services enforce and the pages show: (may edit, may delete)."""
    assert auth.memo_rights("researcher", 2, 2) == (True, True)
    assert auth.memo_rights("researcher", 3, 2) == (False, False)
    assert auth.memo_rights("owner", 1, 2) == (False, True)
    assert auth.memo_rights("owner", 1, 1) == (True, True)
    assert auth.memo_rights("supervisor", 2, 2) == (False, False), "a supervisor comments, writes no memos"
    assert auth.memo_rights(None, 2, 2) == (False, False), "no longer a member"


def test_the_owner_may_edit_a_memo_whose_author_is_not_a_member(team_memo):
    """A coder a .qdpx import brought is no member and cannot sign in to the project: without this
    nobody could edit their memos. The owner may; a researcher still may not."""
    from qualcode.read.views.condensation import memos as memo_view

    s, pid, owner = team_memo["session"], team_memo["project"], team_memo["owner"]
    imported = projects.create_user(s, "jane-nvivo", "Jane (NVivo)")
    memo = Memo(project_id=pid, title="Dari NVivo", body="Catatan lama", author_id=imported.id)
    s.add(memo)
    s.commit()
    with pytest.raises(PermissionDenied):
        memos.update_memo(s, memo.id, "Bukan milik Dewi", actor_id=team_memo["dewi"])
    s.rollback()
    memos.update_memo(s, memo.id, "Catatan lama, dirapikan", actor_id=owner)
    assert _memo_state(s, memo.id) == ("Dari NVivo", "Catatan lama, dirapikan")
    found = memo_view(s, pid, user_id=owner)
    assert dict(zip(found["body"], found["may_edit"], strict=True)) == {
        "Kata-kata Sari": False, "Catatan lama, dirapikan": True}
    assert auth.memo_rights("owner", 1, 2, author_is_member=False) == (True, True)
    assert auth.memo_rights("researcher", 3, 2, author_is_member=False) == (False, False)


def test_the_condensation_view_model_says_who_may_edit_or_delete_each_memo(team_memo):
    from qualcode.read.views.condensation import memos as memo_view

    s, pid = team_memo["session"], team_memo["project"]
    memos.add_memo(s, pid, "Kata-kata Dewi", actor_id=team_memo["dewi"])

    def rights(user_id):
        found = memo_view(s, pid, user_id=user_id)
        return {body: (bool(e), bool(d)) for body, e, d in zip(found["body"], found["may_edit"], found["may_delete"],
                                                                 strict=True)}

    assert rights(team_memo["sari"]) == {"Kata-kata Sari": (True, True), "Kata-kata Dewi": (False, False)}
    assert rights(team_memo["owner"]) == {"Kata-kata Sari": (False, True), "Kata-kata Dewi": (False, True)}
    assert rights(None) == {"Kata-kata Sari": (False, False), "Kata-kata Dewi": (False, False)}
    assert memo_view(s, pid, "tidak ada", user_id=team_memo["sari"]).empty
