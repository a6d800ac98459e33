"""The codebook format: the shipped codebooks validate, errors name file and code path,
YAML -> database -> YAML loses nothing."""

from pathlib import Path

import pytest

from qualcode.codebooks import dump_codebook, load_codebook_file, parse_codebook
from qualcode.errors import ConflictError, ImportFileError
from qualcode.read import entities as read_entities
from qualcode.services import codebooks as codebook_service
from tests import factories

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted((ROOT / "codebooks").glob("*.yaml"))

REQUIRED_IDS = {
    "ansell_gash_2008.yaml": {
        "starting_conditions", "institutional_design", "facilitative_leadership", "collaborative_process",
        "face_to_face_dialogue", "trust_building", "commitment_to_process", "shared_understanding",
        "intermediate_outcomes", "outcomes",
    },
    "najam_5c_1995.yaml": {"content", "context", "commitment", "capacity", "clients_coalitions",
                           "supporting", "inhibiting"},
    "emerson_2012.yaml": {"system_context", "drivers", "collaboration_dynamics", "principled_engagement",
                          "shared_motivation", "capacity_for_joint_action", "impacts", "adaptation"},
}


def test_the_three_frameworks_ship():
    assert {p.name for p in SHIPPED} >= set(REQUIRED_IDS)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_codebooks_validate_with_required_ids(path):
    spec = load_codebook_file(path)
    ids = {code.id for _, code, _ in spec.walk()}
    assert REQUIRED_IDS.get(path.name, set()) <= ids
    for code_path, code, _ in spec.walk():
        assert code.definition and code.inclusion and code.exclusion, code_path
        assert 1 <= len(code.examples) <= 2, code_path
        assert code.indicators, code_path


def test_process_steps_nest_under_collaborative_process():
    spec = load_codebook_file(ROOT / "codebooks" / "ansell_gash_2008.yaml")
    paths = {code.id: path for path, code, _ in spec.walk()}
    for step in ("face_to_face_dialogue", "trust_building", "commitment_to_process", "shared_understanding",
                 "intermediate_outcomes"):
        assert paths[step] == f"collaborative_process/{step}"


def test_ids_are_unique_across_shipped_codebooks():
    seen: dict[str, str] = {}
    for path in SHIPPED:
        for _, code, _ in load_codebook_file(path).walk():
            assert code.id not in seen, f"{code.id} in {path.name} and {seen[code.id]}"
            seen[code.id] = path.name


@pytest.mark.parametrize(
    "body,where,problem",
    [
        ("codes:\n  - id: a\n    name: {id: A, en: A}\n    colour: red\n", "code a, field colour", "#RRGGBB"),
        ("codes:\n  - id: a\n    name: {id: A, en: A}\n    children:\n      - id: Bad-Id\n        name: {id: B, en: B}\n",
         "code a/Bad-Id, field id", "snake_case"),
        ("codes:\n  - id: a\n    name: {id: A, en: A}\n    colur: '#FFFFFF'\n", "code a, field colur",
         "not a field a codebook has"),
        ("codes:\n  - id: a\n    name: {id: A}\n", "code a, field name.en", "required"),
        ("codes:\n  - id: a\n    name: {id: A, en: A}\n  - id: a\n    name: {id: A, en: A}\n", "code a",
         "used twice"),
    ],
)
def test_errors_name_the_file_and_the_code_path(body, where, problem):
    text = "format: qualcode-codebook/1\ncodebook: {id: t, name: T}\n" + body
    with pytest.raises(ImportFileError) as err:
        parse_codebook(text, "mine.yaml")
    message = str(err.value)
    assert message.startswith("mine.yaml: ")
    assert where in message and problem in message, message


@pytest.mark.parametrize(
    "body,message",
    [
        ("codes:\n  - id: a\n    name: {id: A, en: A}\n    colour: merah\n",
         "mine.yaml: kode a, kolom colour: warna 'merah' tidak berbentuk #RRGGBB"),
        ("codes:\n  - id: a\n    name: {id: A}\n", "mine.yaml: kode a, kolom name.en: wajib diisi, tetapi tidak ada"),
        ("codes:\n  - id: a\n    name: {id: A, en: A}\n    warna: '#FFFFFF'\n",
         "mine.yaml: kode a, kolom warna: bukan kolom buku kode"),
        ("codes:\n  - id: a\n    name: {id: A, en: A}\n  - id: a\n    name: {id: A, en: A}\n",
         "mine.yaml: kode a: id a dipakai dua kali (juga di a)"),
    ],
)
def test_errors_read_in_indonesian_in_the_indonesian_interface(body, message):
    """The place and the problem are in the reader's language, not pydantic's English."""
    text = "format: qualcode-codebook/1\ncodebook: {id: t, name: T}\n" + body
    with pytest.raises(ImportFileError) as err:
        parse_codebook(text, "mine.yaml")
    assert err.value.message("id") == message


def test_broken_yaml_names_the_line():
    with pytest.raises(ImportFileError) as err:
        parse_codebook("format: x\ncodes: [\n", "broken.yaml")
    assert "broken.yaml" in str(err.value) and "line 3" in str(err.value)
    assert "baris 3" in err.value.message("id")


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_yaml_database_yaml_round_trip_loses_nothing(session, path):
    project = factories.project(session)
    actor = factories.owner(session).id
    spec = load_codebook_file(path)
    book = codebook_service.apply_codebook(session, project.id, spec, actor_id=actor)
    session.commit()
    again = read_entities.codebook_spec(session, book.id)
    assert again == spec
    assert parse_codebook(dump_codebook(again), path.name) == spec


def test_reapplying_refreshes_and_clashes_are_refused(session):
    project = factories.project(session)
    actor = factories.owner(session).id
    factories.codebook(session, project.id, actor)
    changed = factories.SMALL_CODEBOOK.replace("Upaya membangun", "Usaha membangun")
    codes = factories.codebook(session, project.id, actor, changed)
    assert codes["trust_building"].definition.startswith("Usaha")
    clash = factories.SMALL_CODEBOOK.replace("id: tiny", "id: other")
    with pytest.raises(ConflictError) as err:
        factories.codebook(session, project.id, actor, clash)
    assert "trust_building" in str(err.value)
