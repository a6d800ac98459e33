"""The conformance corpus: one small project per quirk of real exports, built by the tests
(``builder.py``), each imported and checked code by code and coding by coding, with its report."""

from __future__ import annotations

import io
import uuid
import zipfile

import pytest
from sqlalchemy import func, select

from qualcode.errors import ImportFileError, PermissionDenied
from qualcode.models import AuditEvent, Case, Code, Coding, Document, Memo, Project, Segment, User
from qualcode.read import entities as read_entities
from qualcode.services import accounts
from qualcode.services import projects as project_service
from qualcode.services.exchange import export_project, import_project, report_lines
from tests import factories
from tests.conformance.builder import Project as Qdpx
from tests.conformance.builder import Sel, Source
from tests.test_importers import make_pdf

ATLAS = "ATLAS.ti for Windows 26.0.1"
NVIVO = "NVivo 14 for Windows"
TEXT = ("P: Bagaimana koordinasi antar dinas?\n"
        "I: Kami rapat tatap muka setiap minggu 👍 dan saling percaya.\n"
        "P: Apa kendalanya?\n"
        "I: Anggaran APBD terbatas, jadi kegiatan kecil dulu.\n")


def _codings(session, project_id):
    """Every imported coding as (document title, covered text, code name, coder's name)."""
    rows = session.execute(
        select(Document.title, Document.text, Segment.start, Segment.end, Code.name_id, User.display_name)
        .join(Segment, Segment.document_id == Document.id).join(Coding, Coding.segment_id == Segment.id)
        .join(Code, Code.id == Coding.code_id).join(User, User.id == Coding.coder_id)
        .where(Document.project_id == project_id)).all()
    return {(title, text[s:e], code, user) for title, text, s, e, code, user in rows}


def _codes(session, project_id):
    return {(c.path, c.name_id) for c in session.scalars(select(Code).where(Code.project_id == project_id))}


def _lines(result, lang="en"):
    return "\n".join(text for _, text in report_lines(result, lang))


def _basic(origin: str, **options) -> Qdpx:
    project = Qdpx(origin=origin, **options)
    project.user("Ani Peneliti")
    project.user("Budi Rekan")
    project.code("Proses kolaborasi")
    project.code("Dialog tatap muka", parent="Proses kolaborasi")
    project.code("Membangun kepercayaan", parent="Proses kolaborasi")
    project.code("Kendala")
    return project


def _coded(**source_options) -> Source:
    return Source("Wawancara 1", TEXT, [
        Sel("rapat tatap muka", ["Dialog tatap muka"], "Ani Peneliti"),
        Sel("saling percaya", ["Membangun kepercayaan"], "Budi Rekan"),
        Sel("Anggaran APBD terbatas", ["Kendala", "Proses kolaborasi"], "Ani Peneliti"),
    ], **source_options)


@pytest.fixture
def me(session):
    return factories.owner(session)


# ---------------------------------------------------------------- the project file


def test_atlas_names_the_qde_after_the_project(session, me):
    project = _basic(ATLAS, name="Trial", qde_name="Trial.qde", upper_guids=True)
    project.source(_coded())
    result = import_project(session, project.build(), "Project.qdpx", actor_id=me.id)
    assert _codes(session, result.project_id) == {
        ("proses_kolaborasi", "Proses kolaborasi"), ("proses_kolaborasi/dialog_tatap_muka", "Dialog tatap muka"),
        ("proses_kolaborasi/membangun_kepercayaan", "Membangun kepercayaan"), ("kendala", "Kendala")}
    assert _codings(session, result.project_id) == project.expected()
    assert "read from Trial.qde" in _lines(result)


def test_several_qde_files_are_refused_by_name(session, me):
    project = _basic(ATLAS, qde_name="Trial.qde")
    project.extra_qde = ["Lama.qde"]
    with pytest.raises(ImportFileError) as caught:
        with session.begin_nested():
            import_project(session, project.build(), "dua.qdpx", actor_id=me.id)
    assert caught.value.key == "qdpx.several_qde"
    assert "Lama.qde, Trial.qde" in caught.value.message("en")
    assert session.scalar(select(func.count()).select_from(Project)) == 0


# ---------------------------------------------------------------- partial import


