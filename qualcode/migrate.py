"""Alembic driven from code: back up the SQLite file, then upgrade to head on open (or
downgrade on request, backed up the same way)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from qualcode.config import MIGRATIONS_DIR
from qualcode.db import make_engine
from qualcode.security import backup as security_backup


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    """The head revision(s); branches (one per capability) are allowed, joined by '+'."""
    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    return "+".join(sorted(heads))


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        heads = MigrationContext.configure(conn).get_current_heads()
    return "+".join(sorted(heads)) if heads else None


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def backup_sqlite(path: Path, revision: str | None) -> Path:
    """Copy the SQLite file (WAL included, via SQLite's online backup) to a timestamped file,
    checked and renamed into place (no partial file on a full disk)."""
    return security_backup.backup_sqlite(path, label=revision or "base")


def _backup_before_change(url: str, current: str | None) -> Path | None:
    path = sqlite_path(url)
    if path is not None and path.exists() and path.stat().st_size > 0 and _has_tables(path):
        return backup_sqlite(path, current)
    return None


def upgrade(url: str) -> Path | None:
    """Upgrade the database at ``url`` to head. Returns the backup path if one was made.

    A SQLite file that already holds data and is behind head is backed up first; an empty or
    up-to-date database needs no backup.
    """
    engine = make_engine(url)
    try:
        current = current_revision(engine)
    finally:
        engine.dispose()
    if current == head_revision():
        return None
    backup = _backup_before_change(url, current)
    command.upgrade(alembic_config(url), "heads")
    return backup


def downgrade(url: str, revision: str) -> Path | None:
    """Downgrade the database at ``url`` to ``revision`` (e.g. ``0005`` or ``-1``), backing up a
    SQLite file that holds data first. Tables are rebuilt with foreign keys off (migrations/env.py),
    so no rebuild cascades a delete; what a downgrade drops is only the reverted revision's own
    tables or columns, and the backup keeps them."""
    engine = make_engine(url)
    try:
        current = current_revision(engine)
    finally:
        engine.dispose()
    backup = _backup_before_change(url, current)
    command.downgrade(alembic_config(url), revision)
    return backup


def _has_tables(path: Path) -> bool:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0] > 0
    finally:
        conn.close()
