"""Codebook metadata (the YAML's meta: section): parsed, validated, stored on the codebook, exported,
and read by the cross-framework matrix, the suggestions and the migration of older databases."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command

from qualcode import codebook_meta
from qualcode.analysis import displays
from qualcode.codebooks import dump_codebook, load_codebook_file, parse_codebook
from qualcode.config import CODEBOOKS_DIR
from qualcode.db import make_engine
from qualcode.errors import ImportFileError
from qualcode.exchange.codebook_csv import codebook_to_csv, csv_to_codebook
from qualcode.migrate import alembic_config
from qualcode.read import entities as read_entities
from qualcode.read import suggestions as read_suggestions
from qualcode.services import codebooks as codebook_service
from qualcode.services.codings import code_span
from tests import factories

# A framework the code has never heard of: its factors split by "pro" and "contra", a checking
# code never suggested, and its partner named by the other codebook.
FACTORS = """
format: qualcode-codebook/1
codebook: {id: levers, name: Levers}
meta:
  directions: [pro, contra]
  never_suggested: [sign, pro, contra]
codes:
  - id: money
    name: {id: Uang, en: Money}
    indicators: [anggaran]
  - id: sign
    name: {id: Arah, en: Sign}
    children:
      - {id: pro, name: {id: Mendorong, en: For}}
      - {id: contra, name: {id: Menghambat, en: Against}}
"""
ROWS = """
format: qualcode-codebook/1
codebook: {id: arenas, name: Arenas}
meta: {cross_framework_factors: levers}
codes:
  - id: forum
    name: {id: Forum, en: Forum}
"""


def test_shipped_codebooks_carry_what_used_to_be_code():
    najam = load_codebook_file(CODEBOOKS_DIR / "najam_5c_1995.yaml").meta
    assert najam.directions == ["supporting", "inhibiting"]
    assert set(najam.never_suggested) == {"direction", "supporting", "inhibiting"}
    assert load_codebook_file(CODEBOOKS_DIR / "ansell_gash_2008.yaml").meta.cross_framework_factors == "najam_5c_1995"
    assert load_codebook_file(CODEBOOKS_DIR / "emerson_2012.yaml").meta.is_empty()


def test_meta_round_trips_through_yaml_and_refuses_unknown_codes_and_keys():
    spec = parse_codebook(FACTORS, "levers.yaml")
    again = parse_codebook(dump_codebook(spec), "again.yaml")
    assert again.meta == spec.meta and again.meta.directions == ["pro", "contra"]
    assert "meta:" not in dump_codebook(parse_codebook(ROWS.replace("meta: {cross_framework_factors: levers}\n", ""),
                                                       "x.yaml"))
    with pytest.raises(ImportFileError) as bad_code:
        parse_codebook(FACTORS.replace("directions: [pro, contra]", "directions: [pro, kontra]"), "levers.yaml")
    assert "meta.directions" in bad_code.value.message("en") and "kontra" in bad_code.value.message("en")
    with pytest.raises(ImportFileError):
        parse_codebook(FACTORS.replace("  directions:", "  direction_codes:"), "levers.yaml")


def test_meta_is_stored_exported_and_kept_by_a_csv_refresh(session):
    project = factories.project(session)
    actor = factories.owner(session).id
    book = codebook_service.apply_codebook(session, project.id, parse_codebook(FACTORS, "levers.yaml"), actor_id=actor)
    assert read_entities.codebook_spec(session, book.id).meta.directions == ["pro", "contra"]
    csv = codebook_to_csv(read_entities.codebook_spec(session, book.id))
    codebook_service.apply_codebook(session, project.id, csv_to_codebook(csv, "levers.csv"), actor_id=actor)
    assert codebook_meta.directions(session, book.id) == ("pro", "contra")


def test_cross_framework_matrix_and_suggestions_follow_the_metadata(session):
    project = factories.project(session)
    actor = factories.owner(session).id
    levers = factories.codebook(session, project.id, actor, FACTORS)
    arenas = factories.codebook(session, project.id, actor, ROWS)
    doc = factories.document(session, project.id, actor)
    start = doc.text.index("Anggaran")
    for key in ("money", "contra"):
        code_span(session, doc.id, start, start + 8, levers[key].id, actor_id=actor)
    code_span(session, doc.id, start, start + 8, arenas["forum"].id, actor_id=actor)
    pair = codebook_meta.cross_framework_pair(session, project.id)
    assert pair == (arenas["forum"].codebook_id, levers["money"].codebook_id)
    table = displays.cross_framework_matrix(session, project.id, *pair, lang="en")
    assert list(table.columns) == [("Money", "pro"), ("Money", "contra")]  # "sign" is not a factor
    assert table.loc["Forum", ("Money", "contra")] == 1 and table.loc["Forum", ("Money", "pro")] == 0
    infos, _ = read_suggestions.code_infos(session, project.id)
    assert {i.key for i in infos} == {"money", "forum"}


def test_migration_gives_older_databases_the_shipped_metadata(empty_db_url):
    config = alembic_config(empty_db_url)
    command.upgrade(config, "0005")
    engine = make_engine(empty_db_url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO projects (id, name, description, guid, created_at) "
                                 "VALUES (1, 'P', '', 'project-guid', CURRENT_TIMESTAMP)"))
            for i, key in enumerate(("najam_5c_1995", "ansell_gash_2008", "emerson_2012"), start=1):
                conn.execute(sa.text("INSERT INTO codebooks (id, project_id, key, name, version, authors, source, "
                                     "language, description, guid, created_at) VALUES (:i, 1, :k, :k, '', '[]', '', "
                                     "'id', '', :g, CURRENT_TIMESTAMP)"), {"i": i, "k": key, "g": f"guid-{i}"})
        command.upgrade(config, "0010")
        with engine.connect() as conn:
            metas = dict(conn.execute(sa.select(sa.column("key"), sa.column("meta", sa.JSON()))
                                      .select_from(sa.table("codebooks"))).all())
        assert metas["najam_5c_1995"]["directions"] == ["supporting", "inhibiting"]
        assert metas["ansell_gash_2008"] == {"cross_framework_factors": "najam_5c_1995"}
        assert metas["emerson_2012"] is None
    finally:
        engine.dispose()
