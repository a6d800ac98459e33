"""Alembic driven from code: back up the SQLite file, then upgrade to head on open."""

from __future__ import annotations

import datetime as dt
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
    """Copy the SQLite file (WAL included, via SQLite's online backup) to a timestamped file."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = path.parent / "backups" / f"{path.stem}-{stamp}-{revision or 'base'}{path.suffix}"
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(path)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target


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
    backup = None
    path = sqlite_path(url)
    if path is not None and path.exists() and path.stat().st_size > 0 and _has_tables(path):
        backup = backup_sqlite(path, current)
    command.upgrade(alembic_config(url), "heads")
    return backup


def _has_tables(path: Path) -> bool:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0] > 0
    finally:
        conn.close()
