"""REFI-QDA project exchange: XSD-valid export, NVivo/ATLAS.ti import, round trip, hardened import."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from lxml import etree
from sqlalchemy import func, select

from qualcode.errors import ImportFileError
from qualcode.exchange.positions import utf16_to_codepoints
from qualcode.exchange.qdc import validate_qdc
from qualcode.exchange.qdpx import validate_qde
from qualcode.exchange.qdpx_reader import read_qdpx
from qualcode.models import Case, Code, Coding, Document, Memo, Project, Segment, User
from qualcode.read import entities as read_entities
from qualcode.services import cases as case_service
from qualcode.services import codings as coding_service
from qualcode.services import memos as memo_service
from qualcode.services import projects as project_service
from qualcode.services.exchange import export_codebook, export_project, import_project
from qualcode.services.imports import store_turns
from qualcode.text import normalise_text
from tests import factories
from tests.hostile import qdpx_nested_bomb

NS = "{urn:QDA-XML:project:1.0}"


def _qde(data: bytes) -> bytes:
    return zipfile.ZipFile(io.BytesIO(data)).read("project.qde")


def _build(session):
    """A small project: two coders, a codebook plus an inductive code, a case, memos, an emoji."""
    project = factories.project(session)
    me = project_service.get_user_by_login(session, "peneliti")
    other = project_service.create_user(session, "rekan", "Rekan Pengode")
    project_service.set_member(session, project.id, other.id, "researcher", actor_id=me.id)
    codes = factories.codebook(session, project.id, me.id)
    doc = factories.document(session, project.id, me.id)
    store_turns(session, doc)
    obs = factories.document(session, project.id, me.id, text="Catatan observasi: rapat =SUM(A1) di balai kota.",
                             title="Obs 1")
    obs.kind = "observation"
    text = doc.text
    a = text.index("Kami saling percaya")
    b = text.index("👍")
    coding = coding_service.code_span(session, doc.id, a, a + len("Kami saling percaya"), codes["trust_building"].id,
                                      actor_id=me.id)
    coding_service.code_span(session, doc.id, a, a + len("Kami saling percaya"), codes["trust_building"].id,
                             actor_id=other.id)
    coding_service.code_span(session, doc.id, b - 5, b + 1, codes["face_to_face_dialogue"].id, actor_id=other.id)
    inductive = Code(project_id=project.id, key="anggaran", path="anggaran", name_id="Anggaran", name_en="Budget")
    session.add(inductive)
    session.flush()
    c = text.index("Anggaran APBD")
    coding_service.code_span(session, doc.id, c, c + len("Anggaran APBD terbatas"), inductive.id, actor_id=me.id)
    o = obs.text.index("=SUM")
    coding_service.code_span(session, obs.id, o, o + 8, codes["collaborative_process"].id, actor_id=me.id)
    case = case_service.save_case(session, project.id, actor_id=me.id, pseudonym="Informan A",
                                  stakeholder_group="pemerintah", organisation="Dinas X")
    case_service.link_case(session, case.id, doc.id, actor_id=me.id)
    memo_service.add_memo(session, project.id, actor_id=me.id, body="Catatan proyek", title="Awal")
    memo_service.add_memo(session, project.id, actor_id=me.id, body="Memo segmen", segment_id=coding.segment_id)
    memo_service.add_memo(session, project.id, actor_id=me.id, body="Memo kode", code_id=codes["trust_building"].id)
    session.flush()
    return project, me


def _summary(session, project_id):
    """What a round trip must keep: codes, sources, cases, codings (by content, not by GUID)."""
    codes = sorted(session.execute(select(Code.path, Code.name_id, Code.name_en, Code.colour, Code.definition)
                                   .where(Code.project_id == project_id)).all())
    docs = sorted(session.execute(select(Document.title, Document.kind, Document.checksum)
                                  .where(Document.project_id == project_id)).all())
    cases = sorted((c.pseudonym, c.stakeholder_group, c.organisation, tuple(sorted(d.title for d in c.documents)))
                   for c in session.scalars(select(Case).where(Case.project_id == project_id)))
    codings = sorted(session.execute(
        select(Document.title, Segment.start, Segment.end, Code.path, User.display_name)  # coders: new identities
        .join(Segment, Segment.document_id == Document.id).join(Coding, Coding.segment_id == Segment.id)
        .join(Code, Code.id == Coding.code_id).join(User, User.id == Coding.coder_id)
        .where(Document.project_id == project_id)).all())
    memos = sorted(session.execute(select(Memo.title, Memo.body).where(Memo.project_id == project_id)).all())
    return codes, docs, cases, codings, memos


def test_export_validates_and_round_trips(session, shared_dir):
    project, me = _build(session)
    data = export_project(session, project.id, actor_id=me.id)
    assert validate_qde(_qde(data), shared_dir / "refi-qda" / "Project.xsd") == []
    for book in project.codebooks:
        qdc = export_codebook(session, book.id, actor_id=me.id)
        assert validate_qdc(qdc, shared_dir / "refi-qda" / "Codebook.xsd") == []
    result = import_project(session, data, "studi.qdpx", actor_id=me.id, name="Studi A (salinan)")
    assert result.counts["codings"] == 5
    assert _summary(session, result.project_id) == _summary(session, project.id)
    copy = session.get(Project, result.project_id)
    inductive = session.scalar(select(Code).where(Code.project_id == copy.id, Code.key == "anggaran"))
    assert inductive.codebook_id is None
    segment_memo = session.scalar(select(Memo).where(Memo.project_id == copy.id, Memo.body == "Memo segmen"))
    assert segment_memo.segment_id is not None
    again = export_project(session, result.project_id, actor_id=me.id)
    assert validate_qde(_qde(again), shared_dir / "refi-qda" / "Project.xsd") == []
    third = import_project(session, again, "again.qdpx", actor_id=me.id, name="Ketiga")
    assert _summary(session, third.project_id) == _summary(session, project.id)


def test_nvivo_sample_imports_every_selection_on_its_words(session, shared_dir):
    path = shared_dir / "refi-qda" / "samples" / "nvivo12_two_coders_hungarian.qdpx"
    data = path.read_bytes()
    me = factories.owner(session)
    result = import_project(session, data, path.name, actor_id=me.id)
    assert result.counts["codings"] == 303 and result.dropped == [] and result.dropped_codings == 0
    assert result.counting["videos_10_selected"] == "utf16"
    # independent check: each selection read as UTF-16 units (end exclusive) of the raw text
    archive = zipfile.ZipFile(io.BytesIO(data))
    root = etree.fromstring(archive.read("project.qde"))
    expected = set()
    for source in root.iter(f"{NS}TextSource"):
        raw = archive.read(f"Sources/{source.get('guid')}.txt").decode("utf-8-sig").encode("utf-16-le")
        for sel in source.iter(f"{NS}PlainTextSelection"):
            a, b = int(sel.get("startPosition")), int(sel.get("endPosition"))
            covered = normalise_text(raw[2 * a:2 * b].decode("utf-16-le"))
            for coding in sel.iter(f"{NS}Coding"):
                # NVivo stamps every Coding with the exporting user; the coder is the selection's creator
                expected.add((source.get("name"), covered, coding.find(f"{NS}CodeRef").get("targetGUID"),
                              sel.get("creatingUser")))
    rows = session.execute(
        select(Document.title, Document.text, Segment.start, Segment.end, Code.guid, User.guid)
        .join(Segment, Segment.document_id == Document.id).join(Coding, Coding.segment_id == Segment.id)
        .join(Code, Code.id == Coding.code_id).join(User, User.id == Coding.coder_id)
        .where(Document.project_id == result.project_id)).all()
    got = {(title, text[s:e], code, user) for title, text, s, e, code, user in rows}
    assert len(rows) == 303 and got == expected
    emoji = [text[s:e] for _, text, s, e, _, _ in rows if any(ord(ch) > 0xFFFF for ch in text[:s])]
    assert emoji  # selections after emoji are among them, and still right
    coders = {u for *_, u in rows}
    assert coders == {"29518289-d0e3-447b-b7dd-ae1d8cd880a0", "eaac2cd0-f7f0-415a-abdd-ae1d8f6762de"}
    logins = set(session.scalars(select(User.login).where(User.guid.in_(coders))))
    assert logins == {"gergo", "floriansipos"}
    # imported coders are identities, not members of the new project: only the importer is
    assert [u.login for u, _ in read_entities.members(session, result.project_id)] == [me.login]


def test_atlas_sample_imports(session, shared_dir):
    path = shared_dir / "refi-qda" / "samples" / "atlasti23_minimal.qdpx"
    me = factories.owner(session)
    result = import_project(session, path.read_bytes(), path.name, actor_id=me.id)
    names = set(session.scalars(select(Code.name_id).where(Code.project_id == result.project_id)))
    assert names == {"Commits", "2022-05-10T02:05:59Z 19e4dce", "2022-02-11T10:39:25Z cdbfd92"}
    assert result.project_name == "target-atlas-project"


def test_utf16_offsets_convert():
    text = "a👍b👍c"
    assert utf16_to_codepoints(text, [0, 1, 3, 4, 6, 7]) == [0, 1, 2, 3, 4, 5]


def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


QDE = (b'<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0" name="x" origin="test">'
       b'<Sources><TextSource guid="11111111-1111-1111-1111-111111111111" name="s" '
       b'plainTextPath="internal://11111111-1111-1111-1111-111111111111.txt"/></Sources></Project>')


@pytest.mark.parametrize("members, key, needle", [
    ({"project.qde": QDE, "../evil.txt": b"x"}, "import.zip_unsafe_path", "../evil.txt"),
    ({"project.qde": QDE, "sources/big.txt": b"0" * (150 * 1024 * 1024)}, "import.zip_bomb", "bad.qdpx"),
    ({"project.qde": b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><Project/>'}, "exchange.doctype",
     "project.qde"),
    ({"other.xml": b"<a/>"}, "export.no_qde", "bad.qdpx"),
])
def test_hostile_files_are_refused_by_name_and_leave_nothing(session, members, key, needle):
    me = factories.owner(session)
    data = _zip(members)
    with pytest.raises(ImportFileError) as caught:
        with session.begin_nested():
            import_project(session, data, "bad.qdpx", actor_id=me.id)
    assert caught.value.key == key
    assert "bad.qdpx" in caught.value.message("en") and needle in caught.value.message("en")
    assert session.scalar(select(func.count()).select_from(Project)) == 0


def test_a_broken_project_qde_is_refused_in_the_researcher_s_words(session, tmp_path, shared_dir):
    """A .qdpx whose project.qde is cut short (a copy that stopped midway) is refused naming the
    archive, the member, the line and column and the tag left open, in the UI language; lxml's own
    English ("Premature end of data") is not shown. A well-formed project.qde that breaks the schema
    is described the same way."""
    project, me = _build(session)
    exported = tmp_path / "studi.qdpx"
    exported.write_bytes(export_project(session, project.id, actor_id=me.id))
    qde = _qde(exported.read_bytes()).decode()
    lines = qde.split("\n")
    opened = next(number for number, line in enumerate(lines, 1) if line.strip() == "<Sources>")
    broken = tmp_path / "terpotong.qdpx"
    broken.write_bytes(_rezip(exported.read_bytes(), {"project.qde": "\n".join(lines[:opened]).encode()}))
    with pytest.raises(ImportFileError) as caught:
        read_qdpx(broken.read_bytes(), broken.name)
    english, indonesian = caught.value.message("en"), caught.value.message("id")
    assert re.fullmatch(rf"terpotong\.qdpx: project\.qde: the XML is broken at line {opened}, column \d+ "
                        rf"\(the file ends before the tag Sources opened at line {opened} is closed\)\.", english), english
    assert re.fullmatch(rf"terpotong\.qdpx: project\.qde: XML-nya rusak pada baris {opened}, kolom \d+ "
                        rf"\(berkas berakhir sebelum tag Sources yang dibuka pada baris {opened} ditutup\)\.",
                        indonesian), indonesian
    assert "Premature" not in english + indonesian

    unnamed = qde.replace(f' name="{project.name}"', "", 1)
    assert unnamed != qde
    xsd = shared_dir / "refi-qda" / "Project.xsd"
    assert validate_qde(unnamed.encode(), xsd, filename="studi.qdpx: project.qde") == [
        "studi.qdpx: project.qde: does not follow the REFI-QDA schema at line 2: the element Project lacks its "
        "required attribute name."]
    assert validate_qde(unnamed.encode(), xsd, filename="studi.qdpx: project.qde", lang="id") == [
        "studi.qdpx: project.qde: tidak mengikuti skema REFI-QDA pada baris 2: elemen Project tidak memiliki atribut "
        "wajib name."]


def test_oversized_member_is_refused(monkeypatch):
    from qualcode.exchange import qdpx_reader

    monkeypatch.setattr(qdpx_reader, "MAX_MEMBER_BYTES", 1000)
    data = _zip({"project.qde": QDE, "sources/x.txt": b"ab" * 600}, zipfile.ZIP_STORED)
    with pytest.raises(ImportFileError) as caught:
        read_qdpx(data, "besar.qdpx")
    assert caught.value.key == "export.member_too_large" and "sources/x.txt" in str(caught.value)


def test_failure_midway_rolls_back_everything(session, monkeypatch):
    """A refusal after rows were written (here the coder limit) leaves nothing behind."""
    from qualcode.services import exchange

    project, me = _build(session)
    data = export_project(session, project.id, actor_id=me.id)
    monkeypatch.setattr(exchange, "MAX_USERS", 1)
    before = session.scalar(select(func.count()).select_from(Document))
    with pytest.raises(ImportFileError) as caught:
        with session.begin_nested():
            import_project(session, data, "rusak.qdpx", actor_id=me.id, name="Rusak")
    assert caught.value.key == "qdpx.too_many_users" and "1" in caught.value.message("en")
    assert session.scalar(select(func.count()).select_from(Document)) == before
    assert session.scalar(select(Project.id).where(Project.name == "Rusak")) is None


def test_named_project_that_exists_is_refused(session):
    project, me = _build(session)
    data = export_project(session, project.id, actor_id=me.id)
    with pytest.raises(Exception) as caught:
        import_project(session, data, "x.qdpx", actor_id=me.id, name=project.name)
    assert project.name in str(caught.value)


# ---------------------------------------------------------------- qualcode to qualcode


def _rezip(data: bytes, change: dict[str, bytes]) -> bytes:
    """The archive ``data`` with some members' contents replaced."""
    source = zipfile.ZipFile(io.BytesIO(data))
    return _zip({name: change.get(name, source.read(name)) for name in source.namelist()})


