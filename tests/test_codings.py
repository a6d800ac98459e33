"""Coding a span: segments shared by codes and coders, offsets checked, other projects' codes and
non-coding roles refused, segments pruned with their last coding unless something of the analysis
rests on them (then they stay, and undo finds them again); comments on a coding go with it."""

import pytest
from sqlalchemy import func, select

from qualcode import undo
from qualcode.analysis.tables import ConclusionEvidence, Condensation, summary_sheet_segments
from qualcode.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from qualcode.models import Coding, Segment
from qualcode.review.comments import add_comment
from qualcode.review.tables import Comment
from qualcode.services import analysis, codings, memos, projects
from tests import factories


def test_code_span_stores_segment_coding_and_audit(session):
    project = factories.project(session)
    actor = factories.owner(session).id
    codes = factories.codebook(session, project.id, actor)
    doc = factories.document(session, project.id, actor)
    start = doc.text.index("saling percaya")
    end = start + len("saling percaya")
    coding = codings.code_span(session, doc.id, start, end, codes["trust_building"].id, actor_id=actor)
    session.commit()
    assert coding.segment.snippet == "saling percaya"
    assert coding.coder_id == actor
    payload = factories.events(session, "coding.add")[0].payload["after"]
    assert payload == {"document_id": doc.id, "start": start, "end": end, "code": "trust_building",
                       "coder_id": actor}


def test_one_span_carries_several_codes_from_several_coders(session):
    project = factories.project(session)
    actor = factories.owner(session).id
    second = projects.create_user(session, "koder2", "Koder Dua")
    projects.set_member(session, project.id, second.id, "researcher", actor_id=actor)
    codes = factories.codebook(session, project.id, actor)
    doc = factories.document(session, project.id, actor)
    codings.code_span(session, doc.id, 5, 20, codes["trust_building"].id, actor_id=actor)
    codings.code_span(session, doc.id, 5, 20, codes["face_to_face_dialogue"].id, actor_id=actor)
    codings.code_span(session, doc.id, 5, 20, codes["trust_building"].id, actor_id=second.id)
    session.commit()
    assert session.scalar(select(func.count()).select_from(Segment)) == 1
    assert session.scalar(select(func.count()).select_from(Coding)) == 3
    with pytest.raises(ConflictError):
        codings.code_span(session, doc.id, 5, 20, codes["trust_building"].id, actor_id=actor)


@pytest.mark.parametrize("start,end", [(-1, 5), (5, 5), (9, 3), (0, 10_000)])
def test_offsets_outside_the_text_are_refused(session, start, end):
    project = factories.project(session)
    actor = factories.owner(session).id
    codes = factories.codebook(session, project.id, actor)
    doc = factories.document(session, project.id, actor)
    with pytest.raises(ValidationError) as err:
        codings.code_span(session, doc.id, start, end, codes["trust_building"].id, actor_id=actor)
    assert "W01" in str(err.value)


def test_a_code_from_another_project_is_refused(session):
    actor = factories.owner(session).id
    first = factories.project(session, "A")
    other = factories.project(session, "B")
    codes = factories.codebook(session, other.id, actor)
    doc = factories.document(session, first.id, actor)
    with pytest.raises(ValidationError) as err:
        codings.code_span(session, doc.id, 0, 5, codes["trust_building"].id, actor_id=actor)
    assert "another project" in str(err.value)


def test_supervisor_cannot_code_and_non_member_is_refused(session):
    project = factories.project(session)
    actor = factories.owner(session).id
    sup = projects.create_user(session, "pembimbing")
    projects.set_member(session, project.id, sup.id, "supervisor", actor_id=actor)
    stranger = projects.create_user(session, "orang.lain")
    codes = factories.codebook(session, project.id, actor)
    doc = factories.document(session, project.id, actor)
    with pytest.raises(PermissionDenied) as err:
        codings.code_span(session, doc.id, 0, 5, codes["trust_building"].id, actor_id=sup.id)
    assert "supervisor" in str(err.value)
    with pytest.raises(PermissionDenied):
        codings.code_span(session, doc.id, 0, 5, codes["trust_building"].id, actor_id=stranger.id)


def test_removing_the_last_coding_removes_its_segment_unless_a_memo_holds_it(session):
    project = factories.project(session)
    actor = factories.owner(session).id
    codes = factories.codebook(session, project.id, actor)
    doc = factories.document(session, project.id, actor)
    a = codings.code_span(session, doc.id, 0, 10, codes["trust_building"].id, actor_id=actor)
    b = codings.code_span(session, doc.id, 20, 30, codes["trust_building"].id, actor_id=actor)
    memos.add_memo(session, project.id, "penting", actor_id=actor, segment_id=b.segment_id)
    codings.remove_coding(session, a.id, actor_id=actor)
    codings.remove_coding(session, b.id, actor_id=actor)
    session.commit()
    assert [(s.start, s.end) for s in session.scalars(select(Segment))] == [(20, 30)]
    assert factories.events(session, "coding.remove")[0].payload["before"]["code"] == "trust_building"
    with pytest.raises(NotFoundError):
        codings.remove_coding(session, a.id, actor_id=actor)


