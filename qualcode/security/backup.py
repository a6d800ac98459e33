"""Backups of the SQLite file, and restoring one.

A backup is written with SQLite's online backup API (safe while the app is running, WAL
included) to a temporary file beside the target, checked with ``PRAGMA integrity_check``, synced
and only then renamed into place: a full disk or any other failure leaves no partial file, and
the message says what happened. Restoring checks the backup first, keeps a backup of the
database it replaces, then copies the backup in with the same API (other connections see the
old or the new database, never a mix). PostgreSQL is backed up with ``pg_dump`` (README).
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import sqlite3
from pathlib import Path

from qualcode.errors import QualcodeError

DISK_FULL_CODES = {getattr(sqlite3, "SQLITE_FULL", 13)}


class BackupError(QualcodeError):
    """A backup or restore did not happen; nothing partial was left behind."""


def default_target(path: Path, label: str | None = None) -> Path:
    """``backups/<name>-<timestamp>[-<label>].sqlite3`` beside the database file."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    return path.parent / "backups" / f"{path.stem}-{stamp}{'-' + label if label else ''}{path.suffix}"


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return "disk_full"
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        if code in DISK_FULL_CODES or "disk is full" in str(exc) or "database or disk is full" in str(exc):
            return "disk_full"
    return "other"


def _integrity(path: Path) -> str:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def _remove(partial: Path) -> None:
    """The unfinished copy and any journal SQLite kept beside it."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        partial.with_name(partial.name + suffix).unlink(missing_ok=True)


def backup_sqlite(path: Path, target: Path | None = None, *, label: str | None = None) -> Path:
    """Copy the database at ``path`` to ``target`` (default: ``default_target``); returns it."""
    if not path.exists():
        raise BackupError("backup.no_database", file=str(path))
    target = target or default_target(path, label)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    try:
        src = sqlite3.connect(path)
        try:
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst)
                # A copy of a WAL database is in WAL mode too: fold it into one self-contained file.
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        verdict = _integrity(partial)
        if verdict != "ok":
            raise BackupError("backup.not_intact", file=str(path), detail=verdict)
        with open(partial, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, target)
    except BackupError:
        _remove(partial)
        raise
    except (OSError, sqlite3.Error) as exc:
        _remove(partial)
        if _reason(exc) == "disk_full":
            raise BackupError("backup.disk_full", file=str(target)) from exc
        raise BackupError("backup.failed", file=str(target), detail=str(exc)) from exc
    return target


def restore_sqlite(backup: Path, path: Path) -> Path | None:
    """Replace the database at ``path`` with ``backup`` after checking it; returns the backup
    made of the replaced database (None when there was none)."""
    if not backup.exists():
        raise BackupError("backup.no_database", file=str(backup))
    try:
        verdict = _integrity(backup)
        conn = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise BackupError("backup.not_a_database", file=str(backup), detail=str(exc)) from exc
    if verdict != "ok":
        raise BackupError("backup.not_intact", file=str(backup), detail=verdict)
    if "alembic_version" not in tables or "projects" not in tables:
        raise BackupError("backup.not_qualcode", file=str(backup))
    kept = backup_sqlite(path, label="before-restore") if path.exists() and path.stat().st_size else None
    try:
        src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        dst = sqlite3.connect(path, timeout=15)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
    except sqlite3.Error as exc:
        if _reason(exc) == "disk_full":
            raise BackupError("backup.disk_full", file=str(path)) from exc
        raise BackupError("backup.failed", file=str(path), detail=str(exc)) from exc
    return kept
