"""``python -m qualcode backup`` and ``restore`` (SQLite), and ``migrate --downgrade``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from qualcode.cli import command
from qualcode.config import get_settings
from qualcode.errors import QualcodeError
from qualcode.migrate import sqlite_path
from qualcode.security.backup import backup_sqlite, restore_sqlite


def _database_file() -> Path:
    url = get_settings().database_url
    path = sqlite_path(url)
    if path is None:  # PostgreSQL: its own tools do it (README, "Backups")
        raise QualcodeError("backup.use_pg_dump")
    return path


def _configure_backup(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, help="file to write (default: data/backups/<name>-<time>.sqlite3)")


@command("backup", "copy the SQLite database, checked, to a backup file (PostgreSQL: pg_dump)", _configure_backup)
def cmd_backup(args: argparse.Namespace) -> int:
    target = backup_sqlite(_database_file(), args.out, label="manual" if args.out is None else None)
    print(f"Backed up to {target}.")
    return 0


def _configure_restore(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="a backup made by `backup` (or by a migration)")
    parser.add_argument("--yes", action="store_true", help="replace the database without asking")


@command("restore", "replace the SQLite database with a checked backup (the current one is kept)", _configure_restore)
def cmd_restore(args: argparse.Namespace) -> int:
    path = _database_file()
    if not args.yes:
        answer = input(f"Replace {path} with {args.file}? The current database is backed up first. [y/N] ")
        if answer.strip().lower() not in ("y", "yes", "ya"):
            print("Nothing changed.", file=sys.stderr)
            return 1
    kept = restore_sqlite(args.file, path)
    if kept is not None:
        print(f"The replaced database is kept in {kept}.")
    print(f"Restored {path} from {args.file}. Run `python -m qualcode migrate` if the backup is older.")
    return 0
