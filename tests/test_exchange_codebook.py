"""Codebook exchange: REFI-QDA .qdc (valid against Codebook.xsd, lossless for our codebooks, tolerant
of other tools' files, safe against hostile XML) and CSV (full and minimal layouts)."""

from __future__ import annotations

import re
import uuid
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from qualcode.codebooks import FORMAT, CodebookMeta, CodebookSpec, CodeNames, CodeSpec, load_codebook_file
from qualcode.errors import ImportFileError
from qualcode.exchange import snake_id, xmlerrors
from qualcode.exchange.codebook_csv import codebook_to_csv, csv_to_codebook
from qualcode.exchange.qdc import NS, codebook_to_qdc, parse_description, qdc_to_codebook, render_description, validate_qdc
from qualcode.files.codebook import read_codebook
from qualcode.i18n import LANGUAGES, catalogue
from qualcode.read import entities as read_entities
from qualcode.services import codebooks as codebook_service
from tests import factories

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted((ROOT / "codebooks").glob("*.yaml"))
GUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@pytest.fixture
def xsd(shared_dir: Path) -> Path:
    return shared_dir / "refi-qda" / "Codebook.xsd"


def without_guids(codes: list[CodeSpec]) -> list[CodeSpec]:
    return [c.model_copy(update={"guid": None, "children": without_guids(c.children)}) for c in codes]


def with_guids(codes: list[CodeSpec]) -> list[CodeSpec]:
    return [c.model_copy(update={"guid": str(uuid.uuid4()), "children": with_guids(c.children)}) for c in codes]


def qdc_tree(data: bytes) -> list[tuple]:
    """The code tree of a .qdc document: guid, name, colour, codable, description, children."""
    root = etree.fromstring(data)

    def rec(element: etree._Element) -> list[tuple]:
        return [
            (c.get("guid"), c.get("name"), c.get("color"), c.get("isCodable"), c.findtext(f"{{{NS}}}Description"), rec(c))
            for c in element.iterfind(f"{{{NS}}}Code")
        ]

    return rec(root.find(f"{{{NS}}}Codes"))


def spec_of(*codes: CodeSpec, book: str = "t") -> CodebookSpec:
    return CodebookSpec(format=FORMAT, codebook=CodebookMeta(id=book, name=book), codes=list(codes))


def code(code_id: str, **kwargs) -> CodeSpec:
    names = kwargs.pop("names", (code_id.replace("_", " ").title(), code_id))
    return CodeSpec(id=code_id, name=CodeNames(id=names[0], en=names[1]), **kwargs)


def refused(call, *args, **kwargs) -> str:
    with pytest.raises(ImportFileError) as err:
        call(*args, **kwargs)
    return str(err.value)


# ---------------------------------------------------------------- .qdc: our own codebooks


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_codebooks_export_valid_qdc_and_read_back_exactly(path, xsd):
    spec = load_codebook_file(path)
    data = codebook_to_qdc(spec)
    assert validate_qdc(data, xsd) == []
    back = qdc_to_codebook(data, path.with_suffix(".qdc").name)
    assert without_guids(back.codes) == spec.codes
    assert all(GUID_RE.match(c.guid or "") for _, c, _ in back.walk())
    assert back.codebook.id == spec.codebook.id  # taken from the file name

    guided = spec.model_copy(update={"codes": with_guids(spec.codes)})
    data = codebook_to_qdc(guided)
    assert validate_qdc(data, xsd) == []
    assert qdc_to_codebook(data, "x.qdc", codebook_id="x", name="X").codes == guided.codes


def test_names_and_description_layout():
    spec = load_codebook_file(ROOT / "codebooks" / "ansell_gash_2008.yaml")
    tree = qdc_tree(codebook_to_qdc(spec))
    guid, name, colour, codable, description, children = tree[0]
    first = spec.codes[0]
    assert (name, colour, codable) == (first.name.id, first.colour, "true")
    assert description.startswith(first.definition + "\n\nInclusion: " + first.inclusion + "\n\nExclusion: ")
    assert "\n\nExamples:\n- " + first.examples[0] + "\n" in description
    assert "\n\nIndicators: " + "; ".join(first.indicators) + "\n\n" in description
    assert description.endswith("\n\nqualcode: id=starting_conditions; en=Starting conditions")
    assert [c[1] for c in children] == [c.name.id for c in first.children]