def test_round_trip_of_the_demo_keeps_codebook_meta_and_the_cross_framework_matrix(demo, shared_dir):
    """The codebooks' meta (directions, never suggested, the cross-framework partner) travels in
    the Set's qualcode Description, still valid against Project.xsd, and comes back on import."""
    from qualcode import codebook_meta
    from qualcode.analysis.displays import cross_framework_matrix
    from qualcode.db import unit_of_work
    from qualcode.models import Codebook

    def metas(session, project_id):
        return {b.key: b.meta for b in session.scalars(select(Codebook).where(Codebook.project_id == project_id))}

    with unit_of_work(demo) as session:
        original = session.scalar(select(Project.id))
        me = project_service.get_user_by_login(session, "peneliti")
        data = export_project(session, original, actor_id=me.id)
        assert validate_qde(_qde(data), shared_dir / "refi-qda" / "Project.xsd") == []
        result = import_project(session, data, "demo.qdpx", actor_id=me.id, name="Demo salinan")
        expected = metas(session, original)
        assert expected["najam_5c_1995"]["directions"] == ["supporting", "inhibiting"]  # the demo has meta
        assert expected["ansell_gash_2008"]["cross_framework_factors"] == "najam_5c_1995"
        assert metas(session, result.project_id) == expected
        pair = codebook_meta.cross_framework_pair(session, result.project_id)
        assert pair is not None
        keys = {b.id: b.key for b in session.scalars(select(Codebook))}
        assert (keys[pair[0]], keys[pair[1]]) == ("ansell_gash_2008", "najam_5c_1995")
        copied = cross_framework_matrix(session, result.project_id, *pair)
        before = cross_framework_matrix(session, original, *codebook_meta.cross_framework_pair(session, original))
        assert len(copied.columns) > 0 and set(copied.columns.get_level_values("direction")) == {"supporting",
                                                                                                 "inhibiting"}
        assert copied.equals(before)


