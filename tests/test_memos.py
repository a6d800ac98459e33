"""Memos: on the project or exactly one document, code or segment; edits audited."""

import pytest

from qualcode.errors import ValidationError
from qualcode.services import memos
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
