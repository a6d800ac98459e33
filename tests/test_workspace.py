"""The coding workspace's domain: offsets from the browser, windows, chunks, resize, undo."""

import pytest
from sqlalchemy import func, select

from qualcode import undo
from qualcode.analysis.tables import ConclusionEvidence, Condensation, summary_sheet_segments
from qualcode.errors import ConflictError, PermissionDenied
from qualcode.models import Coding, Memo, Segment
from qualcode.review.comments import add_comment
from qualcode.review.tables import Comment
from qualcode.services import analysis, codings, memos, projects
from qualcode.text import codepoint_to_utf16, utf16_to_codepoint
from qualcode.workspace import (
    SegmentView,
    chunks,
    paragraphs,
    search_text,
    window_of_offset,
    windows,
)
from tests import factories

TEXT = "Kami saling percaya 👍 di café. Ke-2 😀😀 emoji dan José."


@pytest.mark.parametrize("needle", ["percaya", "di café", "emoji", "José", "👍", "😀😀"])
def test_browser_utf16_offsets_become_code_points(needle):
    # A browser reports UTF-16 offsets; emoji count 2 there and 1 in Python.
    from qualcode.ui.transcript import selection_span

    start = TEXT.index(needle)
    end = start + len(needle)
    chunk = 0
    selection = {"a": [chunk, codepoint_to_utf16(TEXT, start)], "b": [chunk, codepoint_to_utf16(TEXT, end)]}
    assert selection_span(TEXT, selection) == (start, end)
    assert utf16_to_codepoint(TEXT, codepoint_to_utf16(TEXT, end)) == end


def test_selection_is_trimmed_and_may_run_backwards():
    from qualcode.ui.transcript import selection_span

    start = TEXT.index(" saling ")
    sel = {"a": [0, codepoint_to_utf16(TEXT, start + 8)], "b": [0, codepoint_to_utf16(TEXT, start)]}
    assert TEXT[slice(*selection_span(TEXT, sel))] == "saling"
    assert selection_span(TEXT, {"a": [0, 4], "b": [0, 5]}) is None  # only a space


def test_chunks_split_at_every_boundary_and_keep_overlaps():
    segs = [SegmentView(1, 5, 19), SegmentView(2, 12, 25)]
    out = chunks(TEXT, 0, 30, segs)
    assert [(a, ids) for a, _, ids in out] == [(0, []), (5, [1]), (12, [1, 2]), (19, [2]), (25, [])]
    assert "".join(t for _, t, _ in out) == TEXT[:30]


def test_windows_cover_a_long_text_without_gaps():
    text = "\n".join(f"Paragraf {i} " + "kata " * 200 for i in range(300))
    units = paragraphs(text)
    spans = windows(units, size=12_000)
    assert spans[0][0] == 0 and spans[-1][1] == len(units)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))
    assert all(units[j - 1].end - units[i].start <= 12_000 or j - i == 1 for i, j in spans)
    last = units[-1]
    assert window_of_offset(units, spans, last.start + 3) == len(spans) - 1


def test_search_is_case_insensitive():
    assert search_text(TEXT, "KAMI") == [(0, 4)]
    assert search_text(TEXT, "  ") == []


@pytest.fixture
def world(session):
    project = factories.project(session)
    actor = factories.owner(session).id
    book = factories.codebook(session, project.id, actor)
    doc = factories.document(session, project.id, actor)
    from qualcode.services.imports import store_turns

    store_turns(session, doc)
    return session, project, actor, book, doc


def test_resize_moves_a_lone_segment_with_its_memo(world):
    session, project, actor, book, doc = world
    coding = codings.code_span(session, doc.id, 10, 20, book["trust_building"].id, actor_id=actor)
    memos.add_memo(session, project.id, "catatan", actor_id=actor, segment_id=coding.segment_id)
    codings.resize_coding(session, coding.id, 8, 30, actor_id=actor)
    session.commit()
    (segment,) = session.scalars(select(Segment))
    assert (segment.start, segment.end) == (8, 30)
    assert session.scalar(select(Memo.segment_id)) == segment.id