def test_missing_and_external_sources_are_skipped_and_the_rest_imported(session, me):
    project = _basic(ATLAS, base_path="D:\\Proyek\\Data")
    present = project.source(_coded())
    project.source(Source("Hilang", "teks yang tidak ada", [Sel("tidak ada", ["Kendala"], "Ani Peneliti")],
                          where="missing"))
    project.source(Source("Relatif", "teks luar", [Sel("luar", ["Kendala"], "Ani Peneliti"),
                                                   Sel("teks", ["Kendala"], "Budi Rekan")], where="relative"))
    project.source(Source("Mutlak", "teks mutlak", [Sel("mutlak", ["Kendala"], "Budi Rekan")], where="absolute"))
    project.cases.append((str(uuid.uuid4()), "Informan A", {"organisation": "Dinas Perhubungan", "usia": "41"},
                          ["Wawancara 1", "Hilang"]))
    project.notes.append((str(uuid.uuid4()), "Catatan awal", "Memo proyek tetap ada."))
    result = import_project(session, project.build(), "sebagian.qdpx", actor_id=me.id)
    assert _codings(session, result.project_id) == {c for c in project.expected() if c[0] == present.name}
    assert len(_codes(session, result.project_id)) == 4
    case = session.scalar(select(Case).where(Case.project_id == result.project_id))
    assert (case.pseudonym, case.organisation, case.attributes["usia"]["value"]) == ("Informan A", "Dinas Perhubungan",
                                                                                   "41")
    assert [d.title for d in case.documents] == ["Wawancara 1"]
    assert session.scalar(select(Memo.body).where(Memo.project_id == result.project_id)) == "Memo proyek tetap ada."
    assert {(s.name, s.reason, s.codings) for s in result.skipped} == {
        ("Hilang", "missing", 1), ("Relatif", "external", 2), ("Mutlak", "external", 1)}
    report = _lines(result)
    assert "'Relatif' (text) was not imported: it lives outside the .qdpx (D:\\Proyek\\Data/" in report
    assert "2 codings on it were not imported" in report
    assert "'Hilang' (text) was not imported: its file internal://" in report
    assert "C:\\Users\\peneliti" in report
    assert "'Hilang'" in _lines(result, "id") and "tidak diimpor" in _lines(result, "id")


def test_pdf_sources_import_their_text_and_codings(session, me):
    project = _basic(ATLAS)
    pdf_text = "Laporan tahunan Dinas.\nKerja sama dengan operator swasta berjalan baik."
    project.source(Source("Laporan (PDF)", pdf_text, [Sel("Kerja sama", ["Proses kolaborasi"], "Ani Peneliti")],
                          kind="PDFSource", pdf=make_pdf([pdf_text.split("\n")]), representation=True, regions=2))
    project.source(Source("Notulen (PDF)", kind="PDFSource", pdf=make_pdf([["Notulen rapat koordinasi JakLingko."]])))
    project.source(Source("Pindaian (PDF)", kind="PDFSource", pdf=b"%PDF-1.4\nrusak"))
    result = import_project(session, project.build(), "pdf.qdpx", actor_id=me.id)
    assert _codings(session, result.project_id) == project.expected()
    texts = {t: x for t, x in session.execute(select(Document.title, Document.text)
                                              .where(Document.project_id == result.project_id))}
    assert texts["Laporan (PDF)"] == pdf_text
    assert "Notulen rapat koordinasi JakLingko." in texts["Notulen (PDF)"]
    assert [(s.name, s.reason) for s in result.skipped] == [("Pindaian (PDF)", "unreadable")]
    assert [(d.reason, d.where, d.codings) for d in result.dropped] == [("pdf_region", "page 1", 1),
                                                                         ("pdf_region", "page 2", 1)]
    assert "2 selections are regions of PDF pages (page 1, page 2)" in _lines(result)


def test_picture_audio_and_video_sources_are_listed_as_not_supported(session, me):
    project = _basic(NVIVO)
    project.source(_coded())
    for kind, name in (("PictureSource", "Foto balai kota"), ("AudioSource", "Rekaman W2"),
                       ("VideoSource", "Video rapat")):
        project.source(Source(name, kind=kind, media_codings=3))
    result = import_project(session, project.build(), "media.qdpx", actor_id=me.id)
    assert _codings(session, result.project_id) == project.expected()
    assert {(s.name, s.kind, s.reason, s.codings) for s in result.skipped} == {
        ("Foto balai kota", "picture", "not_supported", 3), ("Rekaman W2", "audio", "not_supported", 3),
        ("Video rapat", "video", "not_supported", 3)}
    assert "Source 'Rekaman W2' (audio) was not imported: qualcode codes text only" in _lines(result)


