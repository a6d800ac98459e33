"""Fixtures: real databases (SQLite always, PostgreSQL when QUALCODE_TEST_DATABASE_URL is set),
migrated once into a template and copied per test, so every test starts from a clean schema."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from qualcode.db import make_engine, session_factory
from qualcode.migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
PG_URL = os.environ.get("QUALCODE_TEST_DATABASE_URL", "")


def _pg(url: str) -> str:
    return "postgresql+psycopg://" + url.split("://", 1)[1] if url.startswith("postgresql://") else url


def backends() -> list[str]:
    return ["sqlite", "postgresql"] if PG_URL else ["sqlite"]


class PgAdmin:
    """Creates and drops throw-away databases on the test server."""

    def __init__(self, url: str) -> None:
        self.url = make_url(_pg(url))
        self.engine = create_engine(self.url, isolation_level="AUTOCOMMIT")

    def url_for(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def create(self, name: str, template: str | None = None) -> str:
        with self.engine.connect() as conn:
            clause = f' TEMPLATE "{template}"' if template else ""
            conn.execute(text(f'CREATE DATABASE "{name}"{clause}'))
        return self.url_for(name)

    def drop(self, name: str) -> None:
        with self.engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[PgAdmin | None]:
    if not PG_URL:
        yield None
        return
    admin = PgAdmin(PG_URL)
    yield admin
    admin.engine.dispose()


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory, pg_admin: PgAdmin | None) -> Iterator[dict[str, str]]:
    """One migrated database per backend, to copy from."""
    out: dict[str, str] = {}
    folder = tmp_path_factory.mktemp("template")
    sqlite_file = folder / "template.sqlite3"
    upgrade(f"sqlite:///{sqlite_file}")
    out["sqlite"] = str(sqlite_file)
    name = None
    if pg_admin is not None:
        name = f"qc_tpl_{uuid.uuid4().hex[:10]}"
        url = pg_admin.create(name)
        upgrade(url)
        out["postgresql"] = name
    yield out
    if pg_admin is not None and name:
        pg_admin.drop(name)


def _fresh_url(backend: str, templates: dict[str, str], tmp_path: Path, pg_admin: PgAdmin | None) -> tuple[str, str | None]:
    if backend == "sqlite":
        target = tmp_path / "qualcode.sqlite3"
        shutil.copyfile(templates["sqlite"], target)
        return f"sqlite:///{target}", None
    assert pg_admin is not None
    name = f"qc_{uuid.uuid4().hex[:12]}"
    return pg_admin.create(name, template=templates["postgresql"]), name


@pytest.fixture(params=backends())
def db_url(request: pytest.FixtureRequest, templates: dict[str, str], tmp_path: Path, pg_admin: PgAdmin | None) -> Iterator[str]:
    """A URL to a fresh, migrated database, on every backend under test."""
    url, name = _fresh_url(request.param, templates, tmp_path, pg_admin)
    yield url
    if name and pg_admin is not None:
        pg_admin.drop(name)


@pytest.fixture
def sqlite_url(templates: dict[str, str], tmp_path: Path) -> str:
    """A fresh migrated SQLite database (for tests of SQLite-only behaviour, and page tests)."""
    url, _ = _fresh_url("sqlite", templates, tmp_path, None)
    return url


@pytest.fixture(params=backends())
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path, pg_admin: PgAdmin | None) -> Iterator[str]:
    """A URL to an empty database (no schema), on every backend under test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    assert pg_admin is not None
    name = f"qc_empty_{uuid.uuid4().hex[:10]}"
    url = pg_admin.create(name)
    yield url
    pg_admin.drop(name)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    s = session_factory(engine)()
    yield s
    s.rollback()
    s.close()


@pytest.fixture
def shared_dir() -> Path:
    """../shared beside the checkout: skipped when absent, a failure when QUALCODE_REQUIRE_SHARED=1."""
    if not SHARED.is_dir():
        message = f"{SHARED} is not there (reference data from the steering repo)"
        if os.environ.get("QUALCODE_REQUIRE_SHARED") == "1":
            pytest.fail(message + " and QUALCODE_REQUIRE_SHARED=1")
        pytest.skip(message)
    return SHARED


@pytest.fixture
def demo_url(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The demo project in a fresh SQLite database that the app under AppTest (and the CLI) opens:
    the one demo fixture of the suite (QUALCODE_DATABASE_URL points at it)."""
    from qualcode.db import unit_of_work
    from qualcode.demo import load_demo

    eng = make_engine(sqlite_url)
    with unit_of_work(eng) as session:
        load_demo(session)
    eng.dispose()
    monkeypatch.setenv("QUALCODE_DATABASE_URL", sqlite_url)
    return sqlite_url


@pytest.fixture
def demo(demo_url: str) -> Iterator[Engine]:
    """An engine on :func:`demo_url`'s database; modules add their own data by overriding
    ``demo`` with a fixture that takes this one."""
    eng = make_engine(demo_url)
    yield eng
    eng.dispose()


# The one headless Chromium of the test run (Debian's, never `playwright install`), for the browser
# tests under tests/browser/ and any other test that renders a page (the report in print).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def chromium_path() -> str | None:
    candidate = os.environ.get("QUALCODE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return candidate if candidate and Path(candidate).exists() else None


@pytest.fixture(scope="session")
def chromium() -> str:
    path = chromium_path()
    if path is None:
        message = "no Chromium found (install Debian's chromium, or set QUALCODE_CHROMIUM)"
        if os.environ.get("QUALCODE_REQUIRE_BROWSER") == "1":
            pytest.fail(message + " and QUALCODE_REQUIRE_BROWSER=1")
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def browser(chromium: str):  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