def test_resize_carries_what_rests_on_a_lone_passage_and_undo_brings_it_back(world):
    """A memo, comments, evidence, a condensation and a summary-sheet place are about the passage:
    when its only coding is resized they follow it (the old passage goes), and undo moves them back."""
    session, project, actor, book, doc = world
    code = book["trust_building"].id
    coding = codings.code_span(session, doc.id, 10, 20, code, actor_id=actor)
    old = coding.segment_id
    memos.add_memo(session, project.id, "catatan", actor_id=actor, segment_id=old)
    add_comment(session, "Batasnya?", actor_id=actor, segment_id=old)
    add_comment(session, "Kode ini tepat?", actor_id=actor, coding_id=coding.id)
    conclusion = analysis.add_conclusion(session, project.id, "Kepercayaan tumbuh", actor_id=actor)
    analysis.link_evidence(session, conclusion.id, old, "supporting", actor_id=actor)
    analysis.condense_segment(session, project.id, old, code, "Saling percaya", actor_id=actor)
    analysis.save_summary_sheet(session, project.id, doc.id, actor_id=actor, segment_ids=[old])
    session.commit()

    def resting() -> set[int]:
        return {*session.scalars(select(Memo.segment_id)), *session.scalars(select(Comment.segment_id)),
                *session.scalars(select(ConclusionEvidence.segment_id)), *session.scalars(select(Condensation.segment_id)),
                *session.scalars(select(summary_sheet_segments.c.segment_id))}

    codings.resize_coding(session, coding.id, 8, 30, actor_id=actor)
    session.commit()
    (segment,) = session.scalars(select(Segment))
    assert (segment.start, segment.end) == (8, 30)
    assert resting() == {segment.id}
    assert session.scalar(select(func.count()).select_from(Comment)) == 2
    undo.apply_undo(session, undo.resized(coding.id, 10, 20), actor_id=actor)
    session.commit()
    (back,) = session.scalars(select(Segment))
    assert (back.start, back.end) == (10, 20) and resting() == {back.id}


def test_resize_onto_a_passage_with_the_same_links_keeps_both(world):
    """Where the new span already carries evidence for the same conclusion (or a condensation under
    the same code), the old link is not dropped: it stays on the old passage, which stays for it."""
    session, project, actor, book, doc = world
    code = book["trust_building"].id
    moving = codings.code_span(session, doc.id, 10, 20, code, actor_id=actor)
    there = codings.code_span(session, doc.id, 8, 30, book["face_to_face_dialogue"].id, actor_id=actor)
    conclusion = analysis.add_conclusion(session, project.id, "Kepercayaan tumbuh", actor_id=actor)
    for segment_id in (moving.segment_id, there.segment_id):
        analysis.link_evidence(session, conclusion.id, segment_id, "supporting", actor_id=actor)
        analysis.condense_segment(session, project.id, segment_id, code, f"ringkas {segment_id}", actor_id=actor)
    old = moving.segment_id
    codings.resize_coding(session, moving.id, 8, 30, actor_id=actor)
    session.commit()
    assert sorted(session.scalars(select(Segment.id))) == sorted([old, there.segment_id])
    assert sorted(session.scalars(select(ConclusionEvidence.segment_id))) == sorted([old, there.segment_id])
    assert sorted(session.scalars(select(Condensation.text))) == [f"ringkas {old}", f"ringkas {there.segment_id}"]


def test_comments_on_a_coding_follow_it_off_a_shared_passage(world):
    session, project, actor, book, doc = world
    a = codings.code_span(session, doc.id, 10, 20, book["trust_building"].id, actor_id=actor)
    codings.code_span(session, doc.id, 10, 20, book["face_to_face_dialogue"].id, actor_id=actor)
    add_comment(session, "Bagian ini?", actor_id=actor, segment_id=a.segment_id)
    add_comment(session, "Kode ini tepat?", actor_id=actor, coding_id=a.id)
    old = a.segment_id
    codings.resize_coding(session, a.id, 10, 25, actor_id=actor)
    session.commit()
    moved = session.get(Coding, a.id).segment_id
    assert dict(session.execute(select(Comment.body, Comment.segment_id)).all()) == {
        "Bagian ini?": old, "Kode ini tepat?": moved}


