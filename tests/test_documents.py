"""Documents: text normalised once, duplicates and empty texts refused."""

import pytest

from qualcode.errors import ConflictError, ValidationError
from qualcode.services import documents
from tests import factories


def test_document_text_is_normalised_and_duplicates_refused(session):
    project = factories.project(session)
    actor = factories.owner(session).id
    raw = "\ufeffP: Apa kabar?\r\nI: Cafe\u0301 itu\x00 ramai.\r\n"
    doc = documents.add_document(session, project.id, title="W01", text=raw, actor_id=actor,
                                 original_filename="w01.txt")
    assert doc.text == "P: Apa kabar?\nI: Café itu ramai.\n"
    assert doc.length == len(doc.text)
    with pytest.raises(ConflictError) as err:
        documents.add_document(session, project.id, title="again", text=raw.replace("\r\n", "\n"),
                               actor_id=actor, original_filename="copy.txt")
    assert "copy.txt" in str(err.value) and "W01" in str(err.value)
    with pytest.raises(ValidationError) as err:
        documents.add_document(session, project.id, title="x", text=" \n\ufeff", actor_id=actor,
                               original_filename="empty.txt")
    assert "empty.txt" in str(err.value)


def test_rename_to_the_title_of_another_document_is_refused(session):
    project = factories.project(session)
    actor = factories.owner(session).id
    first = factories.document(session, project.id, actor, title="Wawancara Dinkes")
    second = factories.document(session, project.id, actor, text="P: Lain?\nI: Ya.\n", title="Wawancara Bappeda")
    other = factories.project(session, "Studi B")
    factories.document(session, other.id, actor, text="P: Di proyek lain.\nI: Ya.\n", title="Wawancara Camat")
    with pytest.raises(ConflictError) as refused:
        documents.rename_document(session, second.id, "  Wawancara   Dinkes ", actor_id=actor)
    assert refused.value.message("id") == ("Judul 'Wawancara Dinkes' sudah dipakai dokumen lain di proyek ini; "
                                           "pilih judul lain.")
    assert "'Wawancara Dinkes'" in refused.value.message("en")
    assert second.title == "Wawancara Bappeda" and not factories.events(session, "document.rename")
    documents.rename_document(session, first.id, "Wawancara Dinkes", actor_id=actor)  # its own title: no clash
    documents.rename_document(session, second.id, "Wawancara Camat", actor_id=actor)  # another project's: no clash
    assert second.title == "Wawancara Camat"


