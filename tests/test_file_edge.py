"""The file edge (qualcode/files): one decoder, one CSV reader, one formula-safe writer, one codebook reader.

Every file is made here, in memory: no binary fixtures in the repository.
"""

from __future__ import annotations

import ast
import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from qualcode.codebooks import FORMAT, CodebookMeta, CodebookSpec, CodeNames, CodeSpec
from qualcode.errors import ImportFileError
from qualcode.files import writer
from qualcode.files.codebook import read_codebook, write_codebook
from qualcode.files.csvfile import sniff_delimiter
from qualcode.files.decode import decode, strip_controls
from qualcode.importers import extract
from qualcode.models import Case, Document
from qualcode.services.imports import import_files, read_metadata_sheet
from tests import factories

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ["=HYPERLINK(\"http://x\",\"klik\")", "+62 812 555", "-2+3", "@SUM(A1:A9)", "\tTAB", "\rCR", "'=x", "biasa"]


def refused(filename: str, data: bytes, key: str) -> ImportFileError:
    with pytest.raises(ImportFileError) as caught:
        extract(filename, data)
    assert caught.value.key == key, caught.value.message("en")
    for lang in ("en", "id"):
        assert filename in caught.value.message(lang)
    return caught.value


# ---------------------------------------------------------------- decoding


JAPANESE = "P: インタビューを始めます。よろしくお願いします。\nI: はい、地域の防災協力について話します。\n" * 3
ARABIC = "P: هذه مقابلة مع أحد المشاركين في البحث.\nI: قال إن التعاون بين الحكومة والمجتمع مهم جدا.\n" * 2


def test_shift_jis_text_imports():
    result = extract("wawancara-jp.txt", JAPANESE.encode("shift_jis"))[0]
    assert result.text == JAPANESE
    assert result.encoding in ("shift_jis", "cp932")


def test_windows_1256_text_imports():
    result = extract("wawancara-ar.txt", ARABIC.encode("cp1256"))[0]
    assert result.text == ARABIC
    assert result.encoding == "cp1256"


# Short Windows-1252 transcripts on which charset-normalizer, left alone, names another code page
# (in brackets): a Latin text read with it comes out wrong without a warning.
SHORT_CP1252 = [
    "P: Selamat pagi Bu, bisa diceritakan peran Ibu dalam program JakLingko?\n"
    "I: Iya, jadi saya di Dishub sejak 2019. Koordinasinya itu kalo gak ada MoU ya susah, stakeholder-nya banyak.\n"
    "P: Bagaimana kepercayaan antar operator?\n"
    "I: Awalnya nggak percaya, udah gitu top-down banget. Tapi setelah rapat tatap muka, mulai ada sharing data. "
    "Ciri khas: é, ñ, \"kutipan\", - tanda pisah.\n",  # cp775: "Ciri khas: ķ, ±"
    "I: Harganya €5, kata Pak Müller.\n",  # cp775
    "I: Program ini — menurut saya — berhasil.\n",  # cp1125 (Cyrillic)
    "I: Menurut Bu Noël, koordinasi lemah.\n",  # Big5
    "I: café é ñ\n",  # cp1006 (Urdu)
    "P: Apa kabar Pak José?\nI: Baik, señor. “Kerja sama” itu penting – kata Bu Désirée, Jum’at lalu.\n",
]


@pytest.mark.parametrize("text", SHORT_CP1252)
def test_short_windows_1252_text_is_read_as_windows_1252(text):
    result = extract("pendek.txt", text.encode("cp1252"))[0]
    assert (result.text, result.encoding) == (text, "cp1252")


@pytest.mark.parametrize("text,encoding", [
    ("I: Zażółć gęślą jaźń, kata Pak Łukasz.\n", "cp1250"),  # Windows-1252 would read "Za¿ó³æ gêœl¹"
    ("I: Współpraca między urzędami była trudna, ale się udało.\n", "cp1250"),
    ("I: Bendradarbiavimas tarp įstaigų buvo sunkus, bet šiandien gerai.\n", "cp775"),  # "ÔstaigÖ"
    ("I: Сотрудничество между ведомствами было трудным.\n", "cp1251"),
])
def test_a_latin_or_other_code_page_with_clear_evidence_keeps_its_own(text, encoding):
    result = extract("lain.txt", text.encode(encoding))[0]
    assert result.text == text