@pytest.mark.parametrize("rests", ["comment", "evidence", "condensation", "summary_sheet"])
def test_the_last_codings_passage_stays_while_analysis_rests_on_it(session, rests):
    """A comment on the passage, an evidence link, a condensation or a summary-sheet place would go
    with the segment by cascade; the segment stays for them, and undo puts the coding back on it."""
    project = factories.project(session)
    actor = factories.owner(session).id
    code = factories.codebook(session, project.id, actor)["trust_building"].id
    doc = factories.document(session, project.id, actor)
    coding = codings.code_span(session, doc.id, 20, 30, code, actor_id=actor)
    segment_id = coding.segment_id
    table = {"comment": Comment, "evidence": ConclusionEvidence, "condensation": Condensation,
             "summary_sheet": summary_sheet_segments}[rests]
    if rests == "comment":
        add_comment(session, "Batasnya?", actor_id=actor, segment_id=segment_id)
    elif rests == "evidence":
        conclusion = analysis.add_conclusion(session, project.id, "Kepercayaan tumbuh", actor_id=actor)
        analysis.link_evidence(session, conclusion.id, segment_id, "supporting", actor_id=actor)
    elif rests == "condensation":
        analysis.condense_segment(session, project.id, segment_id, code, "Saling percaya", actor_id=actor)
    else:
        analysis.save_summary_sheet(session, project.id, doc.id, actor_id=actor, segment_ids=[segment_id])
    entry = undo.removed(coding)
    codings.remove_coding(session, coding.id, actor_id=actor)
    session.commit()
    assert [s.id for s in session.scalars(select(Segment))] == [segment_id]
    assert session.scalar(select(func.count()).select_from(table)) == 1, f"the {rests} stays"
    undo.apply_undo(session, entry, actor_id=actor)
    session.commit()
    assert session.scalars(select(Coding.segment_id)).all() == [segment_id], "back on the same passage"


def test_comments_on_the_coding_itself_go_with_it(session):
    project = factories.project(session)
    actor = factories.owner(session).id
    code = factories.codebook(session, project.id, actor)["trust_building"].id
    doc = factories.document(session, project.id, actor)
    coding = codings.code_span(session, doc.id, 20, 30, code, actor_id=actor)
    thread = add_comment(session, "Kode ini tepat?", actor_id=actor, coding_id=coding.id)
    add_comment(session, "Ya.", actor_id=actor, parent_id=thread.id)
    codings.remove_coding(session, coding.id, actor_id=actor)
    session.commit()
    assert session.scalar(select(func.count()).select_from(Comment)) == 0
    assert session.scalar(select(func.count()).select_from(Segment)) == 0, "nothing else held the passage"


def test_what_rests_on_a_coding_counts_its_own_comments_and_its_passage_not_its_neighbours(session):
    """The question before a removal: comments on another coding of the same passage are not this
    coding's; a coding with nothing on it or its passage asks nothing."""
    from qualcode.read.dependants import coding_dependants

    project = factories.project(session)
    actor = factories.owner(session).id
    book = factories.codebook(session, project.id, actor)
    doc = factories.document(session, project.id, actor)
    mine = codings.code_span(session, doc.id, 20, 30, book["trust_building"].id, actor_id=actor)
    other = codings.code_span(session, doc.id, 20, 30, book["face_to_face_dialogue"].id, actor_id=actor)
    assert not coding_dependants(session, mine.id).asks
    add_comment(session, "Dialog?", actor_id=actor, coding_id=other.id)
    assert not coding_dependants(session, mine.id).asks, "a neighbour's comment is not this coding's"
    thread = add_comment(session, "Kepercayaan?", actor_id=actor, coding_id=mine.id)
    add_comment(session, "Ya.", actor_id=actor, parent_id=thread.id)
    memos.add_memo(session, project.id, "penting", actor_id=actor, segment_id=mine.segment_id)
    found = coding_dependants(session, mine.id)
    assert (found.coding_comments, found.memos, found.passage_comments, found.other_codings) == (2, 1, 0, 1)
    assert found.asks and found.stays == 1
    assert not coding_dependants(session, 10_000).asks, "a coding gone meanwhile"
