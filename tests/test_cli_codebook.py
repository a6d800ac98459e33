"""``python -m qualcode codebook import/export``, run as a user runs it: a separate process on a
temporary data folder. Refusals exit non-zero and name the file and the problem, never a traceback,
and leave every table as it was."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.factories import SMALL_CODEBOOK
from tests.hostile import csv_deep_path, qdc_codes, yaml_alias_bomb, yaml_nested
from tests.test_cli import qualcode


def table_counts(data_dir: Path) -> dict[str, int]:
    with sqlite3.connect(data_dir / "qualcode.sqlite3") as db:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {name: db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A database with project "Studi" holding the tiny codebook, imported through the command line."""
    folder = tmp_path / "data"
    folder.mkdir()
    book = tmp_path / "tiny.yaml"
    book.write_text(SMALL_CODEBOOK, encoding="utf-8")
    result = qualcode("codebook", "import", str(book), "--project", "Studi", data_dir=folder)
    assert result.returncode == 0, result.stderr
    assert "tiny.yaml: codebook 'tiny' imported into project 'Studi': 3 codes." in result.stdout
    return folder


def test_codebook_export_in_every_format_and_import_back(data_dir, tmp_path):
    for name, extra in (("out.yaml", []), ("out.csv", []), ("out.qdc", []), ("tanpa-akhiran", ["--format", "csv"])):
        result = qualcode("codebook", "export", str(tmp_path / name), "--project", "Studi", *extra, data_dir=data_dir)
        assert result.returncode == 0, result.stderr
        assert "3 codes" in result.stdout
    assert (tmp_path / "tanpa-akhiran.csv").read_bytes().startswith(b"\xef\xbb\xbfpath,id,")
    assert "face_to_face_dialogue" in (tmp_path / "out.yaml").read_text(encoding="utf-8")
    for name in ("out.csv", "out.qdc"):
        result = qualcode("codebook", "import", str(tmp_path / name), "--project", "Salinan", "--codebook", "salinan",
                          data_dir=data_dir)
        assert result.returncode == 0, result.stderr
        assert "3 codes" in result.stdout


def test_export_names_the_codebook_when_there_are_several(data_dir, tmp_path):
    other = tmp_path / "lain.csv"
    other.write_text("path,description\nKondisi awal/Asimetri,Ketimpangan\n", encoding="utf-8")
    assert qualcode("codebook", "import", str(other), "--project", "Studi", data_dir=data_dir).returncode == 0
    result = qualcode("codebook", "export", str(tmp_path / "x.yaml"), "--project", "Studi", data_dir=data_dir)
    assert result.returncode == 2
    assert "several codebooks (lain, tiny)" in result.stderr and "--codebook" in result.stderr
    result = qualcode("codebook", "export", str(tmp_path / "x.yaml"), "--project", "Studi", "--codebook", "lain",
                      data_dir=data_dir)
    assert result.returncode == 0 and "2 codes" in result.stdout


HOSTILE = {
    "bom.yaml": (yaml_alias_bomb, "anchor or alias"),
    "dalam.yaml": (lambda: yaml_nested(300), "YAML nesting"),
    "banyak.qdc": (lambda: qdc_codes(100_000), "codes per codebook"),
    "dalam.csv": (lambda: csv_deep_path(3000), "depth of code paths"),
    "aneh.csv": (lambda: bytes(range(128, 256)) * 20, "could not be decoded"),
    "rusak.qdc": (lambda: b"<CodeBook><Codes>", "XML"),
    "buku.docx": (lambda: b"PK", "cannot be imported"),
}


def test_refusals_exit_non_zero_name_the_file_and_change_nothing(data_dir, tmp_path):
    before = table_counts(data_dir)
    for name, (make, words) in HOSTILE.items():
        path = tmp_path / name
        path.write_bytes(make())
        result = qualcode("codebook", "import", str(path), "--project", "Studi", data_dir=data_dir)
        assert result.returncode != 0, name
        assert "Traceback" not in result.stderr, result.stderr
        assert name in result.stderr and words in result.stderr, result.stderr
    missing = qualcode("codebook", "import", str(tmp_path / "tidak-ada.yaml"), "--project", "Studi", data_dir=data_dir)
    assert missing.returncode != 0 and "tidak-ada.yaml: cannot be read" in missing.stderr
    assert "Traceback" not in missing.stderr
    assert table_counts(data_dir) == before


def test_export_to_an_unwritable_place_says_so_and_leaves_no_file(data_dir, tmp_path):
    target = tmp_path / "tidak-ada" / "out.yaml"
    result = qualcode("codebook", "export", str(target), "--project", "Studi", data_dir=data_dir)
    assert result.returncode != 0 and "cannot be written" in result.stderr and "Traceback" not in result.stderr
    assert not target.parent.exists()


def test_cp1252_yaml_codebook_through_the_command_line(data_dir, tmp_path):
    from tests.test_file_edge import CP1252_YAML

    path = tmp_path / "lama.yaml"
    path.write_bytes(CP1252_YAML.encode("cp1252"))
    assert qualcode("codebook", "import", str(path), "--project", "Studi", data_dir=data_dir).returncode == 0
    out = tmp_path / "lama-out.yaml"
    result = qualcode("codebook", "export", str(out), "--project", "Studi", "--codebook", "lama", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "Kerja sama – kolaborasi" in text and "Désirée" in text and "\ufffd" not in text


def test_transcript_import_refusals_name_the_file_and_the_limit(data_dir, tmp_path):
    from tests.hostile import csv_rows

    before = table_counts(data_dir)
    sheet = tmp_path / "sejuta.csv"
    sheet.write_bytes(csv_rows(1_000_000))
    result = qualcode("import", str(sheet), str(tmp_path / "tidak-ada.txt"), "--project", "Studi", data_dir=data_dir)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "sejuta.csv: the sheet has more than 20,000 rows, the limit of rows per sheet" in result.stderr
    assert "tidak-ada.txt: cannot be read" in result.stderr
    assert "0 imported, 0 duplicates, 2 refused" in result.stdout
    assert table_counts(data_dir) == before
