"""Extracting text from uploaded files (qualcode.importers): every format, every refusal.

Fixtures are built here, in memory or in tmp_path: no binary files in the repository.
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
import random
import zipfile

import pytest

import qualcode.importers as importers
from qualcode.errors import ImportFileError
from qualcode.importers import SUPPORTED_SUFFIXES, ExtractedText, extract, zipguard

LINES = [
    "P: Bagaimana koordinasinya dengan Dinas Perhubungan?",
    "I: Kami saling percaya, rapatnya di café depan kantor 😊",
    "P: Apakah sudah ada MoU?",
    "I: Sudah, résumé-nya ada di Pergub — masing-masing OPD pegang.",
]
TRANSCRIPT = "\n".join(LINES)
# What survives a Type 1 font in WinAnsiEncoding (no emoji, no em dash in a PDF we write by hand).
PDF_LINES = ["P: Bagaimana koordinasinya?", "I: Kami saling percaya, rapatnya di café depan kantor."]


def refused(filename: str, data: bytes, key: str) -> ImportFileError:
    """Extract, expect ImportFileError ``key``, and check both languages name the file."""
    with pytest.raises(ImportFileError) as caught:
        extract(filename, data)
    error = caught.value
    assert error.key == key, error.message("en")
    for lang in ("en", "id"):
        message = error.message(lang)
        assert message.startswith(f"{filename}: "), message
        assert "{" not in message, message  # every placeholder was filled
    return error


def only(texts: list[ExtractedText]) -> ExtractedText:
    assert len(texts) == 1
    return texts[0]


# --- plain text ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TRANSCRIPT.encode("utf-8"), "utf-8"),
        (TRANSCRIPT.encode("utf-8-sig"), "utf-8-sig"),
        (TRANSCRIPT.encode("utf-16"), "utf-16"),
        (codecs.BOM_UTF16_BE + TRANSCRIPT.encode("utf-16-be"), "utf-16"),
        (TRANSCRIPT.encode("utf-16-le"), "utf-16-le"),
        (TRANSCRIPT.encode("utf-16-be"), "utf-16-be"),
        (TRANSCRIPT.replace("\n", "\r\n").encode("utf-8"), "utf-8"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-bom", "utf-16-be-bom", "utf-16-le-no-bom", "utf-16-be-no-bom", "crlf"],
)
def test_txt_encodings(data, encoding):
    result = only(extract("BLUD-1 wawancara.txt", data))
    assert result.text == TRANSCRIPT
    assert result.encoding == encoding
    assert result.title == "BLUD-1 wawancara"
    assert result.source_name == "BLUD-1 wawancara.txt"
    assert result.metadata == {}


def test_txt_cp1252_legacy():
    text = "P: Bagaimana koordinasinya di café?\nI: Itu ’kunci’ kerja sama, kata Bu Désirée."
    result = only(extract("lama.TXT", text.encode("cp1252")))
    assert result.text == text
    assert result.encoding == "cp1252"


def test_txt_is_normalised_to_nfc_without_stray_bom():
    decomposed = "I: cafe\u0301 😊\r\n\ufeffP: oke\r"
    result = only(extract("nfd.txt", decomposed.encode("utf-8")))
    assert result.text == "I: café 😊\nP: oke\n"
    assert result.encoding == "utf-8"


def test_binary_posing_as_text():
    refused("foto.txt", bytes(range(256)) * 8, "import.binary")  # NUL bytes, not UTF-16
    # Control characters are stripped, not refused (issue 12): only tab and line breaks are left here.
    refused("kontrol.txt", bytes(range(1, 32)) * 40, "import.no_text")


def test_whitespace_only_text():
    refused("kosong.txt", b" \r\n\t\n", "import.no_text")


# --- checks before any reader ----------------------------------------------------------------


def test_empty_file():
    refused("kosong.docx", b"", "import.empty")


def test_unsupported_type_lists_the_supported_ones():
    error = refused("catatan.doc", b"\xd0\xcf\x11\xe0", "import.unsupported")
    for suffix in SUPPORTED_SUFFIXES:
        assert suffix in error.message("en") and suffix in error.message("id")
    refused("tanpa-ekstensi", b"teks", "import.unsupported")


def test_too_big(monkeypatch):
    monkeypatch.setattr(importers, "MAX_FILE_BYTES", 3 * 1024 * 1024)
    error = refused("besar.txt", b"a" * (4 * 1024 * 1024), "import.too_big")
    assert "4 MB" in error.message("en") and "3 MB" in error.message("en")
    assert only(extract("pas.txt", b"a" * (3 * 1024 * 1024))).text == "a" * (3 * 1024 * 1024)


def test_documented_limit():
    assert importers.MAX_FILE_BYTES == 50 * 1024 * 1024
    assert importers.megabytes(importers.MAX_FILE_BYTES) == "50"


# --- Word, OpenDocument, RTF -----------------------------------------------------------------


def make_docx(lines: list[str], table: list[list[str]] | None = None) -> bytes:
    from docx import Document

    document = Document()
    for line in lines:
        document.add_paragraph(line)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, values in zip(grid.rows, table, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_paragraphs_and_table_in_order():
    data = make_docx(LINES, table=[["Informan", "Kelompok"], ["BLUD-1", "pemerintah"]])
    result = only(extract("BLUD-1.docx", data))
    assert result.text == TRANSCRIPT + "\nInforman\tKelompok\nBLUD-1\tpemerintah"
    assert result.title == "BLUD-1"
    assert result.encoding is None


def test_docx_merged_cell_written_once():
    from docx import Document

    document = Document()
    grid = document.add_table(rows=2, cols=2)
    grid.cell(0, 0).merge(grid.cell(0, 1)).text = "Wawancara 12 Maret"
    grid.cell(1, 0).text = "P: Siapa?"
    grid.cell(1, 1).text = "I: Saya."
    buffer = io.BytesIO()
    document.save(buffer)
    assert only(extract("tabel.docx", buffer.getvalue())).text == "Wawancara 12 Maret\nP: Siapa?\tI: Saya."


def test_odt_headings_and_paragraphs(tmp_path):
    from odf import teletype
    from odf.opendocument import OpenDocumentText
    from odf.text import H, P

    document = OpenDocumentText()
    document.text.addElement(H(outlinelevel=1, text="Wawancara BLUD-1"))
    for line in LINES:
        paragraph = P()
        teletype.addTextToElement(paragraph, line)
        document.text.addElement(paragraph)
    path = tmp_path / "BLUD-1.odt"
    document.save(str(path))
    result = only(extract("BLUD-1.odt", path.read_bytes()))
    assert result.text == "Wawancara BLUD-1\n" + TRANSCRIPT


def test_rtf_with_escapes():
    rtf = (
        r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Arial;}}\f0 "
        r"P: Bagaimana koordinasinya di caf\'e9?\par "
        r"I: Kami saling percaya \u-10179?\u-8694? r\u233?sum\u233?.\par}"
    )
    result = only(extract("wawancara.rtf", rtf.encode("ascii")))
    assert result.text == "P: Bagaimana koordinasinya di café?\nI: Kami saling percaya 😊 résumé.\n"


def test_not_really_rtf():
    refused("palsu.rtf", b"P: ini teks biasa", "import.corrupt")


@pytest.mark.parametrize("rtf", [rb"{\rtf1 broken", rb"{\rtf1\ansi P: Halo?\par}}", rb"{\rtf1{\b P: Halo?}\par"])
def test_rtf_whose_braces_do_not_pair_up_is_refused(rtf):
    """A cut-short RTF was read as whatever striprtf made of it: "{\\rtf1 broken" became a
    document titled "broken" with no turns."""
    error = refused("terpotong.rtf", rtf, "import.rtf_unbalanced")
    assert "RTF" in error.message("en") and "RTF" in error.message("id")


def test_rtf_escaped_braces_and_binary_data_do_not_count_as_groups():
    rtf = rb"{\rtf1\ansi P: Kurung \{ dan \} dan \\ saja.\par{\*\blipuid \bin1 }}I: Ya.\par}"  # the byte after \bin1 is data
    result = only(extract("kurung.rtf", rtf))
    assert result.text.startswith("P: Kurung { dan } dan \\ saja.\n")


# --- PDF -------------------------------------------------------------------------------------


def pdf_string(text: str) -> str:
    """A PDF literal string in WinAnsiEncoding, non-ASCII bytes as octal escapes."""
    escaped = []
    for byte in text.encode("cp1252"):
        char = chr(byte)
        if char in "()\\":
            escaped.append("\\" + char)
        elif byte > 126:
            escaped.append(f"\\{byte:03o}")
        else:
            escaped.append(char)
    return "(" + "".join(escaped) + ")"


def make_pdf(pages: list[list[str]]) -> bytes:
    """A minimal, valid PDF: one Helvetica text stream per page, a correct cross-reference table."""
    count = len(pages)
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(count))
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {count} >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    for i, lines in enumerate(pages):
        shown = " T* ".join(f"{pdf_string(line)} Tj" for line in lines)
        stream = f"BT /F1 12 Tf 16 TL 72 770 Td {shown} ET"
        page = "/Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >>"
        objects.append(f"<< {page} /Contents {5 + 2 * i} 0 R >>")
        objects.append(f"<< /Length {len(stream.encode('latin-1'))} >>\nstream\n{stream}\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("latin-1")
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode("latin-1")
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode("latin-1")
    return bytes(out)


def test_pdf_text_layer_page_by_page():
    data = make_pdf([PDF_LINES, ["P: Terima kasih (atas waktunya)."]])
    result = only(extract("laporan.pdf", data))
    assert result.text == "\n".join(PDF_LINES) + "\nP: Terima kasih (atas waktunya)."
    assert result.title == "laporan"


def encrypted(data: bytes, user_password: str, owner_password: str | None = None) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=io.BytesIO(data))
    writer.encrypt(user_password, owner_password, algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_pdf_without_text_layer_is_probably_a_scan():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    error = refused("pindaian.pdf", buffer.getvalue(), "import.pdf_no_text")
    assert "OCR" in error.message("en") and "OCR" in error.message("id")


def test_pdf_with_a_password_is_refused():
    data = encrypted(make_pdf([PDF_LINES]), "rahasia")
    error = refused("rahasia.pdf", data, "import.pdf_encrypted")
    assert "password" in error.message("en") and "kata sandi" in error.message("id")


def test_pdf_encrypted_with_empty_open_password_is_read():
    data = encrypted(make_pdf([PDF_LINES]), "", owner_password="pemilik")
    assert only(extract("terkunci-edit.pdf", data)).text == "\n".join(PDF_LINES)


def test_corrupt_pdf():
    refused("rusak.pdf", b"%PDF-1.4\nini bukan PDF yang utuh", "import.corrupt")


# --- zip-based files: corrupt, bombs, path traversal -----------------------------------------


def make_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize("suffix", [".docx", ".odt", ".xlsx"])
def test_random_bytes_are_not_a_zip_document(suffix):
    noise = random.Random(7).randbytes(4096)
    error = refused(f"rusak{suffix}", noise, "import.corrupt")
    assert suffix in error.message("en")


def test_zip_that_is_not_a_docx():
    refused("bukan-word.docx", make_zip({"catatan.txt": b"P: halo"}), "import.corrupt")


def test_zip_bomb_by_ratio():
    data = make_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\0" * (8 * 1024 * 1024)})
    assert len(data) < 64 * 1024
    refused("bom.docx", data, "import.zip_bomb")


def test_zip_bomb_by_total_size(monkeypatch):
    monkeypatch.setattr(zipguard, "MAX_TOTAL_BYTES", 1000)
    members = {f"xl/part{i}.xml": random.Random(i).randbytes(400) for i in range(3)}
    refused("besar.xlsx", make_zip(members), "import.zip_bomb")


@pytest.mark.parametrize("name", ["../evil", "word/../../evil.xml", "/etc/passwd", "..\\evil", "C:/evil"])
def test_zip_member_escaping_the_archive(name):
    error = refused("jahat.docx", make_zip({"[Content_Types].xml": b"<Types/>", name: b"x"}), "import.zip_unsafe_path")
    assert name in error.message("en")


# --- spreadsheets ----------------------------------------------------------------------------


def test_csv_semicolon_with_metadata():
    rows = [
        "Judul;Teks;Stakeholder;Organisasi;Catatan",
        f'Wawancara BLUD-1;"{LINES[0]}\n{LINES[1]}";pemerintah;BLUD PSC;',
        "",
        f'"Wawancara; IF-3";"{LINES[2]}\n{LINES[3]}";swasta;PT Angkutan "Maju";ok',
    ]
    data = "\r\n".join(rows).encode("utf-8-sig")
    first, second = extract("interviews.csv", data)
    assert first.title == "Wawancara BLUD-1"
    assert first.text == "\n".join(LINES[:2])
    assert (first.source_name, first.row) == ("interviews.csv", 2)
    assert first.encoding == "utf-8-sig"
    assert first.metadata == {"stakeholder": "pemerintah", "organisasi": "BLUD PSC"}
    assert second.title == "Wawancara; IF-3"
    assert second.text == "\n".join(LINES[2:])
    assert (second.source_name, second.row) == ("interviews.csv", 4)  # the blank row 3 is passed over
    assert second.metadata == {"stakeholder": "swasta", "organisasi": 'PT Angkutan "Maju"', "catatan": "ok"}


def test_a_sheet_row_is_named_in_the_language_of_the_message():
    """The row of a sheet is named "row 3" in English and "baris 3" in Indonesian wherever a
    message names it; the document's stored file name says "#3" in every language."""
    from qualcode.errors import ConflictError

    first, second = extract("wawancara.csv", b"judul,teks\nA,P: Halo?\nB,P: Siapa?\n")
    assert (first.source_name, first.row, first.stored_name) == ("wawancara.csv", 2, "wawancara.csv #2")
    error = ConflictError("error.document_duplicate", file=second.location, existing="A")
    assert error.message("en").startswith("wawancara.csv, row 3: ")
    assert error.message("id").startswith("wawancara.csv, baris 3: ")
    single = only(extract("W1.txt", b"P: Halo?\n"))
    assert single.location == single.stored_name == "W1.txt" and single.row is None