def test_mixed_encoding_text_is_decoded_line_by_line():
    utf8 = "P: Bagaimana kabarnya? “baik”\nI: café crème, kata Bu Désirée\n"
    legacy = "P: Lalu?\nI: Itu ’kunci’ kerja sama à côté.\n"
    result = extract("gabungan.txt", utf8.encode("utf-8") + legacy.encode("cp1252"))[0]
    assert result.text == utf8 + legacy
    assert result.encoding == "utf-8+cp1252"
    assert "\ufffd" not in result.text


def test_ansi_escapes_and_control_characters_are_stripped_not_refused():
    raw = "\x1b[1;31mP:\x1b[0m Bagaimana\x07 koordinasinya?\x1b]0;judul\x07\nI: Baik\x08\x1b[K.\n"
    result = extract("terminal.txt", raw.encode("utf-8"))[0]
    assert result.text == "P: Bagaimana koordinasinya?\nI: Baik.\n"
    assert strip_controls("a\tb\x00c\x7f\x85d") == "a\tbcd"


def test_undecodable_text_is_refused_saying_so_not_binary():
    error = refused("aneh.txt", bytes(range(128, 256)) * 20, "import.undecodable")
    assert "binary" not in error.message("en") and "UTF-8" in error.message("en")


def test_binary_is_still_binary():
    refused("foto.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50, "import.binary")


def test_large_legacy_file_is_decoded_quickly():
    data = ("title,text\n" + "W,halo café\n" * 200_000).encode("cp1252")
    decoded = decode("besar.csv", data)
    assert decoded.encoding == "cp1252" and decoded.text.count("café") == 200_000


@pytest.mark.parametrize("header,delimiter", [
    ("file,title,kind", ","), ("file;title;kind", ";"), ("file\ttitle\tkind", "\t"),
    ('"path","a;b","c"', ","), ("just one column", ","),
])
def test_one_delimiter_sniffer(header, delimiter):
    assert sniff_delimiter(header + "\nx,y,z\n", wanted=("file", "path")) == delimiter


# ---------------------------------------------------------------- sheets


def excel_unicode_text(rows: list[list[str]]) -> bytes:
    """What Excel's "Save as Unicode text" writes: UTF-16 LE with a BOM, tab-separated, CRLF."""
    return "\r\n".join("\t".join(row) for row in rows).encode("utf-16")


UNICODE_SHEET = [
    ["file", "title", "kind", "case", "stakeholder_group", "organisation"],
    ["w1.txt", "Wawancara Dinas Kesehatan", "interview", "Informan Ä1", "pemerintah", "Dinkes Kota — Bidang P2P"],
]


def test_utf16_metadata_sheet_is_read():
    rows = read_metadata_sheet("metadata.txt", excel_unicode_text(UNICODE_SHEET))
    assert rows["w1.txt"]["organisation"] == "Dinkes Kota — Bidang P2P"
    assert rows["w1.txt"]["case"] == "Informan Ä1"


def test_utf16_metadata_sheet_imports(session):
    """Issue 11's bug: the sheet was garbled and the researcher told it needs a 'file' column."""
    project = factories.project(session)
    actor = factories.owner(session).id
    metadata = read_metadata_sheet("metadata.csv", excel_unicode_text(UNICODE_SHEET))
    report = import_files(session, project.id, [("w1.txt", b"P: Apa kabar?\nI: Baik.\n")], actor_id=actor,
                          metadata=metadata)
    session.commit()
    assert [o.status for o in report.outcomes] == ["imported"]
    document = session.scalar(select(Document).where(Document.project_id == project.id))
    assert document.title == "Wawancara Dinas Kesehatan"
    case = session.scalar(select(Case).where(Case.project_id == project.id))
    assert case.pseudonym == "Informan Ä1" and case.stakeholder_group == "pemerintah"


def test_utf16_transcript_sheet_imports():
    data = excel_unicode_text([["judul", "teks"], ["W1", '"P: Halo\r\nI: Hai"'], ["W2", "P: Apa? I: Itu."]])
    rows = extract("transkrip.csv", data)
    assert [r.title for r in rows] == ["W1", "W2"] and rows[0].encoding == "utf-16"
    assert rows[0].text == "P: Halo\nI: Hai"


# ---------------------------------------------------------------- codebooks


CP1252_YAML = """format: qualcode-codebook/1
codebook:
  id: lama
  name: Buku kode “lama”
codes:
  - id: kerja_sama
    name: {id: Kerja sama – kolaborasi, en: Co-operation – café talks}
    definition: Upaya ’bersama’ para pihak, kata Bu Désirée.
"""


def test_cp1252_yaml_codebook_is_decoded_correctly():
    spec = read_codebook("lama.yaml", CP1252_YAML.encode("cp1252"))
    code = spec.codes[0]
    assert spec.codebook.name == "Buku kode “lama”"
    assert code.name.id == "Kerja sama – kolaborasi" and code.name.en == "Co-operation – café talks"
    assert code.definition == "Upaya ’bersama’ para pihak, kata Bu Désirée."
    assert "\ufffd" not in repr(spec.model_dump())


def test_utf16_yaml_and_csv_codebooks_are_read():
    assert read_codebook("u16.yaml", CP1252_YAML.encode("utf-16")).codes[0].name.en == "Co-operation – café talks"
    sheet = "path\tdescription\r\nKondisi awal/Asimetri kekuasaan\tKetimpangan – sumber daya\r\n"
    spec = read_codebook("sheet.csv", sheet.encode("utf-16"))
    assert spec.codes[0].children[0].definition == "Ketimpangan – sumber daya"


def spec_with(texts: list[str]) -> CodebookSpec:
    codes = [CodeSpec(id=f"c{i}", name=CodeNames(id=text, en=text), definition=text, inclusion=text,
                      examples=[text], indicators=[text.replace(";", ",")]) for i, text in enumerate(texts)]
    return CodebookSpec(format=FORMAT, codebook=CodebookMeta(id="bahaya", name="Bahaya"), codes=codes)


@pytest.mark.parametrize("fmt", ["yaml", "csv", "qdc"])
def test_one_codebook_writer_and_reader_round_trip(fmt):
    spec = spec_with(["=1+1", "-awal", "'=x", "biasa"])
    back = read_codebook(f"bahaya.{fmt}", write_codebook(spec, fmt), codebook_id="bahaya", name="Bahaya")
    assert [(c.name.id, c.definition, c.examples) for c in back.codes] == \
        [(c.name.id, c.definition, c.examples) for c in spec.codes]


def test_codebook_reader_refuses_unknown_and_empty_files():
    with pytest.raises(ImportFileError) as caught:
        read_codebook("buku.docx", b"x")
    assert caught.value.key == "import.unsupported"
    with pytest.raises(ImportFileError) as caught:
        read_codebook("buku.yaml", b"")
    assert caught.value.key == "import.empty"


# ---------------------------------------------------------------- every download is formula-safe

FORMULA = tuple(writer.FORMULA_START)
SPREADSHEET_WRITERS = ("csv.writer", "csv.DictWriter", ".to_csv(", ".to_excel(", "xlsxwriter", "ExcelWriter",
                       "openpyxl.Workbook", "Workbook()")


def python_files() -> list[Path]:
    return [ROOT / "app.py", *sorted((ROOT / "app_pages").rglob("*.py")), *sorted((ROOT / "qualcode").rglob("*.py"))]


def test_no_spreadsheet_is_written_outside_the_one_writer():
    """Every CSV / XLSX the app or the command line offers is written by qualcode/files/writer.py."""
    allowed = {ROOT / "qualcode" / "files" / "writer.py"}
    offenders = []
    for path in python_files():
        if path in allowed:
            continue
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call):
                call = ast.unparse(node.func)
                if any(name.rstrip("(") in call + "(" for name in SPREADSHEET_WRITERS):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {call}")
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] + ([node.module] if isinstance(node, ast.ImportFrom) else [])
                if any(n and n.split(".")[0] == "xlsxwriter" for n in names):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: imports xlsxwriter")
    assert offenders == []


