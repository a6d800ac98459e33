"""Code names and document titles: too long ones are refused with a message on SQLite and
PostgreSQL alike (PostgreSQL refused them late, as a storage error; SQLite kept them whole), not
cut silently; two codes of one name side by side are refused."""

import pytest

from qualcode import limits
from qualcode.errors import ValidationError
from qualcode.services import codes as code_service
from qualcode.services.documents import rename_document
from qualcode.services.imports import import_files
from tests import factories


def test_a_code_name_or_a_document_title_beyond_the_limit_is_refused(session):
    project = factories.project(session)
    actor = factories.owner(session).id
    too_long = "x" * (limits.MAX_NAME_CHARS + 1)
    with pytest.raises(ValidationError) as refused:
        code_service.create_code(session, project.id, too_long, actor_id=actor)
    assert refused.value.key == "codes.name_too_long" and "301" in refused.value.message("id")
    code = code_service.create_code(session, project.id, "x" * limits.MAX_NAME_CHARS, actor_id=actor)  # at the limit
    with pytest.raises(ValidationError):
        code_service.update_code(session, code.id, actor_id=actor, name_en=too_long)
    doc_id = import_files(session, project.id, [("w.txt", b"P: Apa?\nI: Ya.\n")], actor_id=actor).document_ids[0]
    with pytest.raises(ValidationError) as refused:
        rename_document(session, doc_id, too_long, actor_id=actor)
    assert refused.value.key == "error.document_title_too_long"
    assert rename_document(session, doc_id, "y" * limits.MAX_NAME_CHARS, actor_id=actor).title == "y" * 300
    session.commit()


def test_two_codes_of_one_name_side_by_side_are_refused(session):
    """Side by side they cannot be told apart (the tree, the code panel, a merge message);
    under different parents the path tells them apart, so that is allowed."""
    from qualcode.errors import ConflictError

    project = factories.project(session)
    actor = factories.owner(session).id
    first = code_service.create_code(session, project.id, "Kondisi awal", actor_id=actor)
    with pytest.raises(ConflictError) as refused:
        code_service.create_code(session, project.id, "  kondisi   AWAL ", actor_id=actor)
    assert refused.value.key == "codes.name_taken" and "Kondisi awal" in refused.value.message("id")
    under = code_service.create_code(session, project.id, "Lain", actor_id=actor)
    child = code_service.create_code(session, project.id, "Kondisi awal", actor_id=actor, parent_id=under.id)
    assert child.path.startswith(f"{under.key}/")
    with pytest.raises(ConflictError):
        code_service.update_code(session, under.id, actor_id=actor, name_id="kondisi awal")
    assert code_service.update_code(session, first.id, actor_id=actor, name_id="Kondisi Awal").name_id == "Kondisi Awal"
    session.commit()