def test_csv_cp1252_comma_and_tab():
    data = "nama,isi\nBu Désirée,I: Itu ’kunci’ kerja sama\n".encode("cp1252")
    result = only(extract("lama.csv", data))
    assert (result.title, result.text) == ("Bu Désirée", "I: Itu ’kunci’ kerja sama")
    assert result.encoding == "cp1252"
    tabbed = b"transkrip\tkelompok\nP: Halo, apa kabar?\tmasyarakat\n"
    result = only(extract("tab.csv", tabbed))
    assert result.text == "P: Halo, apa kabar?"
    assert result.title == "tab #2"
    assert result.metadata == {"kelompok": "masyarakat"}


def make_xlsx(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_rows_with_title_text_and_stakeholder():
    data = make_xlsx(
        [
            ["Title", "Text", "Stakeholder", "Tanggal", "Umur"],
            ["Wawancara BLUD-1", "\n".join(LINES[:2]), "pemerintah", dt.datetime(2024, 3, 12), 41],
            [None, None, None, None, None],
            ["Wawancara IF-3", "\n".join(LINES[2:]), "swasta", None, 35.0],
        ]
    )
    first, second = extract("Informan.XLSX", data)
    assert (first.title, first.text, first.stored_name) == ("Wawancara BLUD-1", "\n".join(LINES[:2]), "Informan.XLSX #2")
    assert first.metadata == {"stakeholder": "pemerintah", "tanggal": "2024-03-12", "umur": "41"}
    assert (second.title, second.text, second.stored_name) == ("Wawancara IF-3", "\n".join(LINES[2:]), "Informan.XLSX #4")
    assert second.metadata == {"stakeholder": "swasta", "umur": "35"}
    assert second.encoding is None


def test_sheet_without_a_text_column_says_which_names_work():
    error = refused("daftar.csv", b"nama,pesan\nBLUD-1,halo\n", "import.sheet_no_text_column")
    for name in ("text", "teks", "transcript", "transkrip", "isi", "content"):
        assert name in error.message("en") and name in error.message("id")
    assert "pesan" in error.message("en")
    refused("daftar.xlsx", make_xlsx([["Nama", "Pesan"], ["BLUD-1", "halo"]]), "import.sheet_no_text_column")


def test_sheet_rows_without_text_are_named():
    data = b"judul,teks,kelompok\nA,P: Halo?,pemerintah\nB,,swasta\nC,P: Siapa?,swasta\nD,  ,media\n"
    error = refused("sebagian.csv", data, "import.sheet_empty_rows")
    assert "3, 5" in error.message("en") and "3, 5" in error.message("id")
    assert "'teks'" in error.message("en")


def test_sheet_with_only_a_header():
    refused("judul-saja.csv", b"title,text\n", "import.sheet_no_rows")
    refused("kosong.xlsx", make_xlsx([]), "import.no_text")


def test_binary_csv():
    refused("data.csv", bytes(range(256)) * 4, "import.binary")
