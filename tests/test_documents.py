"""Documents: text normalised once, duplicates and empty texts refused."""

import pytest

from qualcode.errors import ConflictError, ValidationError
from qualcode.services import documents
from tests import factories


def test_document_text_is_normalised_and_duplicates_refused(session):
    project = factories.project(session)
    actor = factories.owner(session).id
    raw = "\ufeffP: Apa kabar?\r\nI: Cafe\u0301 itu\x00 ramai.\r\n"
    doc = documents.add_document(session, project.id, title="W01", text=raw, actor_id=actor,
                                 original_filename="w01.txt")
    assert doc.text == "P: Apa kabar?\nI: Café itu ramai.\n"
    assert doc.length == len(doc.text)
    with pytest.raises(ConflictError) as err:
        documents.add_document(session, project.id, title="again", text=raw.replace("\r\n", "\n"),
                               actor_id=actor, original_filename="copy.txt")
    assert "copy.txt" in str(err.value) and "W01" in str(err.value)
    with pytest.raises(ValidationError) as err:
        documents.add_document(session, project.id, title="x", text=" \n\ufeff", actor_id=actor,
                               original_filename="empty.txt")
    assert "empty.txt" in str(err.value)
