"""Importing files into a project: turns, cases, pseudonyms, duplicates, refusals, the CLI."""

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from qualcode.models import Case, Document, Turn
from qualcode.services import cases as case_service
from qualcode.services.imports import import_files, read_metadata_sheet, set_interviewer
from tests import factories

ROOT = Path(__file__).resolve().parent.parent
W1 = "Transkrip W1\n\nPeneliti: Bagaimana peran Bu Sri Wahyuni?\nInforman: Bu Sri itu kunci, kami saling percaya 👍.\n"
W2 = "T: Apa hambatannya?\nJ: Anggaran APBD terbatas, koordinasi lambat.\n"
SHEET = (
    "file,title,kind,case,stakeholder_group,organisation,position,interview_date,interview_place,interviewer_label,usia\n"
    "interviews/w1.txt,Wawancara Dinkes,interview,Informan A1,pemerintah,Dinkes,Kabid,2025-02-18,Kantor,Peneliti,45\n"
    "w2.txt,Wawancara relawan,interview,Informan C1,masyarakat,FPRB,Koordinator,18/03/2025,Balai desa,T,38\n"
)


def test_import_with_metadata_pseudonyms_turns_and_cases(session):
    project = factories.project(session)
    actor = factories.owner(session).id
    metadata = read_metadata_sheet("meta.csv", SHEET.encode("utf-8"))
    report = import_files(
        session, project.id,
        [("w1.txt", W1.encode("utf-16")), ("w2.txt", W2.encode("cp1252"))],
        actor_id=actor, metadata=metadata, pseudonyms={"Sri Wahyuni": "R1", "Sri": "R1"},
    )
    session.commit()
    assert [o.status for o in report.outcomes] == ["imported", "imported"]
    doc = session.scalar(select(Document).where(Document.title == "Wawancara Dinkes"))
    assert "Sri" not in doc.text and doc.text.count("R1") == 2 and "👍" in doc.text
    assert doc.interviewer_label == "Peneliti"
    assert [(t.speaker, t.is_interviewer) for t in doc.turns] == [("Peneliti", True), ("Informan", False)]
    turn = doc.turns[1]
    assert doc.text[turn.text_start:turn.end] == "Bu R1 itu kunci, kami saling percaya 👍."
    case = session.scalar(select(Case).where(Case.pseudonym == "Informan A1"))
    assert (case.stakeholder_group, case.organisation, str(case.interview_date)) == ("pemerintah", "Dinkes", "2025-02-18")
    assert case.attributes == {"usia": {"type": "number", "value": 45}}
    assert [d.title for d in case.documents] == ["Wawancara Dinkes"]
    other = session.scalar(select(Case).where(Case.pseudonym == "Informan C1"))
    assert str(other.interview_date) == "2025-03-18"


def test_duplicates_are_reported_and_refusals_leave_nothing_behind(session):
    project = factories.project(session)
    actor = factories.owner(session).id
    import_files(session, project.id, [("w1.txt", W1.encode())], actor_id=actor)
    session.commit()
    bad_sheet = read_metadata_sheet("m.csv", b"file,case,stakeholder_group\nw2.txt,Informan X,alien\n")
    report = import_files(
        session, project.id,
        [("copy.txt", W1.encode("utf-8-sig")), ("w2.txt", W2.encode()), ("scan.exe", b"MZ\x00"), ("ok.txt", b"P: a\nI: b\n")],
        actor_id=actor, metadata=bad_sheet,
    )
    session.commit()
    assert [o.status for o in report.outcomes] == ["duplicate", "refused", "refused", "imported"]
    assert "copy.txt" in report.outcomes[0].message() and "w1" in report.outcomes[0].message()
    assert report.outcomes[1].message().startswith("w2.txt: ") and "alien" in report.outcomes[1].message()
    assert "scan.exe" in report.outcomes[2].message()
    assert session.scalar(select(func.count()).select_from(Document)) == 2
    assert session.scalar(select(func.count()).select_from(Case)) == 0  # the refused row's case was rolled back