def test_resize_of_a_shared_segment_leaves_the_others(world):
    session, project, actor, book, doc = world
    a = codings.code_span(session, doc.id, 10, 20, book["trust_building"].id, actor_id=actor)
    codings.code_span(session, doc.id, 10, 20, book["face_to_face_dialogue"].id, actor_id=actor)
    codings.resize_coding(session, a.id, 10, 25, actor_id=actor)
    session.commit()
    assert sorted(session.execute(select(Segment.start, Segment.end)).all()) == [(10, 20), (10, 25)]


def test_undo_reverses_add_remove_memo_and_resize(world):
    session, project, actor, book, doc = world
    code = book["trust_building"].id
    first = codings.code_span(session, doc.id, 0, 10, code, actor_id=actor)
    undo.apply_undo(session, undo.added([first.id]), actor_id=actor)
    assert session.scalar(select(func.count()).select_from(Coding)) == 0
    second = codings.code_span(session, doc.id, 0, 10, code, actor_id=actor)
    entry = undo.removed(second)
    codings.remove_coding(session, second.id, actor_id=actor)
    undo.apply_undo(session, entry, actor_id=actor)
    restored = session.scalar(select(Coding))
    assert (restored.segment.start, restored.segment.end, restored.code_id) == (0, 10, code)
    memo = memos.add_memo(session, project.id, "x", actor_id=actor, segment_id=restored.segment_id)
    undo.apply_undo(session, undo.memo_added(memo), actor_id=actor)
    assert session.scalar(select(func.count()).select_from(Memo)) == 0
    codings.resize_coding(session, restored.id, 0, 15, actor_id=actor)
    undo.apply_undo(session, undo.resized(restored.id, 0, 10), actor_id=actor)
    assert (restored.segment.start, restored.segment.end) == (0, 10)


def test_undo_of_someone_elses_removal_is_refused(world):
    session, project, actor, book, doc = world
    other = projects.create_user(session, "koder2")
    projects.set_member(session, project.id, other.id, "researcher", actor_id=actor)
    coding = codings.code_span(session, doc.id, 0, 10, book["trust_building"].id, actor_id=other.id)
    entry = undo.removed(coding)
    with pytest.raises(PermissionDenied):
        undo.apply_undo(session, entry, actor_id=actor)
    mine = codings.code_span(session, doc.id, 20, 30, book["trust_building"].id, actor_id=other.id)
    with pytest.raises(ConflictError):  # resizing onto a span where the same code is already applied
        codings.resize_coding(session, mine.id, 0, 10, actor_id=other.id)


def test_progress_and_next_uncoded_turn(world):
    session, project, actor, book, doc = world
    # INTERVIEW has two informant turns (2 and 4); code the first.
    turn_text = "Kami saling percaya"
    start = doc.text.index(turn_text)
    codings.code_span(session, doc.id, start, start + len(turn_text), book["trust_building"].id, actor_id=actor)
    session.commit()
    from qualcode.read.views.coding import coded_spans, project_progress, uncoded_turns, units_of

    units = units_of(session, doc.id, doc.text)
    assert project_progress(session, project.id)[doc.id] == (1, 2)
    assert uncoded_turns(units, coded_spans(session, doc.id)) == [4]
    assert uncoded_turns(units, coded_spans(session, doc.id, coder_ids=[999])) == [2, 4]


def test_sentence_at_offset():
    from qualcode.workspace import sentence_at

    text = "P: Apa kabar?\nI: Baik sekali. Kami saling percaya! Anggaran terbatas…  Lalu apa?\n"
    lo = text.index("Baik")
    hi = text.index("\n", lo)
    at = text.index("saling")
    assert text[slice(*sentence_at(text, at, lo, hi))] == "Kami saling percaya!"
    assert text[slice(*sentence_at(text, lo + 1, lo, hi))] == "Baik sekali."
    assert text[slice(*sentence_at(text, hi - 2, lo, hi))] == "Lalu apa?"