def test_codebook_meta_that_does_not_fit_is_left_out_and_reported(session):
    from qualcode.models import Codebook
    from qualcode.services.exchange import report_lines

    project, me = _build(session)
    book = session.scalar(select(Codebook).where(Codebook.project_id == project.id))
    book.meta = {"directions": ["trust_building", "hilang"], "never_suggested": ["collaborative_process"]}
    session.flush()
    data = export_project(session, project.id, actor_id=me.id)
    result = import_project(session, data, "sebagian.qdpx", actor_id=me.id, name="Sebagian")
    copy = session.scalar(select(Codebook).where(Codebook.project_id == result.project_id))
    assert copy.meta == {"directions": ["trust_building"], "never_suggested": ["collaborative_process"]}
    lines = [text for _, text in report_lines(result, "en")]
    assert any("'Tiny codebook'" in line and "directions" in line and "'hilang'" in line for line in lines), lines
    broken = _qde(data).replace(b'"directions": ["trust_building", "hilang"]', b'"directions": "semua"')
    assert broken != _qde(data)
    result = import_project(session, _rezip(data, {"project.qde": broken}), "rusak.qdpx", actor_id=me.id, name="Rusak")
    copy = session.scalar(select(Codebook).where(Codebook.project_id == result.project_id))
    assert copy.meta is None and copy.key == "tiny"  # the codebook and its codes still came in
    warnings = [text for level, text in report_lines(result, "id") if level == "warning"]
    assert any("'Tiny codebook'" in line and "pengaturan analisis" in line for line in warnings), warnings


