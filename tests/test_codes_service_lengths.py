"""Names longer than their column holds are refused with a message on SQLite and PostgreSQL alike
(PostgreSQL refused them late, as a storage error; SQLite kept them whole), not cut silently."""

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
