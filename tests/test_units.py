"""One model of text units: stored turns (with the corrected interviewer), paragraphs, sentences,
documents; the workspace, suggestions and agreement all cut a document the same way."""

import pytest

from qualcode.analysis.agreement import compute_agreement
from qualcode.read import suggestions as read_suggestions
from qualcode.services import codings, projects
from qualcode.services.imports import import_files, set_interviewer
from qualcode.units import document_units, parse_units, sentence_at, sentence_spans
from qualcode.workspace import document_units as workspace_units
from tests import factories

# Neither label is a known one, so the importer guesses the first speaker (RINA, the informant)
# is the interviewer; the researcher corrects it to ANDI.
TRANSCRIPT = (
    "RINA: Kami saling percaya dengan dinas. Kepercayaan itu dibangun lewat rapat.\n"
    "ANDI: Bagaimana membangun kepercayaan dan rasa percaya itu?\n"
    "RINA: Rapat tiap bulan. Kami percaya pada kepala dinas.\n"
    "ANDI: Apakah Bapak percaya pada forum itu?\n"
)


@pytest.fixture
def study(session):
    project = factories.project(session)
    actor = factories.owner(session).id
    codes = factories.codebook(session, project.id, actor)
    report = import_files(session, project.id, [("w.txt", TRANSCRIPT.encode())], actor_id=actor)
    second = projects.create_user(session, "kedua")
    projects.set_member(session, project.id, second.id, "researcher", actor_id=actor)
    session.commit()
    return session, project.id, actor, second.id, codes, report.document_ids[0]


def speakers_of(text, spans):
    """The speaker of the line each span lies on."""
    return {text[text.rfind("\n", 0, a) + 1:a].split(":")[0] for a, _ in spans}


def test_queue_and_agreement_follow_the_corrected_interviewer(study):
    session, pid, actor, second, codes, doc_id = study
    from qualcode.models import Document

    document = session.get(Document, doc_id)
    assert document.interviewer_label == "RINA"  # the importer's wrong guess
    queue = read_suggestions.document_queue(session, pid, doc_id)
    assert queue and speakers_of(TRANSCRIPT, [(i.start, i.end) for i in queue]) == {"ANDI"}

    rina_turns = [u for u in document_units(session, document) if u.speaker == "RINA"]
    for coder in (actor, second):
        codings.code_span(session, doc_id, rina_turns[0].text_start, rina_turns[0].end,
                          codes["face_to_face_dialogue"].id, actor_id=coder)
    codings.code_span(session, doc_id, rina_turns[1].text_start, rina_turns[1].end, codes["face_to_face_dialogue"].id,
                      actor_id=actor)
    session.commit()
    before = compute_agreement(session, pid, document_ids=[doc_id], code_ids=[codes["face_to_face_dialogue"].id],
                               coder_ids=[actor, second], level="turn")
    assert before.summary.iloc[0]["units"] == 2 and before.disagreements.empty  # ANDI's turns, coded by nobody

    set_interviewer(session, doc_id, "ANDI", actor_id=actor)
    session.commit()
    queue = [i for i in read_suggestions.document_queue(session, pid, doc_id)
             if i.suggestion.code_id == "trust_building"]
    assert queue and speakers_of(TRANSCRIPT, [(i.start, i.end) for i in queue]) == {"RINA"}
    asked = read_suggestions.document_queue(session, pid, doc_id, include_interviewer=True)
    assert speakers_of(TRANSCRIPT, [(i.start, i.end) for i in asked]) == {"RINA", "ANDI"}
    after = compute_agreement(session, pid, document_ids=[doc_id], code_ids=[codes["face_to_face_dialogue"].id],
                              coder_ids=[actor, second], level="turn")
    assert (after.summary.iloc[0]["units"], after.summary.iloc[0]["agreed"]) == (2, 1)
    assert list(after.disagreements["start"]) == [rina_turns[1].start]


def test_sentence_agreement_and_sentence_suggestions_use_the_same_sentences(study):
    session, pid, actor, second, codes, doc_id = study
    from qualcode.models import Document

    set_interviewer(session, doc_id, "ANDI", actor_id=actor)
    document = session.get(Document, doc_id)
    sentences = [u for u in document_units(session, document, "sentence") if not u.is_interviewer]
    assert [u.text for u in sentences] == ["Kami saling percaya dengan dinas.", "Kepercayaan itu dibangun lewat rapat.",
                                          "Rapat tiap bulan.", "Kami percaya pada kepala dinas."]
    spans = {(u.text_start, u.end) for u in sentences}
    queue = read_suggestions.document_queue(session, pid, doc_id, unit="sentence")
    assert queue and {(i.start, i.end) for i in queue} <= spans
    codings.code_span(session, doc_id, sentences[0].start, sentences[0].end, codes["trust_building"].id, actor_id=actor)
    result = compute_agreement(session, pid, document_ids=[doc_id], code_ids=[codes["trust_building"].id],
                               coder_ids=[actor, second], level="sentence")
    assert result.summary.iloc[0]["units"] == len(sentences)
    assert [(r.start, r.end) for r in result.disagreements.itertuples()] == [(sentences[0].start, sentences[0].end)]
    # The coding workspace's sentence pick (Alt+click) is the same splitter.
    turn = next(u for u in workspace_units(session, document) if u.speaker == "RINA")
    at = TRANSCRIPT.index("dibangun")
    assert sentence_at(TRANSCRIPT, at, turn.text_start, turn.end) == (sentences[1].start, sentences[1].end)


def test_documents_without_speakers_work_by_paragraphs(session):
    project = factories.project(session)
    actor = factories.owner(session).id
    factories.codebook(session, project.id, actor)
    text = "Laporan rapat.\n\n  Para pihak saling percaya. Kepercayaan tumbuh lewat dialog.  \nAnggaran terbatas…  Lalu apa?\n"
    document = factories.document(session, project.id, actor, text=text, title="Laporan")
    units = document_units(session, document)
    assert [(u.kind, u.text) for u in units] == [
        ("paragraph", "Laporan rapat."),
        ("paragraph", "Para pihak saling percaya. Kepercayaan tumbuh lewat dialog."),
        ("paragraph", "Anggaran terbatas…  Lalu apa?")]
    assert all(text[u.text_start:u.end] == u.text for u in units)
    sentences = [u.text for u in document_units(session, document, "sentence")]
    assert sentences == ["Laporan rapat.", "Para pihak saling percaya.", "Kepercayaan tumbuh lewat dialog.",
                         "Anggaran terbatas…", "Lalu apa?"]
    queue = read_suggestions.document_queue(session, project.id, document.id)
    assert queue and all(text[i.start:i.end] == i.text for i in queue)


def test_raw_text_and_stored_text_give_the_same_units(session):
    project = factories.project(session)
    actor = factories.owner(session).id
    report = import_files(session, project.id, [("w.txt", factories.INTERVIEW.encode())], actor_id=actor)
    from qualcode.models import Document

    document = session.get(Document, report.document_ids[0])
    for kind in ("turn", "paragraph", "sentence", "document"):
        assert parse_units(document.text, kind) == document_units(session, document, kind)
    assert [u.is_interviewer for u in parse_units(document.text)] == [True, False, True, False]


def test_sentences_keep_abbreviations_and_never_cross_lines():
    text = "Bpk. Ahmad datang, dll. lalu pulang. Ya\nTidak"
    assert [text[a:b] for a, b in sentence_spans(text)] == ["Bpk. Ahmad datang, dll. lalu pulang.", "Ya", "Tidak"]