def writer_callers() -> set[str]:
    """module:function for every function (or module level) that calls the writer."""
    public = {"csv_bytes", "csv_rows", "xlsx_bytes", "xlsx_sheets", "Workbook"}
    found = set()
    for path in python_files():
        if path.name == "writer.py" and path.parent.name == "files":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
            for node in ast.walk(function):
                name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else None
                if name in public and isinstance(node, (ast.Attribute, ast.Name)):
                    found.add(f"{path.relative_to(ROOT).with_suffix('').as_posix().replace('/', '.')}:{function.name}")
    return found


def csv_cells(data: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")) for cell in row]


def xlsx_cells(data: bytes) -> list[object]:
    book = load_workbook(io.BytesIO(data))
    cells = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                cells.append(cell.value)
    return cells


def assert_safe(cells: list[object]) -> None:
    texts = [c for c in cells if isinstance(c, str)]
    assert texts, "the export has text cells"
    assert not [c for c in texts if c.startswith(FORMULA)]
    assert "'=HYPERLINK(\"http://x\",\"klik\")" in texts


def hostile_segments() -> pd.DataFrame:
    from qualcode.exports import COLUMNS

    rows = []
    for i, text in enumerate(HOSTILE):
        row = dict.fromkeys(COLUMNS, text)
        row.update(coding_id=i, start=0, end=3, coded_at=pd.Timestamp("2025-01-01", tz="UTC"),
                   updated_at=pd.Timestamp("2025-01-02", tz="UTC"), code_path=f"p{i}")
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)