def test_own_export_of_a_long_repetitive_line_is_read_back(session):
    """One 8 MB line repeating a few words packs about 400:1; qualcode reads back what it writes."""
    project, me = _build(session)
    text = "I: " + "kata panjang sekali " * 400_000
    factories.document(session, project.id, me.id, text=text, title="Baris panjang")
    data = export_project(session, project.id, actor_id=me.id)
    packed = max(zipfile.ZipFile(io.BytesIO(data)).infolist(), key=lambda m: m.file_size)
    assert packed.file_size > 8_000_000 and packed.file_size / packed.compress_size > 100
    result = import_project(session, data, "p2.qdpx", actor_id=me.id, name="Salinan panjang")
    copied = session.scalar(select(Document).where(Document.project_id == result.project_id,
                                                   Document.title == "Baris panjang"))
    assert copied is not None and copied.text == normalise_text(text)


def test_zip_guard_trusts_a_bounded_member_but_not_an_archive_or_an_unbounded_one():
    from qualcode.importers import zipguard

    repetitive = b"kata panjang sekali " * 100_000  # 2 MB, packs far beyond 100:1
    plain = _zip({"project.qde": QDE, "sources/a.txt": repetitive})
    zipguard.check_zip("a.qdpx", plain, ".qdpx", member_limit=10 * 1024 * 1024)  # within its limit: fine
    for data, limit in ((plain, None), (plain, 1024 * 1024)):  # no limit of the reader's own, or over it
        with pytest.raises(ImportFileError) as caught:
            zipguard.check_zip("a.qdpx", data, ".qdpx", member_limit=limit)
        assert caught.value.key == "import.zip_bomb"
    nested = qdpx_nested_bomb()  # a zip bomb layer inside the archive, within the entry limit
    assert zipfile.ZipFile(io.BytesIO(nested)).getinfo("sources/lapis.zip").compress_size * 100 < 4 * 1024 * 1024
    with pytest.raises(ImportFileError) as caught:
        read_qdpx(nested, "bersarang.qdpx")
    assert caught.value.key == "import.zip_bomb" and "bersarang.qdpx" in caught.value.message("id")