def test_delete_names_everything_that_goes_and_each_conclusion_keeps_a_trail(session):
    from sqlalchemy import func, select

    from qualcode.analysis.tables import Conclusion, ConclusionEvidence, Condensation, SummarySheet
    from qualcode.models import Memo
    from qualcode.nlp.tables import SuggestionDecision
    from qualcode.read.dependants import document_dependants
    from qualcode.review.comments import add_comment
    from qualcode.review.tables import Comment, ReviewMark
    from qualcode.review.workflow import mark_review
    from qualcode.services import analysis, cases, suggestions
    from qualcode.services.codings import code_span

    project = factories.project(session)
    actor = factories.owner(session).id
    codes = factories.codebook(session, project.id, actor)
    trust, dialogue = codes["trust_building"].id, codes["face_to_face_dialogue"].id
    doomed = factories.document(session, project.id, actor, title="W01 Dinkes")
    kept = factories.document(session, project.id, actor, text="P: Lain?\nI: Kami saling percaya.\n", title="W02")
    start = doomed.text.index("Kami saling percaya")
    coding = code_span(session, doomed.id, start, start + 19, trust, actor_id=actor)
    code_span(session, doomed.id, start, start + 19, dialogue, actor_id=actor)
    later = doomed.text.index("Anggaran")
    other_coding = code_span(session, doomed.id, later, later + 8, trust, actor_id=actor)
    kept_coding = code_span(session, kept.id, kept.text.index("Kami"), len(kept.text) - 1, trust, actor_id=actor)
    session.add_all([Memo(project_id=project.id, document_id=doomed.id, author_id=actor, title="d", body="x"),
                     Memo(project_id=project.id, segment_id=coding.segment_id, author_id=actor, title="s", body="y")])
    analysis.condense_segment(session, project.id, coding.segment_id, trust, "Saling percaya", actor_id=actor)
    analysis.save_summary_sheet(session, project.id, doomed.id, actor_id=actor, main_themes="Kepercayaan",
                                segment_ids=[coding.segment_id])
    losing = analysis.add_conclusion(session, project.id, "Kepercayaan tumbuh lewat rapat informal", actor_id=actor)
    also = analysis.add_conclusion(session, project.id, "Anggaran menghambat kolaborasi", actor_id=actor)
    untouched = analysis.add_conclusion(session, project.id, "Dinas lain juga percaya", actor_id=actor)
    analysis.link_evidence(session, losing.id, coding.segment_id, "supporting", actor_id=actor)
    analysis.link_evidence(session, losing.id, other_coding.segment_id, "contradicting", actor_id=actor)
    analysis.link_evidence(session, also.id, other_coding.segment_id, "supporting", actor_id=actor, note="APBD")
    analysis.link_evidence(session, untouched.id, kept_coding.segment_id, "supporting", actor_id=actor)
    add_comment(session, "Yakin?", actor_id=actor, coding_id=coding.id)
    mark_review(session, "reviewed", actor_id=actor, document_id=doomed.id)
    suggestions.decide(session, project.id, doomed.id, later, later + 8, dialogue, "rejected", actor_id=actor)
    case = cases.save_case(session, project.id, actor_id=actor, pseudonym="Informan A1")
    cases.link_case(session, case.id, doomed.id, actor_id=actor)
    session.flush()

    goes = document_dependants(session, doomed.id)
    assert (goes.codings, goes.memos, goes.condensations, goes.summary_sheets) == (3, 2, 1, 1)
    assert (goes.comments, goes.review_marks, goes.suggestion_decisions, goes.evidence) == (1, 1, 1, 3)
    assert [(c.id, c.statement, c.links) for c in goes.conclusions] == [
        (losing.id, "Kepercayaan tumbuh lewat rapat informal", 2), (also.id, "Anggaran menghambat kolaborasi", 1)]
    assert goes.cases == ("Informan A1",)

    doomed_id = doomed.id
    gone = documents.delete_document(session, doomed_id, actor_id=actor)
    session.flush()
    assert gone == goes
    count = lambda model, *where: session.scalar(select(func.count()).select_from(model).where(*where))  # noqa: E731
    assert count(Condensation) == 0 and count(SummarySheet) == 0 and count(Comment) == 0
    assert count(ReviewMark) == 0 and count(SuggestionDecision) == 0 and count(Memo) == 0
    assert session.scalars(select(ConclusionEvidence.conclusion_id)).all() == [untouched.id]
    assert count(Conclusion) == 3, "the conclusions stay, without the evidence"
    event = factories.events(session, "document.delete")[-1]
    assert {k: event.payload["before"][k] for k in ("codings", "condensations", "summary_sheets", "evidence",
                                                     "conclusions", "cases")} == {
        "codings": 3, "condensations": 1, "summary_sheets": 1, "evidence": 3,
        "conclusions": [losing.id, also.id], "cases": ["Informan A1"]}
    lost = factories.events(session, "evidence.unlink")
    assert sorted((e.payload["before"]["conclusion_id"], e.payload["before"]["stance"]) for e in lost) == sorted(
        [(losing.id, "supporting"), (losing.id, "contradicting"), (also.id, "supporting")])
    assert {(e.payload["before"]["document_id"], e.payload["before"]["document"]) for e in lost} == {
        (doomed_id, "W01 Dinkes")}
    assert all(e.project_id == project.id for e in lost)