AWKWARD = code(
    "awkward",
    names=("Nama; dengan titik koma", "Name with; semicolons"),
    definition="First paragraph.\n\nInclusion: not a label, part of the definition.\n\n\\Examples: begins with a backslash",
    inclusion="Line one\nqualcode: id=fake; en=Fake\n\nExclusion: still inclusion",
    examples=["Multi-line\nexample\n\nwith a blank line", "- starts with a dash", "", "  indented  "],
    indicators=["a; b", " spaced ", "kata"],
    children=[code("plain"), code("only_examples", examples=["x"]), code("only_terms", indicators=["satu", "dua"])],
)


def test_awkward_texts_survive_the_description_layout(xsd):
    spec = spec_of(AWKWARD, code("empty_definition", inclusion="Only inclusion."))
    data = codebook_to_qdc(spec)
    assert validate_qdc(data, xsd) == []
    assert without_guids(qdc_to_codebook(data, "t.qdc").codes) == spec.codes
    for _, each, _ in spec.walk():
        parsed = parse_description(render_description(each))
        assert parsed is not None and parsed.id == each.id and parsed.en == each.name.en


def test_characters_xml_cannot_hold_are_dropped_not_fatal(xsd):
    data = codebook_to_qdc(spec_of(code("bell", definition="ding\x07dong")))
    assert validate_qdc(data, xsd) == []
    assert qdc_to_codebook(data, "t.qdc").codes[0].definition == "dingdong"


# ---------------------------------------------------------------- .qdc -> database -> .qdc


def _through_database(session, spec: CodebookSpec) -> CodebookSpec:
    project = factories.project(session)
    actor = factories.owner(session).id
    book = codebook_service.apply_codebook(session, project.id, spec, actor_id=actor)
    session.commit()
    return read_entities.codebook_spec(session, book.id, with_guids=True)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_qdc_database_qdc_round_trip_loses_nothing(session, path):
    first = codebook_to_qdc(load_codebook_file(path))
    stored = _through_database(session, qdc_to_codebook(first, path.name))
    again = codebook_to_qdc(stored)
    assert qdc_tree(again) == qdc_tree(first)


def test_qdc_database_qdc_round_trip_of_awkward_codes(session):
    first = codebook_to_qdc(spec_of(AWKWARD))
    assert qdc_tree(codebook_to_qdc(_through_database(session, qdc_to_codebook(first, "t.qdc")))) == qdc_tree(first)


# ---------------------------------------------------------------- .qdc from other tools

FOREIGN = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="NVivo 14">
  <Codes>
    <Code guid="{5215CC69-B628-4E02-AFB9-9BEEAEE55808}" name="Kondisi awal" isCodable="false">
      <Code guid="D7AA29DA-519B-4946-9B90-253B6DB8FD0A" name="Asimetri kekuasaan" isCodable="true">
        <Description>Ketimpangan antar aktor.
Baris kedua.</Description>
      </Code>
      <Code guid="0dcef2f5-e55c-49da-8c33-9b0803c7aeb4" name="Insentif &amp; hambatan" isCodable="true" color="#3c3"/>
      <Code guid="9fa9bcb7-5b59-47a9-8c3e-f65cffdc7520" name="Insentif &amp; Hambatan" isCodable="true"/>
    </Code>
    <Code guid="7c108712-b650-4892-ac0b-fc9a10190c3b" name="Pemerintah daerah (Pemda) – café" isCodable="true">
      <Code guid="12365523-1035-4afa-9e7b-281fe0bc51c5" name="Asimetri kekuasaan" isCodable="true"/>
    </Code>
    <Code guid="22365523-1035-4afa-9e7b-281fe0bc51c5" name="2. Dinas Perhubungan" isCodable="true" color="#ff0000"/>
    <Code guid="32365523-1035-4afa-9e7b-281fe0bc51c5" name="Ærø Straße" isCodable="true"/>
  </Codes>
  <Sets><Set guid="42365523-1035-4afa-9e7b-281fe0bc51c5" name="ignored"/></Sets>
