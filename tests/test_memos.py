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
