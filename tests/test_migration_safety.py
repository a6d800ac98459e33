"""Schema changes lose nothing: every upgrade or downgrade of a SQLite file that holds data backs
it up first; a downgrade that rebuilds a table does not cascade deletes (foreign keys are off
around it); down and up again keeps every document, code, coding and memo. Backups and restores
from the command line: checked copies, no partial file on a full disk, refusals that name the
file and change nothing."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from qualcode.db import make_engine, read_session, unit_of_work
from qualcode.migrate import current_revision, downgrade, head_revision, upgrade
from qualcode.models import Code, Coding, Document, Memo, Project, Segment, Turn
from qualcode.security import backup as backup_module
from qualcode.security.backup import BackupError, backup_sqlite, restore_sqlite
from qualcode.services import memos
from qualcode.services.codings import code_span
from qualcode.services.imports import import_files
from tests import factories

ROOT = Path(__file__).resolve().parents[1]
CORE = (Project, Document, Turn, Code, Segment, Coding, Memo)


def counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with read_session(engine) as s:
            return {t.__tablename__: s.scalar(select(func.count()).select_from(t)) for t in CORE}
    finally:
        engine.dispose()


def sqlite_counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        return {t.__tablename__: conn.execute(f"SELECT count(*) FROM {t.__tablename__}").fetchone()[0] for t in CORE}
    finally:
        conn.close()


def fill(url: str) -> None:
    """A small study at head: documents with turns, codes, codings, memos."""
    upgrade(url)
    engine = make_engine(url)
    with unit_of_work(engine) as s:
        project = factories.project(s, "Studi Migrasi")
        owner = factories.owner(s).id
        book = factories.codebook(s, project.id, owner)
        report = import_files(s, project.id, [(f"W0{i}.txt", (factories.INTERVIEW + f"R: ke-{i}\n").encode())
                                             for i in range(1, 4)],
                              actor_id=owner)
        for doc_id in report.document_ids:
            coding = code_span(s, doc_id, 3, 20, book["trust_building"].id, actor_id=owner)
            memos.add_memo(s, project.id, "catatan", actor_id=owner, segment_id=coding.segment_id)
    engine.dispose()


@pytest.fixture
def study(tmp_path) -> tuple[str, Path]:
    """A SQLite file holding a small study."""
    path = tmp_path / "data" / "qualcode.sqlite3"
    url = f"sqlite:///{path}"
    fill(url)
    return url, path


def test_down_and_up_again_keeps_every_row_on_every_backend(empty_db_url):
    fill(empty_db_url)
    before = counts(empty_db_url)
    downgrade(empty_db_url, "0001")
    assert counts(empty_db_url) == before
    upgrade(empty_db_url)
    assert counts(empty_db_url) == before


def backups(path: Path) -> list[Path]:
    return sorted((path.parent / "backups").glob("*.sqlite3")) if (path.parent / "backups").exists() else []


def test_downgrading_and_upgrading_again_keeps_every_row_and_backs_up_each_time(study):
    url, path = study
    before = counts(url)
    assert before["documents"] == 3 and before["codings"] == 3 and before["memos"] == 3
    # Down to the first revision: projects is rebuilt without a column (batch mode), which with
    # foreign keys on would delete every document, code and coding.
    first = downgrade(url, "0001")
    assert first is not None and first.exists() and sqlite_counts(first) == before
    engine = make_engine(url)
    assert current_revision(engine) == "0001"
    engine.dispose()
    assert sqlite_counts(path) == before
    second = upgrade(url)
    assert second is not None and second != first and sqlite_counts(second) == before
    assert counts(url) == before
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 0  # a fresh connection's default
    conn.close()
    engine = make_engine(url)
    assert current_revision(engine) == head_revision()
    with read_session(engine) as s:  # and the app's connections have their keys on again
        assert s.connection().exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()
    assert len(backups(path)) == 2


def test_a_backup_is_checked_and_a_full_disk_leaves_no_partial_file(study, monkeypatch):
    url, path = study
    made = backup_sqlite(path)
    assert sqlite_counts(made) == counts(url)
    assert sorted(made.parent.iterdir()) == [made]  # one self-contained file, no journal beside it
    real_connect = sqlite3.connect

    def tiny_disk(database, *args, **kwargs):  # type: ignore[no-untyped-def]
        conn = real_connect(database, *args, **kwargs)
        if str(database).endswith(".partial"):
            conn.execute("PRAGMA max_page_count=4")  # SQLite's own SQLITE_FULL when the copy grows
        return conn

    monkeypatch.setattr(backup_module.sqlite3, "connect", tiny_disk)
    target = path.parent / "backups" / "full.sqlite3"
    with pytest.raises(BackupError) as err:
        backup_sqlite(path, target)
    assert err.value.key == "backup.disk_full" and "full.sqlite3" in err.value.message("en")
    assert "penuh" in err.value.message("id")
    assert not target.exists() and list(target.parent.glob(".*partial*")) == []
    assert backups(path) == [made]


def qualcode(*args: str, url: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QUALCODE_DATABASE_URL=url)
    return subprocess.run([sys.executable, "-m", "qualcode", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300, input=stdin)


def test_backup_and_restore_from_the_command_line(study, tmp_path):
    url, path = study
    before = counts(url)
    out = tmp_path / "cadangan.sqlite3"
    made = qualcode("backup", "--out", str(out), url=url)
    assert made.returncode == 0, made.stderr
    assert str(out) in made.stdout and sqlite_counts(out) == before
    engine = make_engine(url)  # work goes on after the backup ...
    with unit_of_work(engine) as s:
        s.execute(Coding.__table__.delete())
    engine.dispose()
    assert counts(url)["codings"] == 0
    restored = qualcode("restore", str(out), "--yes", url=url)  # ... and the backup brings it back
    assert restored.returncode == 0, restored.stderr
    assert counts(url) == before
    kept = [p for p in backups(path) if "before-restore" in p.name]
    assert len(kept) == 1 and sqlite_counts(kept[0])["codings"] == 0  # the replaced one is kept
    declined = qualcode("restore", str(out), url=url, stdin="n\n")
    assert declined.returncode == 1 and "Nothing changed" in declined.stderr


@pytest.mark.parametrize("what", ["garbage", "foreign", "missing"])
def test_restore_refuses_what_is_not_a_qualcode_backup_and_changes_nothing(study, tmp_path, what):
    url, path = study
    before = counts(url)
    bad = tmp_path / f"{what}.sqlite3"
    if what == "garbage":
        bad.write_bytes(b"bukan basis data " * 200)
    elif what == "foreign":
        conn = sqlite3.connect(bad)
        conn.execute("CREATE TABLE belanja (barang TEXT)")
        conn.commit()
        conn.close()
    result = qualcode("restore", str(bad), "--yes", url=url)
    assert result.returncode == 2 and bad.name in result.stderr and "Traceback" not in result.stderr
    assert counts(url) == before
    assert not [p for p in backups(path) if "before-restore" in p.name]


def test_backup_of_postgresql_points_to_pg_dump(tmp_path):
    result = qualcode("backup", url="postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert result.returncode == 2 and "pg_dump" in result.stderr


def test_restore_refuses_a_damaged_backup(study, tmp_path):
    url, path = study
    copy = backup_sqlite(path, tmp_path / "rusak.sqlite3")
    data = bytearray(copy.read_bytes())
    page = 4096
    for offset in range(page * 2, min(len(data), page * 6)):  # scribble over a few pages of tables
        data[offset] = 0xA5
    copy.write_bytes(bytes(data))
    before = counts(url)
    with pytest.raises(BackupError) as err:
        restore_sqlite(copy, path)
    assert "rusak.sqlite3" in err.value.message("en")
    assert counts(url) == before