FIRST_SHEET = 'title,text\nWawancara A,"P: Apa kabar?\nI: Baik, kepercayaan meningkat."\nWawancara B,"P: Lalu?\nI: Sulit."\n'
MIXED_SHEET = ('title,text\nWawancara E,"P: Baru E?\nI: Ya baru E."\n'
               'Wawancara A,"P: Apa kabar?\nI: Baik, kepercayaan meningkat."\nWawancara F,"P: Juga baru F?\nI: Ya F."\n')


def test_a_sheet_row_already_in_the_project_is_skipped_and_named_and_the_new_rows_are_imported(session):
    """Like a duplicate file among several, a duplicate row is reported on its own (naming the row
    in the reader's language) and the sheet's other rows are imported."""
    project = factories.project(session)
    actor = factories.owner(session).id
    import_files(session, project.id, [("sheet.csv", FIRST_SHEET.encode())], actor_id=actor, commit_each_file=True)
    report = import_files(session, project.id, [("mixed.csv", MIXED_SHEET.encode())], actor_id=actor,
                          commit_each_file=True)
    assert [(o.file, o.status, len(o.document_ids)) for o in report.outcomes] == [
        ("mixed.csv", "imported", 2), ("mixed.csv", "duplicate", 0)]
    duplicate = report.duplicates[0]
    assert duplicate.message("en") == ("mixed.csv, row 3: this text is already in the project as 'Wawancara A'; "
                                       "it was not imported twice.")
    assert duplicate.message("id").startswith("mixed.csv, baris 3: teks ini sudah ada di proyek sebagai 'Wawancara A'")
    stored = session.execute(select(Document.title, Document.original_filename).order_by(Document.id)).all()
    assert [tuple(row) for row in stored] == [("Wawancara A", "sheet.csv #2"), ("Wawancara B", "sheet.csv #3"),
                                              ("Wawancara E", "mixed.csv #2"), ("Wawancara F", "mixed.csv #4")]
    assert session.scalar(select(func.count()).select_from(Turn)) == 8

    again = import_files(session, project.id, [("mixed.csv", MIXED_SHEET.encode())], actor_id=actor)
    assert [o.status for o in again.outcomes] == ["duplicate"] * 3  # no "imported" outcome with nothing in it
    assert ["row 2", "row 3", "row 4"] == [o.message("en").split(": ")[0].removeprefix("mixed.csv, ") for o in again.outcomes]
    assert session.scalar(select(func.count()).select_from(Document)) == 4


def test_a_sheet_row_refused_still_refuses_the_whole_sheet_naming_the_row(session):
    project = factories.project(session)
    actor = factories.owner(session).id
    import_files(session, project.id, [("sheet.csv", FIRST_SHEET.encode())], actor_id=actor)
    sheet = MIXED_SHEET.replace("title,text\n", "title,text,kind\n").replace('Ya F."', 'Ya F.",wawancara')
    report = import_files(session, project.id, [("mixed.csv", sheet.encode())], actor_id=actor)
    assert [o.status for o in report.outcomes] == ["refused"]
    assert report.outcomes[0].message("id").startswith("mixed.csv, baris 4: jenis dokumen 'wawancara' tidak dikenal")
    assert report.outcomes[0].message("en").startswith("mixed.csv, row 4: unknown document kind 'wawancara'")
    assert session.scalar(select(func.count()).select_from(Document)) == 2


def test_interviewer_can_be_corrected(session):
    project = factories.project(session)
    actor = factories.owner(session).id
    report = import_files(session, project.id, [("w2.txt", W2.encode())], actor_id=actor)
    doc = session.get(Document, report.document_ids[0])
    assert doc.interviewer_label == "T"
    set_interviewer(session, doc.id, "J", actor_id=actor)
    session.commit()
    assert [t.is_interviewer for t in session.scalars(select(Turn).order_by(Turn.start))] == [False, True]


def test_observation_notes_have_no_turns(session):
    project = factories.project(session)
    actor = factories.owner(session).id
    report = import_files(session, project.id, [("o1.txt", b"KP: catatan peneliti.\nRapat dimulai.")], actor_id=actor,
                          kind="observation")
    assert session.get(Document, report.document_ids[0]).turns == []