def hostile_display() -> pd.DataFrame:
    table = pd.DataFrame({"=code": HOSTILE, "count": range(len(HOSTILE))}).set_index("=code")
    table.columns = pd.MultiIndex.from_tuples([("@group", "-kind")])
    return table


def _segments_csv() -> bytes:
    from qualcode.exports import to_csv

    return to_csv(hostile_segments())


def _segments_xlsx() -> bytes:
    from qualcode.exports import to_xlsx

    return to_xlsx(hostile_segments(), by="code")


def _segments_xlsx_dimension() -> bytes:
    from qualcode.exports import to_xlsx

    return to_xlsx(hostile_segments(), by="dimension")


def _codebook_csv() -> bytes:
    from qualcode.exchange.codebook_csv import codebook_to_csv

    return codebook_to_csv(spec_with(HOSTILE))


EXPORTERS = {
    # every function that calls the writer -> how to make its file from hostile cells
    "qualcode.exports:to_csv": ("csv", _segments_csv),
    "qualcode.exports:to_xlsx": ("xlsx", _segments_xlsx),
    "qualcode.exchange.codebook_csv:codebook_to_csv": ("csv", _codebook_csv),
}
WRITER_FUNCTIONS = {
    "csv_bytes": ("csv", lambda: writer.csv_bytes(hostile_display())),
    "xlsx_bytes": ("xlsx", lambda: writer.xlsx_bytes(hostile_display(), "=sheet")),
    "xlsx_sheets": ("xlsx", lambda: writer.xlsx_sheets({"a": hostile_display(), "b": hostile_segments()})),
    "csv_rows": ("csv", lambda: writer.csv_rows(["=h"], [[t] for t in HOSTILE])),
    "segments by dimension": ("xlsx", _segments_xlsx_dimension),
}