# ---------------------------------------------------------------- positions


@pytest.mark.parametrize("crlf, bom, counting, reading", [
    (True, False, "crlf1", "codepoints+crlf1"),  # ATLAS.ti: a Windows line break counts one
    (True, True, "utf16", "utf16"),  # NVivo: UTF-16 units, CRLF two, BOM not counted
    (True, True, "utf16+crlf1", "utf16+crlf1"),
    (True, True, "codepoints", "codepoints"),  # MAXQDA-like: CRLF two, code points
    (False, False, "codepoints", "codepoints"),  # the standard
])
def test_each_counting_puts_every_coding_on_its_words(session, me, crlf, bom, counting, reading):
    project = _basic(ATLAS)
    source = _coded(crlf=crlf, bom=bom, counting=counting)
    # enough selections after line breaks and the emoji for the readings to differ
    source.selections += [Sel("Apa kendalanya?", ["Kendala"], "Budi Rekan"),
                          Sel("kegiatan kecil dulu", ["Proses kolaborasi"], "Budi Rekan"),
                          Sel("dan saling", ["Proses kolaborasi"], "Ani Peneliti")]
    project.source(source)
    result = import_project(session, project.build(), "posisi.qdpx", actor_id=me.id)
    assert _codings(session, result.project_id) == project.expected()
    assert result.counting == {"Wawancara 1": reading}


def test_selection_descriptions_become_segment_memos(session, me):
    project = _basic(ATLAS)
    source = _coded()
    source.selections[0].description = "Rapat mingguan: bukti dialog tatap muka."
    source.selections.append(Sel("koordinasi antar dinas", [], "Budi Rekan", description="Kutipan tanpa kode."))
    project.source(source)
    result = import_project(session, project.build(), "memo.qdpx", actor_id=me.id)
    assert _codings(session, result.project_id) == project.expected()
    memos = {(body, text[s:e]) for body, text, s, e in session.execute(
        select(Memo.body, Document.text, Segment.start, Segment.end).join(Segment, Segment.id == Memo.segment_id)
        .join(Document, Document.id == Segment.document_id).where(Memo.project_id == result.project_id))}
    assert memos == {("Rapat mingguan: bukti dialog tatap muka.", "rapat tatap muka"),
                     ("Kutipan tanpa kode.", "koordinasi antar dinas")}
    assert result.description_memos == 2 and "2 selection descriptions" in _lines(result)


def test_zero_length_and_outside_selections_are_listed_never_moved(session, me):
    project = _basic(ATLAS)
    source = _coded()
    source.selections += [Sel("nol", ["Kendala"], "Ani Peneliti", raw=(12, 12)),
                          Sel("luar", ["Kendala"], "Ani Peneliti", raw=(0, 10 ** 9)),
                          Sel("negatif", ["Kendala", "Proses kolaborasi"], "Budi Rekan", raw=(-5, 3)),
                          Sel("terbalik", ["Kendala"], "Budi Rekan", raw=(30, 20))]
    project.source(source)
    result = import_project(session, project.build(), "rusak.qdpx", actor_id=me.id)
    assert _codings(session, result.project_id) == project.expected()  # nothing else, nothing whole-text
    assert {(d.reason, d.where, d.codings) for d in result.dropped} == {
        ("zero_length", "12-12", 1), ("outside", "0-1000000000", 1), ("outside", "-5-3", 2), ("outside", "30-20", 1)}
    report = _lines(result)
    assert "1 selections are empty (start equals end, at 12-12)" in report
    assert "3 selections lie outside the text (positions 0-1000000000, -5-3, 30-20)" in report


# ---------------------------------------------------------------- identities and GUIDs