</CodeBook>
""".encode()


def test_foreign_qdc_imports_with_sensible_ids():
    spec = qdc_to_codebook(FOREIGN, "Kerangka NVivo.qdc")
    assert (spec.codebook.id, spec.codebook.name) == ("kerangka_nvivo", "Kerangka NVivo")
    got = {path: c for path, c, _ in spec.walk()}
    assert list(got) == [
        "kondisi_awal",
        "kondisi_awal/asimetri_kekuasaan",
        "kondisi_awal/insentif_hambatan",
        "kondisi_awal/insentif_hambatan_2",
        "pemerintah_daerah_pemda_cafe",
        "pemerintah_daerah_pemda_cafe/asimetri_kekuasaan_2",
        "c_2_dinas_perhubungan",
        "aero_strasse",
    ]
    group = got["kondisi_awal"]
    assert group.guid == "5215cc69-b628-4e02-afb9-9beeaee55808" and len(group.children) == 3
    leaf = got["kondisi_awal/asimetri_kekuasaan"]
    assert leaf.name.id == leaf.name.en == "Asimetri kekuasaan"
    assert leaf.definition == "Ketimpangan antar aktor.\nBaris kedua." and leaf.inclusion == "" and leaf.examples == []
    assert leaf.guid == "d7aa29da-519b-4946-9b90-253b6db8fd0a" and leaf.colour == "#999999"
    assert got["kondisi_awal/insentif_hambatan"].colour == "#33CC33"
    assert got["c_2_dinas_perhubungan"].colour == "#FF0000"
    assert got["pemerintah_daerah_pemda_cafe"].name.en == "Pemerintah daerah (Pemda) – café"


def test_foreign_codes_do_not_steal_ids_that_our_codes_name():
    ours = codebook_to_qdc(spec_of(code("kondisi_awal", names=("Lain", "Other"))))
    mixed = FOREIGN.replace(b"</Codes>", ours.split(b"<Codes>")[1].split(b"</Codes>")[0] + b"</Codes>")
    got = {c.name.id: c.id for _, c, _ in qdc_to_codebook(mixed, "m.qdc").walk()}
    assert got["Lain"] == "kondisi_awal" and got["Kondisi awal"] == "kondisi_awal_2"


def test_the_nvivo_sample_codebook_imports(shared_dir):
    with zipfile.ZipFile(shared_dir / "refi-qda" / "samples" / "nvivo12_two_coders_hungarian.qdpx") as archive:
        project = etree.fromstring(archive.read("project.qde"))
    codes = project.find("{urn:QDA-XML:project:1.0}CodeBook/{urn:QDA-XML:project:1.0}Codes")
    for element in codes.iter():
        element.tag = element.tag.replace("project:1.0", "codebook:1.0")
    book = etree.Element(f"{{{NS}}}CodeBook", nsmap={None: NS})
    book.append(codes)
    spec = qdc_to_codebook(etree.tostring(book), "nvivo.qdc")
    walked = list(spec.walk())
    assert len(walked) == len(codes.findall(f".//{{{NS}}}Code")) > 20
    assert len({c.id for _, c, _ in walked}) == len(walked)
    assert all(re.match(r"^[a-z][a-z0-9_]*$", c.id) and GUID_RE.match(c.guid) for _, c, _ in walked)
    assert spec.codes[0].id == "c_1_oltas_tipusa" and spec.codes[0].definition == "COVID vay nem COVID"


def test_snake_ids():
    assert snake_id("Kondisi awal") == "kondisi_awal"
    assert snake_id("  Dialog tatap-muka!  ") == "dialog_tatap_muka"
    assert snake_id("Übersicht – Ñandú") == "ubersicht_nandu"
    assert snake_id("42") == "c_42"
    assert snake_id("信任") == "code"
    assert len(snake_id("x" * 200)) == 60


# ---------------------------------------------------------------- hostile and broken .qdc

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>
<Code guid="5215cc69-b628-4e02-afb9-9beeaee55808" name="&lol9;" isCodable="true"><Description>&lol9;</Description></Code>
</Codes></CodeBook>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE CodeBook [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>
<Code guid="5215cc69-b628-4e02-afb9-9beeaee55808" name="x" isCodable="true"><Description>&secret;</Description></Code>
</Codes></CodeBook>"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL_ENTITY, BILLION_LAUGHS.decode().replace(
    '<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>').encode("utf-16")], ids=["laughs", "xxe", "utf16"])
def test_doctypes_and_entities_are_refused(data):
    message = refused(qdc_to_codebook, data, "evil.qdc")
    assert message.startswith("evil.qdc: ") and "DOCTYPE" in message
    assert "root:" not in message


CODE = '<Code guid="5215cc69-b628-4e02-afb9-9beeaee55808" name="A" isCodable="true"{attrs}/>'
RED_CODE = CODE.format(attrs=' color="red"')
PLAIN_CODE = CODE.format(attrs="")


@pytest.mark.parametrize(
    "data,expected",
    [
        (b"not xml at all", "the XML is broken at line 1, column 1 (the file does not begin with a tag"),
        (b"", "the XML is broken at line 1, column 1 (the file is empty)"),
        (b"<CodeBook xmlns='urn:QDA-XML:codebook:1.0'><Codes>",
         "the file ends before the tag Codes opened at line 1 is closed"),
        (b'<Project xmlns="urn:QDA-XML:project:1.0" name="p"/>', "{urn:QDA-XML:project:1.0}Project"),
        (b"<CodeBook><Codes/></CodeBook>", "root element is CodeBook, expected CodeBook in the namespace"),
        (b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>', "holds no codes"),
        (f'<CodeBook xmlns="{NS}"><Codes>\n<Code guid="5215cc69-b628-4e02-afb9-9beeaee55808" isCodable="true"/>'
         "</Codes></CodeBook>", "line 2: a code inside Codes has no name"),
        (f'<CodeBook xmlns="{NS}"><Codes>{RED_CODE}</Codes></CodeBook>',
         "code 'A': colour 'red' is not #RRGGBB"),
        (f'<CodeBook xmlns="{NS}"><Codes><Code guid="nope" name="A" isCodable="true"/></Codes></CodeBook>',
         "code 'A': 'nope' is not a GUID"),
        (f'<CodeBook xmlns="{NS}"><Codes>{PLAIN_CODE}{PLAIN_CODE}</Codes></CodeBook>',
         "is used by another code"),
    ],
)
def test_broken_qdc_is_refused_clearly(data, expected):
    data = data.encode() if isinstance(data, str) else data
    message = refused(qdc_to_codebook, data, "buku.qdc")
    assert message.startswith("buku.qdc: ") and expected in message, message


def test_errors_read_in_indonesian_too():
    with pytest.raises(ImportFileError) as err:
        qdc_to_codebook(b"<x/>", "buku.qdc")
    assert err.value.message("id").startswith("buku.qdc: bukan buku kode REFI-QDA")


def test_validate_qdc_reports_schema_errors(xsd):
    assert validate_qdc(b"<CodeBook xmlns='urn:QDA-XML:codebook:1.0'/>", xsd)
    assert validate_qdc(b"garbage", xsd)


def test_a_broken_qdc_file_is_refused_in_the_researcher_s_words(tmp_path, xsd):
    """A .qdc whose closing </Codes> was lost in editing is refused naming the file, the line and
    column where the XML breaks and the tag left open, in English and in Indonesian, not in lxml's
    words ("Opening and ending tag mismatch")."""
    exported = tmp_path / "kerangka.qdc"
    exported.write_bytes(codebook_to_qdc(load_codebook_file(SHIPPED[0])))
    lines = exported.read_text(encoding="utf-8").split("\n")
    opened = lines.index("  <Codes>") + 1
    broken = tmp_path / "rusak.qdc"
    broken.write_text("\n".join(line for line in lines if line != "  </Codes>"), encoding="utf-8")
    closing = broken.read_text(encoding="utf-8").split("\n").index("</CodeBook>") + 1
    with pytest.raises(ImportFileError) as caught:
        read_codebook(broken.name, broken.read_bytes())
    english, indonesian = caught.value.message("en"), caught.value.message("id")
    assert english == (f"rusak.qdc: the XML is broken at line {closing}, column 12 (the tag Codes opened at line "
                       f"{opened} is not closed before CodeBook is).")
    assert indonesian == (f"rusak.qdc: XML-nya rusak pada baris {closing}, kolom 12 (tag Codes yang dibuka pada baris "
                          f"{opened} belum ditutup ketika CodeBook ditutup).")
    assert "mismatch" not in english + indonesian


@pytest.mark.parametrize("data, english, indonesian", [
    (b"<CodeBook>\n<Codes>\x01</Codes></CodeBook>", "line 2, column 8 (a character that XML does not allow)",
     "baris 2, kolom 8 (ada karakter yang tidak diizinkan dalam XML)"),
    (b"<CodeBook>\n<Codes n=1/></CodeBook>", "line 2, column 10 (an attribute's value is not in quotes)",
     "baris 2, kolom 10 (nilai sebuah atribut tidak diapit tanda kutip)"),
    (b"<CodeBook>\n<Codes n='1' n='2'/></CodeBook>", "(the attribute n appears twice in one tag)",
     "(atribut n muncul dua kali dalam satu tag)"),
    (b"<CodeBook>\n<Codes>Tom & Jerry</Codes></CodeBook>", "(an & that starts no entity; write &amp;",
     "(tanda & yang tidak mengawali entitas apa pun; tulis &amp;"),
    (b"<CodeBook>\n<Codes>&nbsp;</Codes></CodeBook>", "(the entity &nbsp; is not defined in XML)",
     "(entitas &nbsp; tidak dikenal dalam XML)"),
    (b"<CodeBook/>\n<CodeBook/>", "line 2, column 1 (there is more after the end of the document)",
     "baris 2, kolom 1 (masih ada isi setelah akhir dokumen)"),
    (b"<CodeBook>\n<q:Codes/></CodeBook>", "(the namespace prefix q is not declared)",
     "(prefiks ruang nama q tidak dideklarasikan)"),
    ("<?xml version='1.0' encoding='utf-8'?>\n<CodeBook>\xe9</CodeBook>".encode("latin-1"),
     "line 2, column 11 (bytes that are not text in the file's encoding)",
     "baris 2, kolom 11 (ada bita yang bukan teks dalam pengodean berkas ini)"),
])
def test_xml_syntax_errors_are_said_in_the_ui_language(data, english, indonesian):
    with pytest.raises(ImportFileError) as caught:
        qdc_to_codebook(data, "buku.qdc")
    assert caught.value.message("en").startswith("buku.qdc: the XML is broken at ")
    assert english in caught.value.message("en") and indonesian in caught.value.message("id")


@pytest.mark.parametrize("codes, english", [
    ("<Kode/>", "line 2: the element Kode is not expected there"),
    ('<Code guid="5215cc69-b628-4e02-afb9-9beeaee55808" isCodable="true"/>',
     "line 2: the element Code lacks its required attribute name"),
    ('<Code guid="5215cc69-b628-4e02-afb9-9beeaee55808" name="A" isCodable="true" warna="x"/>',
     "line 2: the element Code has an attribute warna that the schema does not define"),
    ('<Code guid="5215cc69-b628-4e02-afb9-9beeaee55808" name="A" isCodable="mungkin"/>',
     "line 2: the attribute isCodable of the element Code has a value of the wrong form"),
])
def test_schema_errors_name_the_file_the_line_and_the_problem(xsd, codes, english):
    data = f'<CodeBook xmlns="{NS}"><Codes>\n{codes}</Codes></CodeBook>'.encode()
    problems = validate_qdc(data, xsd, filename="buku.qdc")
    assert problems == [f"buku.qdc: does not follow the REFI-QDA schema at {english}."]
    assert validate_qdc(data, xsd, filename="buku.qdc", lang="id")[0].startswith(
        "buku.qdc: tidak mengikuti skema REFI-QDA pada baris 2: ")


def test_every_xml_message_is_in_both_catalogues():
    """The XML messages are keys in data (qualcode/exchange/xmlerrors.py), not tr("...") calls the
    catalogue test finds: each must exist in both languages."""
    keys = set(re.findall(r'"((?:xml|where)\.[a-z_]+)"', Path(xmlerrors.__file__).read_text(encoding="utf-8")))
    assert len(keys) > 20
    for lang in LANGUAGES:
        assert keys <= set(catalogue(lang)), (lang, keys - set(catalogue(lang)))


# ---------------------------------------------------------------- CSV


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_csv_full_layout_round_trip(path):
    spec = load_codebook_file(path)
    data = codebook_to_csv(spec)
    assert data.startswith(b"\xef\xbb\xbfpath,id,name_id,name_en,colour,definition,inclusion,exclusion,examples,indicators\r\n")
    back = csv_to_codebook(data, "x.csv", codebook_id=spec.codebook.id, name=spec.codebook.name)
    assert back.codes == spec.codes
    assert back.codebook.id == spec.codebook.id


def test_csv_minimal_layout_with_implicit_parents():
    sheet = (
        "path;description\r\n"
        "Kondisi awal/Asimetri kekuasaan;Ketimpangan sumber daya\r\n"
        "Kondisi awal;Keadaan sebelum kolaborasi\r\n"
        "Proses kolaborasi/Dialog tatap muka/Rapat rutin;\"Rapat; berkala\nbaris dua\"\r\n"
        ";;\r\n"
        "Proses kolaborasi/Membangun kepercayaan;\r\n"
        "Proses kolaborasi / Asimetri kekuasaan;\r\n"
    ).encode("cp1252")
    spec = csv_to_codebook(sheet, "kerangka saya.csv")
    assert spec.codebook.id == "kerangka_saya"
    got = {path: c for path, c, _ in spec.walk()}
    assert list(got) == [
        "kondisi_awal",
        "kondisi_awal/asimetri_kekuasaan",
        "proses_kolaborasi",
        "proses_kolaborasi/dialog_tatap_muka",
        "proses_kolaborasi/dialog_tatap_muka/rapat_rutin",
        "proses_kolaborasi/membangun_kepercayaan",
        "proses_kolaborasi/asimetri_kekuasaan_2",
    ]
    assert got["kondisi_awal"].definition == "Keadaan sebelum kolaborasi"
    assert got["kondisi_awal"].name.id == got["kondisi_awal"].name.en == "Kondisi awal"
    assert got["proses_kolaborasi"].definition == ""
    assert got["proses_kolaborasi/dialog_tatap_muka/rapat_rutin"].definition == "Rapat; berkala\nbaris dua"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_delimiters_and_encodings(encoding, delimiter):
    sheet = delimiter.join(["Path", "Name ID", "Name EN", "Color", "Description"]) + "\n"
    sheet += delimiter.join(["café_scene", "Suasana café", "Café scene", "#abc", "Obrolan di kafé"]) + "\n"
    only = csv_to_codebook(sheet.encode(encoding), "c.csv").codes[0]
    assert (only.id, only.name.id, only.name.en, only.colour, only.definition) == (
        "cafe_scene", "Suasana café", "Café scene", "#AABBCC", "Obrolan di kafé")


@pytest.mark.parametrize(
    "sheet,expected",
    [
        ("", "the file is empty"),
        ("name,description\nA,b\n", "row 1: there is no 'path' column (columns found: name, description)"),
        ("path,colur\na,#FFFFFF\n", "row 1: unknown column 'colur'"),
        ("path,definition,description\na,b,c\n", "row 1: the column 'definition' appears twice"),
        ("path,description\na,x\n,y\n", "row 3: the path is empty"),
        ("path,description\na//b,x\n", "row 2: the path 'a//b' has an empty segment"),
        ("path,description\na,x\nb,y\na,z\n", "row 4: the path 'a' is already on row 2"),
        ("path,colour\na,#FFFFFF\nb,blue\n", "row 3: colour 'blue' is not #RRGGBB"),
        ("path,id\na,x\nb,x\n", "row 3: id 'x' is already used on row 2"),
        ("path,id\na,Not-Snake\n", "row 2: id 'Not-Snake' is not snake_case"),
        ("path,description\na,x,extra\n", "row 2: the row has more cells"),
        ("path,description\n", "the codebook holds no codes"),
    ],
)
def test_csv_errors_name_file_and_row(sheet, expected):
    message = refused(csv_to_codebook, sheet.encode(), "sheet.csv")
    assert message.startswith("sheet.csv: ") and expected in message, message


def test_csv_undecodable_bytes_are_refused():
    message = refused(csv_to_codebook, b"\xef\xbb\xbfpath\n\xff\xfe\n", "sheet.csv")
    assert message.startswith("sheet.csv: ") and "encoding" in message


# ---------------------------------------------------------------- messages


def test_exchange_messages_name_the_file_first():
    for lang in LANGUAGES:
        keys = [k for k in catalogue(lang) if k.startswith("exchange.")]
        assert len(keys) > 15
        assert all(catalogue(lang)[k].startswith("{file}: ") for k in keys)
