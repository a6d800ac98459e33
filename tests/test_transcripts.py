"""Transcripts as people type them, end to end: .txt, .docx and .pdf files in each layout (blank
lines or not; labels P/W, Peneliti/Bu Sri, T/J, initials codes; a PDF's wrapped lines) come in as
alternating turns; the researcher re-parses with the labels that are speakers, edits, renames and
deletes a document, each audited, and changing the text or turns is refused once it is coded."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from qualcode.errors import ConflictError, ValidationError
from qualcode.models import AuditEvent, Document, Memo, Segment, Turn
from qualcode.read.dependants import document_dependants
from qualcode.services import documents as document_service
from qualcode.services.codings import code_span
from qualcode.services.imports import edit_text, import_files, reparse_document
from tests import factories
from tests.test_importers import make_docx, make_pdf

LAYOUTS = {
    "P/W": ("P", "W"),
    "Peneliti/Bu Sri": ("Peneliti", "Bu Sri"),
    "T/J": ("T", "J"),
    "initials": ("PNL", "BLUD-1"),
}
QUESTIONS = ["Bagaimana koordinasi dengan dinas?", "Apa peran warga dalam rapat desa?"]
ANSWERS = ["Koordinasi jalan, tapi anggaran kami terbatas sekali.", "Warga ikut rapat dan mengusulkan jalur evakuasi."]


def lines_of(interviewer: str, informant: str) -> list[str]:
    out = ["Transkrip wawancara", "Catatan: direkam dengan izin."]
    for question, answer in zip(QUESTIONS, ANSWERS, strict=True):
        out += [f"{interviewer}: {question}", f"{informant}: {answer}"]
    return out


def file_of(fmt: str, lines: list[str], blank_lines: bool) -> tuple[str, bytes]:
    if fmt == "txt":
        return "w.txt", ("\n\n" if blank_lines else "\n").join(lines).encode("utf-8")
    if fmt == "docx":
        paragraphs = [p for line in lines for p in ((line, "") if blank_lines else (line,))]
        return "w.docx", make_docx(paragraphs)
    # a PDF's text layer: every turn wrapped after a few words, as pypdf gives it back
    wrapped: list[str] = []
    for line in lines:
        words = line.split()
        wrapped += [" ".join(words[:4]), " ".join(words[4:])] if len(words) > 5 else [line]
        if blank_lines:
            wrapped.append("")
    return "w.pdf", make_pdf([wrapped])


@pytest.mark.parametrize("fmt", ["txt", "docx", "pdf"])
@pytest.mark.parametrize("blank_lines", [True, False], ids=["blank-lines", "no-blank-lines"])
@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_each_format_and_layout_comes_in_as_alternating_turns(session, fmt, blank_lines, layout):
    interviewer, informant = LAYOUTS[layout]
    project = factories.project(session)
    actor = factories.owner(session).id
    report = import_files(session, project.id, [file_of(fmt, lines_of(interviewer, informant), blank_lines)],
                          actor_id=actor)
    assert [o.status for o in report.outcomes] == ["imported"], report.outcomes
    document = session.get(Document, report.outcomes[0].document_ids[0])
    assert document is not None
    turns = sorted(document.turns, key=lambda t: t.start)
    assert [(t.speaker, t.is_interviewer) for t in turns] == [(interviewer, True), (informant, False)] * 2
    assert document.interviewer_label == interviewer
    spoken = [" ".join(document.text[t.text_start:t.end].split()) for t in turns]
    assert spoken == [QUESTIONS[0], ANSWERS[0], QUESTIONS[1], ANSWERS[1]]
    if fmt == "pdf":  # the wrapped lines are joined: each turn is one line again
        assert all("\n" not in document.text[t.text_start:t.end] for t in turns)


def coded_document(session):  # type: ignore[no-untyped-def]
    project = factories.project(session)
    actor = factories.owner(session).id
    codes = factories.codebook(session, project.id, actor)
    text = "Notulen\nKepala Desa: Kami siap.\nPoin: satu.\nBu Sri: Air naik.\nPoin: dua.\nKepala Desa: Baik.\n"
    report = import_files(session, project.id, [("notulen.txt", text.encode())], actor_id=actor)
    document = session.get(Document, report.outcomes[0].document_ids[0])
    return document, actor, codes


def test_reparse_with_the_researchers_speakers_and_interviewer(session):
    document, actor, _ = coded_document(session)
    assert {t.speaker for t in document.turns} == {"Kepala Desa", "Poin"}  # Bu Sri speaks once: not found
    turns = reparse_document(session, document.id, speakers=["Kepala Desa", "Bu Sri"], interviewer="Bu Sri",
                             actor_id=actor)
    session.commit()
    stored = session.scalars(select(Turn).where(Turn.document_id == document.id).order_by(Turn.start)).all()
    assert [(t.speaker, t.is_interviewer) for t in stored] == [("Kepala Desa", False), ("Bu Sri", True),
                                                              ("Kepala Desa", False)]
    assert len(turns) == 3 and "Poin: satu." in document.text[stored[0].start:stored[0].end]
    event = factories.events(session, "document.reparse")[-1]
    assert event.payload["after"]["speakers"] == ["Bu Sri", "Kepala Desa"]


def test_edit_text_keeps_the_speakers_and_is_refused_once_coded(session):
    document, actor, codes = coded_document(session)
    reparse_document(session, document.id, speakers=["Kepala Desa", "Bu Sri"], interviewer="Kepala Desa",
                     actor_id=actor)
    edit_text(session, document.id, document.text.replace("Air naik.", "Air naik dua meter."), actor_id=actor)
    session.commit()
    assert "dua meter" in document.text and document.length == len(document.text)
    assert {t.speaker for t in document.turns} == {"Kepala Desa", "Bu Sri"}
    assert factories.events(session, "document.edit")
    with pytest.raises(ValidationError) as emptied:  # no file is being read: the message says "text"
        edit_text(session, document.id, "  \n ", actor_id=actor)
    assert emptied.value.message("id").endswith("teksnya tidak boleh kosong; untuk membuang dokumen ini, hapus dokumennya.")
    start = document.text.index("Air naik")
    code_span(session, document.id, start, start + 8, next(iter(codes.values())).id, actor_id=actor)
    session.commit()
    with pytest.raises(ConflictError) as err:
        edit_text(session, document.id, "Kepala Desa: lain.\n", actor_id=actor)
    assert "carries a coding already" in err.value.message("en") and "1 pengodean" in err.value.message("id")
    with pytest.raises(ConflictError):
        reparse_document(session, document.id, speakers=None, interviewer=None, actor_id=actor)


def test_rename_and_delete_say_what_goes_and_are_audited(session):
    document, actor, codes = coded_document(session)
    document_service.rename_document(session, document.id, "  Notulen   rapat desa ", actor_id=actor)
    with pytest.raises(ValidationError):
        document_service.rename_document(session, document.id, "  ", actor_id=actor)
    start = document.text.index("Air naik")
    code_span(session, document.id, start, start + 8, next(iter(codes.values())).id, actor_id=actor)
    segment = session.scalar(select(Segment).where(Segment.document_id == document.id))
    assert segment is not None
    session.add(Memo(project_id=document.project_id, segment_id=segment.id, author_id=actor, title="m", body="x"))
    session.add(Memo(project_id=document.project_id, document_id=document.id, author_id=actor, title="d", body="y"))
    session.commit()
    assert document.title == "Notulen rapat desa"
    found = document_dependants(session, document.id)
    assert (found.codings, found.memos) == (1, 2)
    document_id, project_id = document.id, document.project_id
    gone = document_service.delete_document(session, document_id, actor_id=actor)
    session.commit()
    assert (gone.codings, gone.memos) == (1, 2)
    assert session.get(Document, document_id) is None
    assert session.scalar(select(func.count()).select_from(Memo).where(Memo.project_id == project_id)) == 0
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "document.delete"))
    assert event is not None and event.payload["before"]["title"] == "Notulen rapat desa"
    assert event.payload["before"]["codings"] == 1


def test_edit_text_is_refused_while_a_memo_rests_on_an_uncoded_segment(session):
    """An uncoded segment may carry a memo (a coding removed, its memo kept): editing the text would
    delete it with the segment, so the edit is refused, naming the document."""
    from qualcode.services.codings import get_or_create_segment
    from qualcode.services.memos import add_memo

    document, actor, _ = coded_document(session)
    start = document.text.index("Air naik")
    segment = get_or_create_segment(session, document, start, start + 8)
    add_memo(session, document.project_id, "Banjir tahunan?", actor_id=actor, segment_id=segment.id)
    session.commit()
    before = document.text
    with pytest.raises(ConflictError) as err:
        edit_text(session, document.id, before.replace("Air naik.", "Air naik lagi."), actor_id=actor)
    session.rollback()
    assert document.title in err.value.message("en") and "a memo, condensation" in err.value.message("en")
    assert "1 memo, kondensasi" in err.value.message("id")
    assert document.text == before and session.scalar(select(func.count(Memo.id))) == 1
