"""Coded-segments export: the table, the filters, CSV and XLSX writers, formula neutralising, the CLI."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pandas as pd
from sqlalchemy import select

from qualcode.exports import SegmentFilters, coded_segments, dimension_sources, neutralise, to_csv, to_xlsx
from qualcode.models import Document
from tests.test_cli import qualcode
from tests.test_qdpx import _build


def _table(session, filters=None):
    project, me = _build(session)
    return project, me, coded_segments(session, project.id, filters)


def test_one_row_per_coding_with_its_context(session):
    project, _, table = _table(session)
    assert len(table) == 5
    trust = table[(table.code_id == "trust_building")]
    assert set(trust.coder) == {"Peneliti", "Rekan Pengode"}
    row = trust.iloc[0]
    doc = session.scalar(select(Document).where(Document.title == "W01"))
    assert doc.text[row.start:row.end] == row.text == "Kami saling percaya"
    assert (row.document, row.case, row.stakeholder_group, row.source_kind) == ("W01", "Informan A", "pemerintah",
                                                                                 "interview")
    assert row.speaker == "I"  # the turn's label at the segment start
    assert (row.code_path, row.code_name_id, row.code_name_en) == ("trust_building", "Membangun kepercayaan",
                                                                    "Trust-building")
    assert row.codebook == "Tiny codebook" and row.dimension == "Membangun kepercayaan"
    assert "Memo segmen" in row.memo and row.coded_at is not None
    child = table[table.code_id == "face_to_face_dialogue"].iloc[0]
    assert child.code_path == "collaborative_process/face_to_face_dialogue" and child.dimension == "Proses kolaborasi"
    assert child.text.endswith("👍")
    inductive = table[table.code_id == "anggaran"].iloc[0]
    assert inductive.codebook == "" and inductive.code_name_en == "Budget"


def test_filters(session):
    project, me, table = _table(session)
    from qualcode.models import Code, User

    rekan = session.scalar(select(User).where(User.login == "rekan"))
    parent = session.scalar(select(Code).where(Code.key == "collaborative_process"))
    assert len(coded_segments(session, project.id, SegmentFilters(coder_ids=[rekan.id]))) == 2
    by_code = coded_segments(session, project.id, SegmentFilters(code_ids=[parent.id]))
    assert set(by_code.code_id) == {"collaborative_process", "face_to_face_dialogue"}  # descendants included
    assert set(coded_segments(session, project.id, SegmentFilters(kinds=["observation"])).document) == {"Obs 1"}
    assert len(coded_segments(session, project.id, SegmentFilters(groups=["pemerintah"]))) == 4
    assert set(coded_segments(session, project.id, SegmentFilters(codebook_ids=[0])).code_id) == {"anggaran"}
    book = project.codebooks[0].id
    assert "anggaran" not in set(coded_segments(session, project.id, SegmentFilters(codebook_ids=[book])).code_id)


def test_formula_cells_are_neutralised_in_csv_and_xlsx(session):
    _, _, table = _table(session)
    assert [neutralise(v) for v in ("=1+1", "+62 812", "-x", "@SUM(A1)", "ok", 5)] == \
        ["'=1+1", "'+62 812", "'-x", "'@SUM(A1)", "ok", 5]
    rows = list(csv.DictReader(io.StringIO(to_csv(table).decode("utf-8-sig"))))
    formula = next(r for r in rows if r["document"] == "Obs 1")
    assert formula["text"] == "'=SUM(A1)"
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(table)))
    cells = [c.value for row in book["segments"].iter_rows() for c in row]
    assert "'=SUM(A1)" in cells
    assert not any(isinstance(v, str) and v.startswith("=") for v in cells)
    sheet_xml = zipfile.ZipFile(io.BytesIO(to_xlsx(table))).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml  # no formula anywhere


def test_xlsx_sheets_per_code_per_dimension_and_triangulation(session):
    _, _, table = _table(session)
    by_code = openpyxl.load_workbook(io.BytesIO(to_xlsx(table, by="code")))
    assert by_code.sheetnames[0] == "segments" and by_code.sheetnames[-1] == "triangulation"
    assert {"Membangun kepercayaan", "Dialog tatap muka", "Proses kolaborasi", "Anggaran"} <= set(by_code.sheetnames)
    assert by_code["Membangun kepercayaan"].max_row == 3  # header + two coders
    by_dim = openpyxl.load_workbook(io.BytesIO(to_xlsx(table, by="dimension")))
    assert set(by_dim.sheetnames) == {"segments", "Membangun kepercayaan", "Proses kolaborasi", "Anggaran",
                                      "triangulation"}
    assert by_dim["Proses kolaborasi"].max_row == 3
    pivot = dimension_sources(table)
    assert pivot.loc["Membangun kepercayaan", ("pemerintah", "interview")] == 2
    assert pivot.loc["Proses kolaborasi", ("-", "observation")] == 1
    empty = openpyxl.load_workbook(io.BytesIO(to_xlsx(table.iloc[0:0])))
    assert empty.sheetnames == ["segments", "triangulation"]


def test_cli_export_and_import(tmp_path, shared_dir):
    sample = shared_dir / "refi-qda" / "samples" / "nvivo12_two_coders_hungarian.qdpx"
    done = qualcode("import", "qdpx", str(sample), "--project", "Vaksin", data_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "303 codings" in done.stdout and "UTF-16 code units" in done.stdout
    out = tmp_path / "vaksin.qdpx"
    done = qualcode("export", "qdpx", "--project", "Vaksin", "--out", str(out), data_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "project.qde" in zipfile.ZipFile(out).namelist()
    for suffix in ("csv", "xlsx"):
        target = tmp_path / f"segments.{suffix}"
        done = qualcode("export", "segments", "--project", "Vaksin", "--out", str(target), data_dir=tmp_path)
        assert done.returncode == 0, done.stderr
    assert len(list(csv.reader(io.StringIO((tmp_path / "segments.csv").read_text("utf-8-sig"))))) == 304
    assert openpyxl.load_workbook(tmp_path / "segments.xlsx")["segments"].max_row == 304
    again = qualcode("import", "qdpx", str(out), data_dir=tmp_path)
    assert again.returncode == 2 and "already exists" in again.stderr  # same name: refused, nothing written
    again = qualcode("import", "qdpx", str(out), "--project", "Vaksin 2", data_dir=tmp_path)
    assert again.returncode == 0 and "303 codings" in again.stdout
    bad = tmp_path / "bad.qdpx"
    bad.write_bytes(b"not a zip")
    refused = qualcode("import", "qdpx", str(bad), "--project", "X", data_dir=tmp_path)
    assert refused.returncode == 2 and "bad.qdpx" in refused.stderr
    # the transcript import still works through the same subcommand
    transcript = tmp_path / "w01.txt"
    transcript.write_text("P: Apa kabar?\nI: Baik, kami saling percaya.\n", encoding="utf-8")
    done = qualcode("import", str(transcript), "--project", "Transkrip", data_dir=tmp_path)
    assert done.returncode == 0 and "1 imported" in done.stdout, done.stderr
    missing = qualcode("import", str(transcript), data_dir=tmp_path)
    assert missing.returncode == 2 and "--project" in missing.stderr


def test_per_code_sheets_have_the_segments_columns_and_no_row_numbers(session):
    """Each sheet of a code or a dimension holds the ``segments`` sheet's columns, without a stray
    ``index`` column of the rows' numbers in the whole table."""
    _, _, table = _table(session)
    for by in ("code", "dimension"):
        book = openpyxl.load_workbook(io.BytesIO(to_xlsx(table, by=by)))
        header = [c.value for c in next(book["segments"].iter_rows(max_row=1))]
        assert header[0] == "coding_id"
        for name in book.sheetnames[1:-1]:
            assert [c.value for c in next(book[name].iter_rows(max_row=1))] == header, (by, name)
        frames = pd.read_excel(io.BytesIO(to_xlsx(table, by=by)), sheet_name=None)
        assert not any("index" in frame.columns for frame in frames.values())


def test_timestamps_are_written_to_the_second(session):
    project, _, _ = _table(session)
    from qualcode.models import Coding

    for coding in session.scalars(select(Coding)):  # as stored: with microseconds
        coding.created_at = coding.created_at.replace(microsecond=936287)
        coding.updated_at = coding.created_at
    session.flush()
    table = coded_segments(session, project.id)
    assert (table["coded_at"].dt.microsecond == 0).all() and (table["updated_at"].dt.microsecond == 0).all()
    rows = list(csv.DictReader(io.StringIO(to_csv(table).decode("utf-8-sig"))))
    assert rows and all(len(r["coded_at"]) == len("2026-12-07 12:51:08") for r in rows), rows[0]["coded_at"]
    assert not any(".936287" in r["coded_at"] + r["updated_at"] for r in rows)
    cells = [c.value for c in next(iter(openpyxl.load_workbook(io.BytesIO(to_xlsx(table)))["segments"].iter_cols(
        min_col=list(table.columns).index("coded_at") + 1, max_col=list(table.columns).index("coded_at") + 1,
        min_row=2)))]
    assert cells and all(c.microsecond == 0 for c in cells)
