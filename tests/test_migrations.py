"""Migrations: an empty database upgrades to exactly the models; SQLite is backed up first."""

import sqlite3

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from qualcode.db import make_engine
from qualcode.migrate import alembic_config, current_revision, head_revision, upgrade
from qualcode.schema import Base


def test_upgrade_of_an_empty_database_equals_the_models(empty_db_url):
    upgrade(empty_db_url)
    engine = make_engine(empty_db_url)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(ctx, Base.metadata)
        assert diff == [], diff
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_upgrade_at_head_is_a_no_op_without_backup(tmp_path):
    url = f"sqlite:///{tmp_path / 'q.sqlite3'}"
    assert upgrade(url) is None  # a brand-new file needs no backup
    assert upgrade(url) is None  # at head: nothing to do
    assert not (tmp_path / "backups").exists()


def test_sqlite_file_is_backed_up_before_a_migration(tmp_path):
    from alembic import command

    db = tmp_path / "q.sqlite3"
    url = f"sqlite:///{db}"
    upgrade(url)
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO users (login, display_name, is_admin, guid, created_at) "
                 "VALUES ('ana', 'Ana', 0, 'g-1', '2026-01-01')")
    conn.commit()
    conn.close()
    command.downgrade(alembic_config(url), "base")
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE keepsake (note TEXT)")
    conn.execute("INSERT INTO keepsake VALUES ('precious')")
    conn.commit()
    conn.close()

    backup = upgrade(url)

    assert backup is not None and backup.exists() and backup.parent == tmp_path / "backups"
    copy = sqlite3.connect(backup)
    assert copy.execute("SELECT note FROM keepsake").fetchall() == [("precious",)]
    copy.close()
    engine = make_engine(url)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(sqlite_url):
    engine = make_engine(sqlite_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0
    engine.dispose()


def test_a_read_does_not_block_a_write_on_sqlite(sqlite_url):
    from sqlalchemy import text

    from qualcode.db import read_session, unit_of_work

    engine = make_engine(sqlite_url)
    with read_session(engine) as reader:
        reader.execute(text("SELECT count(*) FROM projects")).scalar()
        with unit_of_work(engine) as writer:  # would wait for the busy timeout, then fail, under BEGIN IMMEDIATE
            writer.execute(text("INSERT INTO users (login, display_name, is_admin, guid, created_at) "
                                "VALUES ('x1', 'X', false, 'g-x1', '2026-01-01')"))
    engine.dispose()
