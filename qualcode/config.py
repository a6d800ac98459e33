"""Settings, read from the environment (no Streamlit, no files)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODEBOOKS_DIR = ROOT / "codebooks"
CORPORA_DIR = ROOT / "corpora"
MIGRATIONS_DIR = ROOT / "migrations"


@dataclass(frozen=True)
class Settings:
    database_url: str
    data_dir: Path
    language: str
    accounts: bool = False
    session_minutes: int = 480

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def default_data_dir() -> Path:
    return Path(os.environ.get("QUALCODE_DATA_DIR", ROOT / "data"))


def get_settings() -> Settings:
    """Settings from the environment.

    - ``QUALCODE_DATABASE_URL``: a SQLAlchemy URL; default the SQLite file
      ``data/qualcode.sqlite3``. For a team server, ``postgresql+psycopg://user@host/db``.
    - ``QUALCODE_DATA_DIR``: where the SQLite file and its backups live (default ``data/``).
    - ``QUALCODE_LANGUAGE``: the default UI language, ``id`` or ``en`` (default ``id``).
    - ``QUALCODE_ACCOUNTS``: ``1`` turns on accounts and sign-in for a shared server (default off:
      single-user mode, the coder is picked in the sidebar).
    - ``QUALCODE_SESSION_MINUTES``: with accounts on, idle minutes before signing in again (480).
    """
    data_dir = default_data_dir()
    url = os.environ.get("QUALCODE_DATABASE_URL") or f"sqlite:///{data_dir / 'qualcode.sqlite3'}"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    language = os.environ.get("QUALCODE_LANGUAGE", "id")
    return Settings(
        database_url=url,
        data_dir=data_dir,
        language=language if language in ("id", "en") else "id",
        accounts=os.environ.get("QUALCODE_ACCOUNTS", "").strip().lower() in ("1", "true", "yes", "on"),
        session_minutes=int(os.environ.get("QUALCODE_SESSION_MINUTES", "480") or 480),
    )