def test_every_writer_caller_is_checked_below():
    """A new function that writes a spreadsheet must be added to EXPORTERS (and so be tested)."""
    assert writer_callers() <= set(EXPORTERS), writer_callers() - set(EXPORTERS)


@pytest.mark.parametrize("name", sorted({**EXPORTERS, **WRITER_FUNCTIONS}))
def test_every_download_is_formula_safe(name):
    kind, make = {**EXPORTERS, **WRITER_FUNCTIONS}[name]
    data = make()
    assert_safe(csv_cells(data) if kind == "csv" else xlsx_cells(data))


def test_pages_offer_spreadsheets_only_from_the_writer():
    """Each download button offering a .csv or .xlsx gets its bytes from a function that goes through
    the writer (directly, or through an exporter above)."""
    safe_producers = {"csv_bytes", "xlsx_bytes", "xlsx_sheets", "csv_rows", "to_csv", "to_xlsx", "codebook_to_csv",
                      "write_codebook"}
    # view-model functions (qualcode/read/views) that build their bytes with one of those count too
    for path in sorted((ROOT / "qualcode" / "read" / "views").rglob("*.py")):
        for fn in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(fn, ast.FunctionDef) and any(p + "(" in ast.unparse(fn) for p in list(safe_producers)):
                safe_producers.add(fn.name)
    for path in sorted((ROOT / "app_pages").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "download_button"):
                continue
            segment = ast.unparse(node)
            if not any(s in segment for s in (".csv", ".xlsx", "text/csv", "spreadsheetml")):
                continue
            data = node.args[1] if len(node.args) > 1 else next(k.value for k in node.keywords if k.arg == "data")
            names = {n.attr if isinstance(n, ast.Attribute) else n.id for n in ast.walk(data)
                     if isinstance(n, (ast.Attribute, ast.Name))}
            if names & safe_producers:
                continue
            # a variable: it must be assigned from a safe producer somewhere in the page
            assigned = {ast.unparse(a) for a in ast.walk(tree) if isinstance(a, ast.Assign)}
            assert any(name in seg and any(p + "(" in seg for p in safe_producers) for name in names
                       for seg in assigned), f"{path.name}:{node.lineno}: {segment}"


def test_utf16_case_sheet_imports(session):
    from qualcode.services.cases import import_case_sheet

    project = factories.project(session)
    actor = factories.owner(session).id
    sheet = excel_unicode_text([["pseudonym", "stakeholder_group", "organisation"],
                                ["Informan B2", "masyarakat", "Forum Pengurangan Risiko Bencana — Desa"]])
    assert import_case_sheet(session, project.id, "kasus.txt", sheet, actor_id=actor) == 1
    session.commit()
    case = session.scalar(select(Case).where(Case.project_id == project.id))
    assert case.pseudonym == "Informan B2" and case.stakeholder_group == "masyarakat"


def test_one_chart_helper():
    from qualcode.files import charts

    table = pd.DataFrame({"code": ["<script>alert(1)</script>", "Dialog"], "by": ["A", "B"], "codings": [3, 1]})
    spec = charts.bar_chart(table, x="sum(codings)", y="code", colour="by", sort=["Dialog"], offset="by",
                            tooltip=["code", "codings"], x_title="Codings").to_dict()
    assert spec["mark"]["type"] == "bar"
    assert spec["encoding"]["x"]["field"] == "codings" and spec["encoding"]["x"]["aggregate"] == "sum"
    assert spec["encoding"]["y"]["sort"] == ["Dialog"] and spec["encoding"]["yOffset"]["field"] == "by"
    svg = charts.bar_chart_svg(table["code"].tolist(), table["codings"].tolist(), "<b>judul</b>")
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&lt;b&gt;judul" in svg


def test_chart_png_renders_without_a_browser():
    from qualcode.files import charts

    table = pd.DataFrame({"code": ["Dialog", "Kepercayaan"], "codings": [3, 1]})
    png = charts.chart_png(charts.bar_chart(table, x="codings", y="code"), scale=1)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width > 100 and height > 20  # a real chart, not an empty image