def test_round_trip_keeps_each_document_s_file_name(session):
    project, me = _build(session)
    doc = session.scalar(select(Document).where(Document.project_id == project.id, Document.title == "W01"))
    doc.original_filename = "W01_dinkes.txt"
    session.flush()
    data = export_project(session, project.id, actor_id=me.id)
    result = import_project(session, data, "nama.qdpx", actor_id=me.id, name="Nama berkas")
    names = dict(session.execute(select(Document.title, Document.original_filename)
                                 .where(Document.project_id == result.project_id)).all())
    assert names["W01"] == "W01_dinkes.txt"
    assert names["Obs 1"] == "Obs 1.txt"  # stored without a file name: the title, not the GUID


def test_a_foreign_source_is_named_after_its_name_or_its_file_not_its_guid(shared_dir):
    from qualcode.exchange.qdpx_reader import _filename

    path = shared_dir / "refi-qda" / "samples" / "nvivo12_two_coders_hungarian.qdpx"
    project = read_qdpx(path.read_bytes(), path.name)
    assert {s.name: s.filename for s in project.sources}["videos_10_selected"] == "videos_10_selected.txt"
    element = etree.fromstring(b'<TextSource xmlns="urn:QDA-XML:project:1.0" name="Wawancara 3" '
                               b'plainTextPath="internal://wawancara_3.txt"/>')
    assert _filename(element, "Wawancara 3", None) == "wawancara_3.txt"
    pdf = etree.fromstring(b'<PDFSource xmlns="urn:QDA-XML:project:1.0" name="Laporan" '
                           b'path="internal://{8A3A5B2C-1111-2222-3333-444455556666}.pdf"/>')
    assert _filename(pdf, "Laporan", None) == "Laporan.pdf"
    assert _filename(pdf, "Laporan.docx", None) == "Laporan.docx"


def test_each_export_profile_downloads_under_its_own_name(session):
    from qualcode.exchange.positions import PROFILES
    from qualcode.read.views.export import project_file

    project, me = _build(session)
    files = {profile: project_file(session, project.id, me.id, profile) for profile in PROFILES}
    assert {profile: f.filename for profile, f in files.items()} == {p: f"Studi_A_{p}.qdpx" for p in PROFILES}
    assert all(f.profile == p and f.data[:2] == b"PK" for p, f in files.items())
