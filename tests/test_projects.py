"""Projects, users and members: unique names, valid logins, owner on creation, cascades, roles."""

import pytest
from sqlalchemy import func, select

from qualcode.errors import ConflictError, PermissionDenied, ValidationError
from qualcode.models import Coding, Document
from qualcode.read import entities as read_entities
from qualcode.services import codings, projects
from tests import factories


def test_create_project_makes_creator_owner_and_is_audited(session):
    project = factories.project(session)
    session.commit()
    (user, role), = read_entities.members(session, project.id)
    assert (user.login, role) == ("peneliti", "owner")
    assert factories.events(session, "project.create")[0].payload["after"]["name"] == "Studi A"


def test_project_names_are_unique_and_not_empty(session):
    factories.project(session)
    with pytest.raises(ConflictError) as err:
        factories.project(session)
    assert "already exists" in str(err.value)
    with pytest.raises(ValidationError):
        projects.create_project(session, "  ", owner_id=factories.owner(session).id)


def test_login_names_are_checked(session):
    with pytest.raises(ValidationError) as err:
        projects.create_user(session, "Bad Login!")
    assert "not a valid login name" in err.value.message("en")
    assert "bukan nama login yang sah" in err.value.message("id")


def test_deleting_a_project_cascades_in_the_database(session):
    project = factories.project(session)
    actor = factories.owner(session).id
    codes = factories.codebook(session, project.id, actor)
    doc = factories.document(session, project.id, actor)
    codings.code_span(session, doc.id, 0, 10, codes["trust_building"].id, actor_id=actor)
    session.commit()
    session.delete(project)
    session.commit()
    assert session.scalar(select(func.count()).select_from(Document)) == 0
    assert session.scalar(select(func.count()).select_from(Coding)) == 0


def test_role_names_in_messages_follow_the_language(session):
    project = factories.project(session)
    actor = factories.owner(session).id
    sup = projects.create_user(session, "pembimbing", "Bu Dewi")
    projects.set_member(session, project.id, sup.id, "supervisor", actor_id=actor)
    doc = factories.document(session, project.id, actor)
    codes = factories.codebook(session, project.id, actor)
    with pytest.raises(PermissionDenied) as err:
        codings.code_span(session, doc.id, 0, 5, codes["trust_building"].id, actor_id=sup.id)
    assert "Bu Dewi berperan sebagai pembimbing" in err.value.message("id")
    assert "Bu Dewi is a supervisor" in err.value.message("en")
