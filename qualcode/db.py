"""Engines and sessions. SQLite gets foreign keys, WAL and a busy timeout on every connection.
No raw database exception leaves a unit of work or a read session: each becomes a
``StorageError`` (a QualcodeError) that says in the user's language what happened."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from qualcode.errors import ConflictError, QualcodeError

SQLITE_BUSY_TIMEOUT_MS = 15_000


def _sqlite_on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # Let SQLAlchemy, not pysqlite, manage transactions (needed for SAVEPOINT and for BEGIN to
    # really start a transaction), then set the pragmas every connection needs.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _sqlite_on_begin(conn) -> None:  # type: ignore[no-untyped-def]
    # BEGIN IMMEDIATE takes the write lock up front, so two writers queue on the busy timeout
    # instead of failing half-way with "database is locked". Reads (read_session) begin a plain
    # deferred transaction: under WAL they never wait for a writer nor make one wait.
    if conn.get_execution_options().get("qualcode_read"):
        conn.exec_driver_sql("BEGIN")
    else:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    """An engine for ``url``; for SQLite the file's folder is created if missing."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


class StorageError(QualcodeError):
    """The database refused the action (busy, full, read-only, damaged, unreachable); nothing of
    the action was stored, unless :meth:`during` says what was."""

    context: tuple[str, dict[str, object]] | None = None

    def during(self, key: str, /, **params: object) -> StorageError:
        """The same failure said in the words of what was being done: message ``key`` with
        ``params`` and ``{reason}``, this error's own message (an import names its file and
        what stays stored)."""
        self.context = (key, params)
        self.args = (self.message("en"),)
        return self

    def message(self, lang: str = "en") -> str:
        reason = super().message(lang)
        if self.context is None:
            return reason
        from qualcode.i18n import t

        key, params = self.context
        return t(key, lang, **params, reason=reason)


class DatabaseBusy(StorageError):
    """Another action held the write lock for longer than the busy timeout."""

    key = "db.busy"


class DiskFull(StorageError):
    key = "db.disk_full"


# Words of SQLite's and PostgreSQL's messages (and psycopg's SQLSTATEs) that say what happened.
_BUSY = ("database is locked", "database table is locked", "database is busy", "could not obtain lock",
         "deadlock detected", "could not serialize", "lock timeout")
_FULL = ("database or disk is full", "disk is full", "no space left on device", "disk full")
_READ_ONLY = ("readonly database", "read-only", "read only")
_CORRUPT = ("malformed", "file is not a database", "not a database")
_SQLSTATE = {"40001": "busy", "40P01": "busy", "55P03": "busy", "53100": "full", "25006": "read_only"}


def _causes(exc: BaseException) -> list[BaseException]:
    """The exception and what it was raised from or during: a failure inside a savepoint (disk
    full) is often followed by "no such savepoint" when the savepoint is released, and the first
    one is the one to report."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def storage_error(exc: BaseException) -> QualcodeError:
    """The QualcodeError to show for a database exception."""
    kinds = []
    for cause in _causes(exc):
        original = getattr(cause, "orig", cause)
        text = str(original).lower()
        state = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
        code = getattr(original, "sqlite_errorcode", None)
        if _SQLSTATE.get(state or "") == "full" or code == 13 or any(w in text for w in _FULL):
            kinds.append("full")
        elif _SQLSTATE.get(state or "") == "busy" or code in (5, 6) or any(w in text for w in _BUSY):
            kinds.append("busy")
        elif _SQLSTATE.get(state or "") == "read_only" or code == 8 or any(w in text for w in _READ_ONLY):
            kinds.append("read_only")
        elif code in (11, 26) or any(w in text for w in _CORRUPT):
            kinds.append("corrupt")
    detail = str(getattr(exc, "orig", exc)).splitlines()[0][:200] if str(exc) else type(exc).__name__
    for kind in ("full", "busy", "read_only", "corrupt"):  # the most telling cause first
        if kind in kinds:
            return {"full": DiskFull(), "busy": DatabaseBusy(), "read_only": StorageError("db.read_only"),
                    "corrupt": StorageError("db.corrupt", detail=detail)}[kind]
    if isinstance(exc, IntegrityError):
        return ConflictError("db.conflict", detail=detail)
    return StorageError("db.unavailable", detail=detail)


DATABASE_ERRORS = (DBAPIError, sqlite3.Error)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """One transaction per user action: commit if the block succeeds, roll back otherwise."""
    session = session_factory(engine)()
    try:
        yield session
        session.commit()
    except DATABASE_ERRORS as exc:
        _rollback(session)
        raise storage_error(exc) from exc
    except BaseException:
        _rollback(session)
        raise
    finally:
        session.close()


def _rollback(session: Session) -> None:
    try:
        session.rollback()
    except DATABASE_ERRORS:  # the connection may be gone (disk full, server down): closing ends it
        pass


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for reads; nothing it does is committed. Objects it loaded stay readable after
    the block (closing detaches them without expiring what was loaded)."""
    session = sessionmaker(engine.execution_options(qualcode_read=True), expire_on_commit=False)()
    try:
        yield session
    except DATABASE_ERRORS as exc:
        raise storage_error(exc) from exc
    finally:
        session.close()


def bind_url(session: Session) -> str:
    """The URL of the database a session talks to (a key for per-database caches)."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    return str(engine.url)