def test_repeated_guids_inside_the_file_get_fresh_ones(session, me):
    project = _basic(ATLAS)
    twin = str(uuid.uuid4())
    first = project.source(_coded())
    second = project.source(Source("Wawancara 2", "Kami rapat tatap muka lagi.", [
        Sel("rapat tatap muka", ["Dialog tatap muka"], "Budi Rekan", guid=twin, coding_guids=[twin])]))
    second.file, second.guid = second.guid, first.guid  # two sources, one GUID (their files apart)
    first.selections[0].guid = twin  # and the same GUID on selections and codings of both
    first.selections[0].coding_guids = [twin]
    case_guid = str(uuid.uuid4())
    project.cases += [(case_guid, "Informan A", {}, ["Wawancara 1"]), (case_guid, "Informan B", {}, [])]
    note_guid = str(uuid.uuid4())
    project.notes += [(note_guid, "Satu", "Memo satu"), (note_guid, "Dua", "Memo dua")]
    result = import_project(session, project.build(), "kembar.qdpx", actor_id=me.id)
    assert _codings(session, result.project_id) == project.expected()
    assert result.fresh_guids == {"Source": 1, "PlainTextSelection": 1, "Coding": 1, "Case": 1, "Note": 1}
    assert session.scalar(select(func.count()).select_from(Case).where(Case.project_id == result.project_id)) == 2
    assert "1 Source element repeated a GUID" in _lines(result)  # one: the singular


def test_a_repeated_code_guid_is_refused_naming_the_code(session, me):
    project = _basic(ATLAS)
    project.code("Kembar", guid=project.codes["Kendala"][0])
    with pytest.raises(ImportFileError) as caught:
        with session.begin_nested():
            import_project(session, project.build(), "kode.qdpx", actor_id=me.id)
    assert "Kembar" in caught.value.message("en") and "kode.qdpx" in caught.value.message("en")
    assert session.scalar(select(func.count()).select_from(Project)) == 0


def test_imported_users_are_new_identities_never_existing_accounts(session, me):
    victim = project_service.create_user(session, "ani", "Ani Asli")
    project = _basic(NVIVO)
    project.users = {"Ani Peneliti": victim.guid, "Budi Rekan": me.guid}  # names real users' GUIDs
    project.source(_coded())
    result = import_project(session, project.build(), "palsu.qdpx", actor_id=me.id)
    assert _codings(session, result.project_id) == project.expected()
    coders = set(session.scalars(select(Coding.coder_id).join(Segment).join(Document)
                                 .where(Document.project_id == result.project_id)))
    assert victim.id not in coders and me.id not in coders
    assert [u.id for u, _ in read_entities.members(session, result.project_id)] == [me.id]
    assert session.get(User, victim.id).display_name == "Ani Asli"


def test_with_accounts_only_an_owner_or_administrator_may_import(session):
    owner = factories.owner(session)
    project_service.create_project(session, "Punya pemilik", owner_id=owner.id)
    student = project_service.create_user(session, "mahasiswa", "Mahasiswa")
    admin = accounts.create_account(session, "admin", "kata-sandi-panjang-1", is_admin=True, actor_id=None)
    data = _basic(ATLAS).build()
    with pytest.raises(PermissionDenied) as caught:
        import_project(session, data, "a.qdpx", actor_id=student.id, accounts=True)
    assert caught.value.key == "qdpx.import_forbidden"
    assert import_project(session, data, "a.qdpx", actor_id=owner.id, name="Oleh pemilik", accounts=True).project_id
    assert import_project(session, data, "a.qdpx", actor_id=admin.id, name="Oleh admin", accounts=True).project_id
    assert import_project(session, data, "a.qdpx", actor_id=student.id, name="Tanpa akun", accounts=False).project_id


def test_element_and_member_limits_are_named(session, me, monkeypatch):
    from qualcode.exchange import qdpx_reader

    project = _basic(ATLAS)
    project.source(_coded())
    monkeypatch.setattr(qdpx_reader, "MAX_ELEMENTS", 10)
    with pytest.raises(ImportFileError) as caught:
        import_project(session, project.build(), "besar.qdpx", actor_id=me.id)
    assert caught.value.key == "qdpx.too_many_elements" and "10" in caught.value.message("en")
    monkeypatch.setattr(qdpx_reader, "MAX_ELEMENTS", 1_000_000)
    project.extra_members = {f"sources/extra{i}.txt": b"x" for i in range(12)}
    monkeypatch.setattr(qdpx_reader, "MAX_MEMBERS", 10)
    with pytest.raises(ImportFileError) as caught:
        import_project(session, project.build(), "banyak.qdpx", actor_id=me.id)
    assert caught.value.key == "qdpx.too_many_members"
    assert "banyak.qdpx: holds 14 files, more than the 10" in caught.value.message("en")


