"""Locks and storage, with real SQLite behaviour: a write that meets another writer's lock waits,
then says so in the user's language; a full database (``max_page_count``, SQLite's own
SQLITE_FULL) says so and stores nothing; no raw database exception reaches the command line."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from qualcode import cli, db
from qualcode.db import DatabaseBusy, DiskFull, make_engine, unit_of_work
from qualcode.migrate import sqlite_path
from qualcode.models import AuditEvent, Document, Project, Segment, Turn
from qualcode.services import projects as project_service
from qualcode.services.imports import import_files
from tests import factories

TABLES = (Project, Document, Turn, Segment, AuditEvent)


def counts(engine) -> dict[str, int]:
    with db.read_session(engine) as s:
        return {t.__tablename__: s.scalar(select(func.count()).select_from(t)) for t in TABLES}


@pytest.fixture
def study(sqlite_url):
    engine = make_engine(sqlite_url)
    with unit_of_work(engine) as s:
        project = factories.project(s, "Studi Kunci")
        factories.document(s, project.id, factories.owner(s).id, "I: halo\nR: halo juga\n")
    engine.dispose()
    return sqlite_url


@pytest.fixture
def short_busy_timeout(monkeypatch):
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 400)


def hold_write_lock(url: str) -> sqlite3.Connection:
    """A second connection, as another action would be, holding the write lock."""
    other = sqlite3.connect(sqlite_path(url), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


def test_a_write_that_meets_a_lock_waits_then_says_another_action_is_running(study, short_busy_timeout):
    engine = make_engine(study)
    before = counts(engine)
    other = hold_write_lock(study)
    started = time.monotonic()
    try:
        with pytest.raises(DatabaseBusy) as err, unit_of_work(engine) as s:
            project_service.create_project(s, "Proyek baru", owner_id=factories.owner(s).id)
    finally:
        other.rollback()
        other.close()
    assert time.monotonic() - started >= 0.35  # it waited for the lock before giving up
    assert err.value.message("en").startswith("Another action is still writing to the database")
    assert err.value.message("id").startswith("Tindakan lain masih menulis")
    assert counts(engine) == before
    with unit_of_work(engine) as s:  # the lock released, the same action goes through
        project_service.create_project(s, "Proyek baru", owner_id=factories.owner(s).id)


def test_reads_go_on_while_another_action_writes(study, short_busy_timeout):
    engine = make_engine(study)
    other = hold_write_lock(study)
    try:
        assert counts(engine)["projects"] == 1
    finally:
        other.rollback()
        other.close()


def limit_pages(monkeypatch, url: str, spare_pages: int) -> None:
    """Every new connection may grow the file by at most ``spare_pages`` pages (SQLITE_FULL after)."""
    conn = sqlite3.connect(sqlite_path(url))
    limit = conn.execute("PRAGMA page_count").fetchone()[0] + spare_pages
    conn.close()
    original = db._sqlite_on_connect

    def on_connect(dbapi_connection, record):  # type: ignore[no-untyped-def]
        original(dbapi_connection, record)
        dbapi_connection.execute(f"PRAGMA max_page_count={limit}")

    monkeypatch.setattr(db, "_sqlite_on_connect", on_connect)


def big_transcript() -> bytes:
    return "".join(f"R: kalimat nomor {i} tentang koordinasi antarlembaga dan anggaran.\n"
                   for i in range(40_000)).encode("utf-8")


def test_a_full_disk_says_so_and_stores_nothing(study, monkeypatch):
    limit_pages(monkeypatch, study, spare_pages=8)
    engine = make_engine(study)
    before = counts(engine)
    with pytest.raises(DiskFull) as err, unit_of_work(engine) as s:
        project = s.scalar(select(Project))
        import_files(s, project.id, [("W_besar.txt", big_transcript())], actor_id=factories.owner(s).id)
    assert "full" in err.value.message("en") and "penuh" in err.value.message("id")
    assert "savepoint" not in err.value.message("en")
    assert counts(engine) == before


def test_the_command_line_reports_a_full_disk_without_a_traceback(study, monkeypatch, tmp_path, capsys):
    big = tmp_path / "W_besar.txt"
    big.write_bytes(big_transcript())
    monkeypatch.setenv("QUALCODE_DATABASE_URL", study)
    limit_pages(monkeypatch, study, spare_pages=8)
    before = counts(make_engine(study))
    code = cli.main(["import", str(big), "--project", "Studi Kunci"])
    err = capsys.readouterr().err
    assert code == 2 and "disk holding the database is full" in err and "Traceback" not in err
    assert "error: W_besar.txt: not imported" in err
    assert counts(make_engine(study)) == before


def test_the_command_line_reports_a_lock_without_a_traceback(study, monkeypatch, short_busy_timeout, tmp_path, capsys):
    transcript = tmp_path / "W02.txt"
    transcript.write_text("I: apa kabar?\nR: baik.\n", encoding="utf-8")
    monkeypatch.setenv("QUALCODE_DATABASE_URL", study)
    before = counts(make_engine(study))
    other = hold_write_lock(study)
    try:
        code = cli.main(["import", str(transcript), "--project", "Studi Kunci"])
    finally:
        other.rollback()
        other.close()
    err = capsys.readouterr().err
    assert code == 2 and "Another action is still writing" in err and "Traceback" not in err
    assert "error: W02.txt: not imported" in err  # met before the file's write: named all the same
    assert counts(make_engine(study)) == before


def test_the_command_line_names_the_file_an_import_stopped_at_and_keeps_the_ones_before(
        study, monkeypatch, short_busy_timeout, tmp_path, capsys):
    from qualcode import importers

    paths = []
    for n in (1, 2, 3):
        paths.append(tmp_path / f"W{n}.txt")
        paths[-1].write_bytes(small_transcript(n))
    monkeypatch.setenv("QUALCODE_DATABASE_URL", study)
    held: list[sqlite3.Connection] = []
    extract = importers.extract

    def extract_then_lock(filename: str, data: bytes):  # type: ignore[no-untyped-def]
        if filename == "W2.txt":  # W1.txt is committed; another action takes the lock meanwhile
            held.append(hold_write_lock(study))
        return extract(filename, data)

    monkeypatch.setattr(importers, "extract", extract_then_lock)
    try:
        code = cli.main(["import", *map(str, paths), "--project", "Studi Kunci"])
    finally:
        for other in held:
            other.rollback()
            other.close()
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "error: W2.txt: not imported. Another action is still writing to the database" in err
    assert "The file before it is imported (W1.txt)" in err
    assert "W1.txt" in documents_of(make_engine(study)) and "W2.txt" not in documents_of(make_engine(study))


def test_every_database_failure_becomes_a_message():
    from sqlalchemy.exc import IntegrityError, OperationalError

    def raised(orig: Exception, during: Exception | None = None) -> Exception:
        exc = OperationalError("INSERT ...", {}, orig)
        exc.__context__ = during
        return exc

    assert isinstance(db.storage_error(raised(sqlite3.OperationalError("database is locked"))), DatabaseBusy)
    # disk full inside a savepoint, then "no such savepoint" on release: the first cause wins
    assert isinstance(db.storage_error(raised(sqlite3.OperationalError("no such savepoint: sa_savepoint_1"),
                                              raised(sqlite3.OperationalError("database or disk is full")))),
                      DiskFull)
    assert db.storage_error(raised(sqlite3.OperationalError("attempt to write a readonly database"))).key == \
        "db.read_only"
    assert db.storage_error(raised(sqlite3.DatabaseError("database disk image is malformed"))).key == "db.corrupt"
    assert db.storage_error(IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE failed"))).key == \
        "db.conflict"
    assert db.storage_error(raised(sqlite3.OperationalError("unable to open database file"))).key == \
        "db.unavailable"


def test_a_read_only_database_file_refuses_writes_with_a_message(study, tmp_path):
    path = Path(sqlite_path(study))
    engine = make_engine(study)
    with db.read_session(engine) as s:  # WAL files exist; checkpoint so the main file holds it all
        s.connection().exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    read_only = make_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    with pytest.raises(db.StorageError) as err, unit_of_work(read_only) as s:
        project_service.create_project(s, "Tidak bisa", owner_id=1)
    assert err.value.key in ("db.read_only", "db.unavailable")


def test_the_page_says_another_action_is_running_when_a_write_meets_a_lock(study, monkeypatch, short_busy_timeout):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("QUALCODE_DATABASE_URL", study)
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=60).run()
    next(ti for ti in at.text_input if ti.label == "Nama proyek").input("Proyek saat impor")
    before = counts(make_engine(study))
    other = hold_write_lock(study)
    try:
        next(b for b in at.button if b.label == "Buat proyek").click().run()
    finally:
        other.rollback()
        other.close()
    assert not at.exception
    assert any(e.value.startswith("Tindakan lain masih menulis ke basis data") for e in at.error)
    assert counts(make_engine(study)) == before


# An import the database refuses part-way: it names the file, keeps the files before it (committed
# one by one) and leaves nothing of the refused one.

def small_transcript(n: int) -> bytes:
    return f"P: Apa peran dinas nomor {n}?\nI: Kami berkoordinasi, nomor {n}.\n".encode()


def documents_of(engine) -> list[str]:
    with db.read_session(engine) as s:
        return sorted(s.scalars(select(Document.original_filename)))


def test_an_import_that_meets_a_lock_names_the_file_and_keeps_the_files_before_it(study, short_busy_timeout):
    engine = make_engine(study)
    before = documents_of(engine)
    held: list[sqlite3.Connection] = []

    def progress(index: int, _total: int, name: str) -> None:
        if name == "W2.txt":  # W1.txt is stored and committed; another action now takes the lock
            held.append(hold_write_lock(study))

    files = [(f"W{n}.txt", small_transcript(n)) for n in (1, 2, 3)]
    try:
        with pytest.raises(DatabaseBusy) as err, unit_of_work(engine) as s:
            project = s.scalar(select(Project))
            import_files(s, project.id, files, actor_id=factories.owner(s).id, progress=progress,
                         commit_each_file=True)
    finally:
        for other in held:
            other.rollback()
            other.close()
    english, indonesian = err.value.message("en"), err.value.message("id")
    assert english.startswith("W2.txt: not imported. Another action is still writing to the database")
    assert "The file before it is imported (W1.txt)" in english
    assert indonesian.startswith("W2.txt: tidak diimpor. Tindakan lain masih menulis ke basis data")
    assert documents_of(engine) == sorted([*before, "W1.txt"])
    with db.read_session(engine) as s:  # W1.txt whole, with its turns; nothing of W2.txt
        w1 = s.scalar(select(Document).where(Document.original_filename == "W1.txt"))
        assert w1 is not None and len(w1.turns) == 2


def test_an_import_that_meets_a_lock_before_its_first_file_names_it_and_stores_nothing(study, short_busy_timeout):
    engine = make_engine(study)
    with unit_of_work(engine) as s:
        project_id, owner_id = s.scalar(select(Project.id)), factories.owner(s).id
    before = counts(engine)
    other = hold_write_lock(study)
    try:
        with pytest.raises(DatabaseBusy) as err, unit_of_work(engine) as s:
            import_files(s, project_id, [(f"W{n}.txt", small_transcript(n)) for n in (1, 2)], actor_id=owner_id)
    finally:
        other.rollback()
        other.close()
    assert err.value.message("en").startswith("W1.txt: not imported. Another action is still writing")
    assert "Nothing of this import was saved" in err.value.message("en")
    assert counts(engine) == before


def test_an_import_on_a_full_disk_names_the_file_and_leaves_nothing_of_it(study, monkeypatch):
    limit_pages(monkeypatch, study, spare_pages=8)
    engine = make_engine(study)
    before = counts(engine)
    with pytest.raises(DiskFull) as err, unit_of_work(engine) as s:
        project = s.scalar(select(Project))
        import_files(s, project.id, [("W1.txt", small_transcript(1)), ("W_besar.txt", big_transcript())],
                     actor_id=factories.owner(s).id, commit_each_file=True)
    english = err.value.message("en")
    assert english.startswith("W_besar.txt: not imported: the disk holding the database is full")
    assert "The file before it is imported (W1.txt)" in english and "savepoint" not in english
    assert err.value.message("id").startswith("W_besar.txt: tidak diimpor: disk tempat basis data penuh")
    after = counts(engine)
    assert after["documents"] == before["documents"] + 1 and after["turns"] == before["turns"] + 2
    assert documents_of(engine)[-1] != "W_besar.txt" and "W_besar.txt" not in documents_of(engine)


def test_the_command_line_names_the_codebook_file_when_its_import_meets_a_lock(study, monkeypatch, short_busy_timeout,
                                                                                 tmp_path, capsys):
    book = tmp_path / "tiny.yaml"
    book.write_text(factories.SMALL_CODEBOOK, encoding="utf-8")
    monkeypatch.setenv("QUALCODE_DATABASE_URL", study)
    before = counts(make_engine(study))
    other = hold_write_lock(study)
    try:
        code = cli.main(["codebook", "import", str(book), "--project", "Studi Kunci"])
    finally:
        other.rollback()
        other.close()
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "error: tiny.yaml: not imported. Another action is still writing to the database" in err
    assert counts(make_engine(study)) == before
