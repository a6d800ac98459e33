"""Projects, users and members: unique names, valid logins, owner on creation, cascades, roles."""

import pytest
from sqlalchemy import func, select

from qualcode.db import unit_of_work
from qualcode.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from qualcode.frameworks import shipped_frameworks
from qualcode.models import STAKEHOLDER_GROUPS, Code, Codebook, Coding, Document, Project
from qualcode.read import entities as read_entities
from qualcode.services import codebooks, codings, projects
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


# --- a new study in one form: frameworks and stakeholder groups ------------------------------------

def test_shipped_frameworks_are_listed_with_their_description():
    frameworks = {f.id: f for f in shipped_frameworks()}
    assert {"ansell_gash_2008", "emerson_2012", "najam_5c_1995"} <= set(frameworks)
    najam = frameworks["najam_5c_1995"]
    assert "Najam" in najam.name and "5C" in najam.description and najam.codes > 5


def test_create_study_applies_frameworks_and_groups_in_one_go(session):

    owner = factories.owner(session)
    project = projects.create_study(session, "Skripsi Banjir", owner_id=owner.id, description="Tesis S2",
                                    frameworks=["najam_5c_1995", "ansell_gash_2008", "najam_5c_1995"],
                                    groups=[" BPBD ", "warga", "", "Warga", "relawan  desa"])
    session.commit()
    books = session.scalars(select(Codebook.key).where(Codebook.project_id == project.id)).all()
    assert sorted(books) == ["ansell_gash_2008", "najam_5c_1995"]
    codes = session.scalar(select(func.count()).select_from(Code).where(Code.project_id == project.id))
    assert codes > 20
    stored = session.get(Project, project.id)
    assert stored is not None and stored.groups == ["BPBD", "warga", "relawan desa"]
    assert factories.events(session, "project.groups")[0].payload["after"]["groups"] == stored.groups
    assert len(factories.events(session, "codebook.apply")) == 2


def test_create_study_with_the_standard_groups_keeps_the_standard_list(session):

    owner = factories.owner(session)
    project = projects.create_study(session, "Skripsi B", owner_id=owner.id, groups=list(STAKEHOLDER_GROUPS))
    project_b = projects.create_study(session, "Skripsi C", owner_id=owner.id, groups=["", "  "])
    session.commit()
    for pid in (project.id, project_b.id):
        stored = session.get(Project, pid)
        assert stored is not None and stored.stakeholder_groups is None
        assert stored.groups == list(STAKEHOLDER_GROUPS)


def test_an_unknown_framework_stores_nothing_of_the_study(engine):

    with unit_of_work(engine) as s:
        owner_id = factories.owner(s).id
    with pytest.raises(NotFoundError) as err, unit_of_work(engine) as s:
        projects.create_study(s, "Skripsi D", owner_id=owner_id, frameworks=["najam_5c_1995", "no_such_book"])
    assert "no_such_book" in err.value.message("en")
    with unit_of_work(engine) as s:
        assert s.scalar(select(Project.id).where(Project.name == "Skripsi D")) is None


def test_a_shipped_framework_can_be_added_to_an_existing_project(session):

    project = factories.project(session)
    actor = factories.owner(session).id
    book = codebooks.apply_framework(session, project.id, "emerson_2012", actor_id=actor)
    session.commit()
    assert book.key == "emerson_2012"
    assert session.scalar(select(Codebook.id).where(Codebook.project_id == project.id)) == book.id


def test_setting_groups_needs_the_owner(session):
    project = factories.project(session)
    stranger = projects.create_user(session, "tamu")
    with pytest.raises(PermissionDenied):
        projects.set_stakeholder_groups(session, project.id, ["x"], actor_id=stranger.id)
    with pytest.raises(ValidationError):
        projects.set_stakeholder_groups(session, project.id, ["x" * 81], actor_id=factories.owner(session).id)


def test_project_names_are_told_apart_in_any_case_and_fit_their_column(session):
    from qualcode import limits

    factories.project(session, name="CLI test")
    owner = factories.owner(session).id
    with pytest.raises(ConflictError) as err:
        projects.create_project(session, "cli TEST", owner_id=owner)
    assert "'CLI test'" in err.value.message("en"), "the message names the project that has the name"
    with pytest.raises(ValidationError) as err:
        projects.create_project(session, "x" * (limits.MAX_PROJECT_NAME_CHARS + 1), owner_id=owner)
    assert "at most 200 characters" in err.value.message("en") and "paling banyak 200" in err.value.message("id")
    other = projects.create_project(session, "Studi B", owner_id=owner)
    with pytest.raises(ConflictError):
        projects.rename_project(session, other.id, "cli test", actor_id=owner)
    assert projects.rename_project(session, other.id, "STUDI B", actor_id=owner).name == "STUDI B", "its own name"


def test_deleting_a_project_asks_its_name_needs_the_owner_and_is_recorded(engine):
    from qualcode.models import AuditEvent, Memo

    with unit_of_work(engine) as session:
        project = factories.project(session)
        actor = factories.owner(session).id
        codes = factories.codebook(session, project.id, actor)
        doc = factories.document(session, project.id, actor)
        codings.code_span(session, doc.id, 0, 10, codes["trust_building"].id, actor_id=actor)
        helper = projects.create_user(session, "koder2", "Koder Kedua")
        projects.set_member(session, project.id, helper.id, "researcher", actor_id=actor)
        kept = projects.create_project(session, "Studi lain", owner_id=actor)
        pid, helper_id, kept_id = project.id, helper.id, kept.id
    with unit_of_work(engine) as session:
        held = projects.project_contents(session, pid)
    assert held["documents"] == 1 and held["codings"] == 1 and held["codes"] == len(codes)
    for actor_id, typed, error in ((helper_id, "Studi A", PermissionDenied), (actor, "studi a", ValidationError),
                                   (actor, "", ValidationError)):
        with pytest.raises(error), unit_of_work(engine) as session:
            projects.delete_project(session, pid, actor_id=actor_id, confirm_name=typed)
    with unit_of_work(engine) as session:
        assert session.get(Project, pid) is not None, "a refused delete leaves the project whole"
    with unit_of_work(engine) as session:
        assert projects.delete_project(session, pid, actor_id=actor, confirm_name=" Studi A ") == "Studi A"
    with unit_of_work(engine) as session:
        assert session.get(Project, pid) is None and session.get(Project, kept_id) is not None
        assert session.scalar(select(func.count()).select_from(Document)) == 0
        assert session.scalar(select(func.count()).select_from(Memo).where(Memo.project_id == pid)) == 0
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "project.delete"))
        assert event.project_id is None and event.payload["before"]["name"] == "Studi A"
        assert event.payload["before"]["codings"] == 1