def test_case_sheet_links_documents(session):
    project = factories.project(session)
    actor = factories.owner(session).id
    import_files(session, project.id, [("w2.txt", W2.encode())], actor_id=actor)
    sheet = "pseudonym;stakeholder_group;organisation;file;aktif\nInforman C1;masyarakat;FPRB;W2.txt;ya\n"
    assert case_service.import_case_sheet(session, project.id, "cases.csv", sheet.encode(), actor_id=actor) == 1
    case = session.scalar(select(Case))
    assert case.attributes == {"aktif": {"type": "boolean", "value": True}} and len(case.documents) == 1


def run_cli(tmp_path, *args):
    env = dict(os.environ, QUALCODE_DATA_DIR=str(tmp_path / "data"))
    env.pop("QUALCODE_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "qualcode", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


def test_cli_import_exit_codes(tmp_path):
    (tmp_path / "w1.txt").write_text(W1, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "meta.csv").write_text(SHEET, encoding="utf-8")
    ok = run_cli(tmp_path, "import", str(tmp_path / "w1.txt"), "--project", "Skripsi", "--metadata",
                 str(tmp_path / "meta.csv"))
    assert ok.returncode == 0, ok.stderr
    assert "1 imported" in ok.stdout
    again = run_cli(tmp_path, "import", str(tmp_path / "w1.txt"), str(tmp_path / "empty.txt"), "--project", "Skripsi")
    assert again.returncode == 1
    assert "duplicate" in again.stdout and "refused: empty.txt" in again.stderr


def test_cli_imports_the_new_rows_of_a_sheet_and_names_the_duplicate_row(tmp_path):
    (tmp_path / "sheet.csv").write_text(FIRST_SHEET, encoding="utf-8")
    (tmp_path / "mixed.csv").write_text(MIXED_SHEET, encoding="utf-8")
    assert run_cli(tmp_path, "import", str(tmp_path / "sheet.csv"), "--project", "Skripsi").returncode == 0
    mixed = run_cli(tmp_path, "import", str(tmp_path / "mixed.csv"), "--project", "Skripsi")
    assert mixed.returncode == 0, mixed.stderr
    assert "imported: mixed.csv (2 document(s))" in mixed.stdout
    assert "duplicate, not imported again: mixed.csv, row 3: " in mixed.stdout
    assert "1 imported, 1 duplicates, 0 refused" in mixed.stdout


def test_a_file_is_prepared_before_its_write_takes_the_lock_and_no_lock_is_held_between_files(sqlite_url, monkeypatch):
    """Pseudonyms and turn splitting run with the write lock free (the slow part of a file), and
    nothing holds it between two files: another writer gets in at once (issue 12, contention)."""
    import sqlite3

    from qualcode.db import make_engine, unit_of_work
    from qualcode.migrate import sqlite_path
    from qualcode.services import imports

    def lock_is_free() -> bool:
        other = sqlite3.connect(sqlite_path(sqlite_url), isolation_level=None, timeout=0)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.rollback()
            return True
        except sqlite3.OperationalError:  # database is locked
            return False
        finally:
            other.close()

    seen: list[tuple[str, bool]] = []
    parse, pseudonymise = imports.parse_turns, imports.pseudonymise
    monkeypatch.setattr(imports, "parse_turns", lambda *a, **k: seen.append(("parse", lock_is_free())) or parse(*a, **k))
    monkeypatch.setattr(imports, "pseudonymise",
                        lambda *a, **k: seen.append(("pseudonyms", lock_is_free())) or pseudonymise(*a, **k))
    engine = make_engine(sqlite_url)
    with unit_of_work(engine) as s:
        project = factories.project(s)
        owner_id = factories.owner(s).id
    with unit_of_work(engine) as s:
        report = import_files(s, project.id, [("w1.txt", W1.encode()), ("w2.txt", W2.encode())], actor_id=owner_id,
                              pseudonyms={"Sri Wahyuni": "Informan A"}, commit_each_file=True,
                              progress=lambda i, n, name: seen.append(("between", lock_is_free())))
    engine.dispose()
    assert len(report.imported) == 2
    assert seen == [("between", True), ("pseudonyms", True), ("parse", True)] * 2 + [("between", True)]