# ---------------------------------------------------------------- bulk writes keep the single writes' rules


def test_import_audits_each_document_and_each_batch_of_codings(session, me):
    project = _basic(ATLAS)
    project.source(_coded())
    result = import_project(session, project.build(), "audit.qdpx", actor_id=me.id)
    actions = dict(session.execute(select(AuditEvent.action, func.count()).where(
        AuditEvent.project_id == result.project_id).group_by(AuditEvent.action)).all())
    assert actions["document.add"] == 1 and actions["coding.add_many"] == 1
    batch = session.scalar(select(AuditEvent).where(AuditEvent.action == "coding.add_many",
                                                    AuditEvent.project_id == result.project_id))
    assert batch.payload["after"]["count"] == 4
    assert batch.payload["after"]["codes"] == {"proses_kolaborasi/dialog_tatap_muka": 1, "kendala": 1,
                                               "proses_kolaborasi/membangun_kepercayaan": 1, "proses_kolaborasi": 1}


# ---------------------------------------------------------------- export for other tools


@pytest.mark.parametrize("profile, bom, crlf, emoji_units", [
    ("standard", False, False, 1), ("nvivo", True, True, 2), ("atlasti", True, True, 1), ("maxqda", True, True, 1)])
def test_export_profiles_write_what_each_tool_writes_and_read_back(session, me, profile, bom, crlf, emoji_units):
    project = _basic(NVIVO)
    project.source(_coded())
    first = import_project(session, project.build(), "asal.qdpx", actor_id=me.id, name="Asal")
    data = export_project(session, first.project_id, actor_id=me.id, profile=profile)
    archive = zipfile.ZipFile(io.BytesIO(data))
    name = next(n for n in archive.namelist() if n.startswith("sources/"))
    raw = archive.read(name)
    assert raw.startswith(b"\xef\xbb\xbf") == bom and (b"\r\n" in raw) == crlf
    text = raw.decode("utf-8-sig")
    qde = archive.read("project.qde").decode()
    # independent check: the selection on "Anggaran APBD terbatas" as each tool counts
    at = text.index("Anggaran APBD terbatas")
    prefix = text[:at]
    expected = len(prefix.encode("utf-16-le")) // 2 if emoji_units == 2 else len(prefix)
    if profile in ("standard", "atlasti"):
        expected = len(prefix.replace("\r\n", "\n"))
    assert f'startPosition="{expected}"' in qde
    again = import_project(session, data, "balik.qdpx", actor_id=me.id, name=f"Balik {profile}")
    assert _codings(session, again.project_id) == project.expected()


def test_the_command_line_prints_the_report(tmp_path):
    from tests.test_cli import qualcode

    project = _basic(ATLAS, name="Trial", qde_name="Trial.qde")
    project.source(_coded())
    project.source(Source("Hilang", "teks", [Sel("teks", ["Kendala"], "Ani Peneliti")], where="missing"))
    project.source(Source("Video rapat", kind="VideoSource", media_codings=2))
    path = tmp_path / "Project.qdpx"
    path.write_bytes(project.build())
    done = qualcode("import", "qdpx", str(path), data_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Imported into the new project 'Trial' from Project.qdpx (ATLAS.ti for Windows 26.0.1)" in done.stdout
    assert "4 codings by 2 coders" in done.stdout and "read from Trial.qde" in done.stdout
    assert "warning: Source 'Hilang' (text) was not imported" in done.stdout and "1 codings on it" in done.stdout
    assert "warning: Source 'Video rapat' (video) was not imported" in done.stdout and "its 2 codings" in done.stdout


def test_a_flood_of_elements_is_refused_fast_and_small(session, me):
    import time
    import tracemalloc

    qde = (b'<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0" name="banjir" origin="x"><Users>'
           + b"<User/>" * 1_100_000 + b"</Users></Project>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:  # packed, the zip guard calls it a bomb
        archive.writestr("project.qde", qde)
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(ImportFileError) as caught:
        import_project(session, buffer.getvalue(), "banjir.qdpx", actor_id=me.id)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert caught.value.key == "qdpx.too_many_elements" and "1000000" in caught.value.message("en")
    assert seconds < 10 and peak < 100 * 1024 * 1024
