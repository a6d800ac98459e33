"""The Coding page's read model: progress by sweeps, spans to words/sentences/turns, keyword in
context, retrieval by code, quick codes, the page's default document, undo and redo."""

import random

import pytest
from sqlalchemy import and_, exists, func, select

from qualcode import undo
from qualcode.models import Coding, Document, Memo, Segment, Turn
from qualcode.read.views import coding as view
from qualcode.services import cases, codings, memos
from qualcode.workspace import Unit
from tests import factories

LONG = (
    "P: Bagaimana koordinasi antar OPD?\n"
    "I: Kami saling percaya. Rapat tiap bulan di kantor camat! Kadang pakai grup WhatsApp.\n"
    "P: Ada hambatan?\n"
    "I: Anggaran APBD terbatas. Sinyal di desa lemah.\n"
    "P: Bagaimana dengan swasta?\n"
    "I: MoU masih diproses.\n"
)


@pytest.fixture
def world(session):
    project = factories.project(session)
    actor = factories.owner(session).id
    book = factories.codebook(session, project.id, actor)
    doc = factories.document(session, project.id, actor, text=LONG)
    from qualcode.services.imports import store_turns

    store_turns(session, doc)
    session.commit()
    return session, project, actor, book, doc


def _sql_progress(session, project_id):
    """The old correlated-EXISTS formulation, kept here as the reference the sweeps must equal."""
    condition = and_(Segment.document_id == Turn.document_id, Segment.start < Turn.end, Segment.end > Turn.text_start)
    inner = select(Segment.id).join(Coding, Coding.segment_id == Segment.id).where(condition).correlate(Turn)
    rows = session.execute(
        select(Turn.document_id, Turn.number, exists(inner))
        .join(Document, Document.id == Turn.document_id)
        .where(Document.project_id == project_id, Turn.is_interviewer.is_(False))
    )
    out: dict[int, list[tuple[int, bool]]] = {}
    for doc_id, number, coded in rows:
        out.setdefault(doc_id, []).append((number, bool(coded)))
    return out


def test_progress_and_uncoded_turns_equal_the_sql_definition(world):
    session, project, actor, book, doc = world
    rng = random.Random(3)
    for _ in range(12):  # random spans, some across turn boundaries, some inside interviewer turns
        start = rng.randrange(0, doc.length - 5)
        end = min(doc.length, start + rng.randint(1, 60))
        try:
            with session.begin_nested():
                codings.code_span(session, doc.id, start, end, book["trust_building"].id, actor_id=actor)
        except Exception:
            continue
    session.commit()
    reference = _sql_progress(session, project.id)[doc.id]
    units = view.units_of(session, doc.id, doc.text)
    spans = view.coded_spans(session, doc.id)
    assert view.project_progress(session, project.id)[doc.id] == (sum(c for _, c in reference), len(reference))
    assert view.progress_of(units, spans) == (sum(c for _, c in reference), len(reference))
    assert view.uncoded_turns(units, spans) == [n for n, c in reference if not c]


def test_spans_widen_to_words_sentences_and_turns(world):
    session, _, _, _, doc = world
    text = doc.text
    units = view.units_of(session, doc.id, text)
    at = text.index("aling percaya")  # starts inside "saling"
    assert text[slice(*view.extend(text, units, at, at + 8, "word"))] == "saling percaya"
    assert text[slice(*view.extend(text, units, at, at + 8, "sentence"))] == "Kami saling percaya."
    rapat = text.index("bulan di")
    assert text[slice(*view.extend(text, units, rapat, rapat + 3, "sentence"))] == "Rapat tiap bulan di kantor camat!"
    whole = text[slice(*view.extend(text, units, rapat, rapat + 3, "turn"))]
    assert whole == "Kami saling percaya. Rapat tiap bulan di kantor camat! Kadang pakai grup WhatsApp."


def test_keyword_in_context_and_quotes():
    text = "Awal. " + "kata " * 30 + "percaya penuh " + "lagi " * 30
    at = text.index("percaya")
    (hit,) = view.keyword_in_context(text, [(at, at + 7)], width=20)
    assert hit.match == "percaya" and hit.left.startswith("…") and hit.right.endswith("…")
    assert len(hit.left) <= 21 and "  " not in hit.left
    assert view.quote("a" * 300, 200).endswith("…") and len(view.quote("a" * 300, 200)) == 200
    assert view.quote("pendek", 200) == "pendek"


def test_quick_codes_pinned_first_then_recent():
    recent = view.push_recent([], [3, 4])
    assert recent == [4, 3]
    recent = view.push_recent(recent, [3])
    assert recent == [3, 4]
    assert view.quick_codes([9, 4], recent, known=[3, 4, 9]) == [9, 4, 3]
    assert view.quick_codes([7], recent, known=[3, 4]) == [3, 4]  # a deleted pinned code drops out


def test_retrieve_a_code_with_speaker_informant_and_group(world):
    session, project, actor, book, doc = world
    case = cases.save_case(session, project.id, actor_id=actor, pseudonym="Informan A", stakeholder_group="masyarakat")
    cases.link_case(session, case.id, doc.id, actor_id=actor)
    start = doc.text.index("Anggaran")
    codings.code_span(session, doc.id, start, start + 24, book["face_to_face_dialogue"].id, actor_id=actor)
    session.commit()
    table = view.retrieve(session, project.id, book["collaborative_process"].id, lang="en")  # the parent: children too
    assert len(table) == 1
    row = table.iloc[0]
    assert (row.speaker, row.informant, row.group, row.document) == ("I", "Informan A", "masyarakat", "W01")
    assert row.text == "Anggaran APBD terbatas. "[:24] and row.code == "Face-to-face dialogue"
    csv = view.retrieval_csv(table, "id").decode("utf-8-sig")
    assert csv.splitlines()[0] == "dokumen,penutur,informan,kelompok pemangku kepentingan,kode,pengode,teks"
    assert view.retrieve(session, project.id, book["trust_building"].id).empty


def test_page_model_opens_on_the_interview_with_most_codings(world):
    session, project, actor, book, doc = world
    other = factories.document(session, project.id, actor, text="P: Halo?\nI: Ya.\n", title="A-first")
    from qualcode.services.imports import store_turns

    store_turns(session, other)
    session.commit()
    assert view.page_model(session, project.id).default_document == other.id  # nothing coded: the first title
    codings.code_span(session, doc.id, 40, 50, book["trust_building"].id, actor_id=actor)
    session.commit()
    model = view.page_model(session, project.id)
    assert model.default_document == doc.id
    assert view.page_model(session, project.id, model) is model  # same revision: reused


def test_window_segments_bounded_read_equals_the_unbounded_one(world):
    session, _, actor, book, doc = world
    for start, end in ((0, 120), (30, 40), (60, 170), (150, 160)):
        codings.code_span(session, doc.id, start, end, book["trust_building"].id, actor_id=actor)
    session.commit()
    longest = view.longest_segment(session, doc.id)
    assert longest == 120
    for lo, hi in ((0, 20), (100, 140), (155, 158), (165, 200)):
        bounded = view.window_segments(session, doc.id, lo, hi, coder_ids=None, code_ids=None, longest=longest)
        from qualcode.workspace import segments_in_range

        assert [s.id for s in bounded] == [s.id for s in segments_in_range(session, doc.id, lo, hi)]


def test_code_spans_codes_every_hit_once(world):
    session, _, actor, book, doc = world
    hits = [(doc.text.index("percaya"), doc.text.index("percaya") + 7), (doc.text.index("APBD"), doc.text.index("APBD") + 4)]
    made = codings.code_spans(session, doc.id, hits, book["trust_building"].id, actor_id=actor)
    again = codings.code_spans(session, doc.id, hits, book["trust_building"].id, actor_id=actor)
    assert len(made) == 2 and again == []


def test_undo_and_redo_each_kind(world):
    session, project, actor, book, doc = world
    trust = book["trust_building"].id

    def count():
        return session.scalar(select(func.count()).select_from(Coding))

    first = codings.code_span(session, doc.id, 5, 15, trust, actor_id=actor)
    second = codings.code_span(session, doc.id, 20, 30, trust, actor_id=actor)
    redo = undo.apply_undo(session, undo.added([first.id, second.id]), actor_id=actor)
    assert count() == 0 and redo.kind == "removed" and redo.size == 2
    again = undo.apply_undo(session, redo, actor_id=actor)  # redo: both back
    assert count() == 2 and again.kind == "added"
    undo.apply_undo(session, again, actor_id=actor)
    assert count() == 0

    coding = codings.code_span(session, doc.id, 5, 15, trust, actor_id=actor)
    codings.resize_coding(session, coding.id, 3, 18, actor_id=actor)
    back = undo.apply_undo(session, undo.resized(coding.id, 5, 15), actor_id=actor)
    assert (session.get(Coding, coding.id).segment.start, session.get(Coding, coding.id).segment.end) == (5, 15)
    undo.apply_undo(session, back, actor_id=actor)
    assert (session.get(Coding, coding.id).segment.start, session.get(Coding, coding.id).segment.end) == (3, 18)

    memo = memos.add_memo(session, project.id, "catatan", actor_id=actor, segment_id=session.get(Coding, coding.id).segment_id)
    redo = undo.apply_undo(session, undo.memo_added(memo), actor_id=actor)
    assert session.scalar(select(func.count()).select_from(Memo)) == 0
    undo.apply_undo(session, redo, actor_id=actor)
    assert [m.body for m in session.scalars(select(Memo))] == ["catatan"]


def test_units_follow_a_corrected_interviewer_label(world):
    session, _, _, _, doc = world
    before = view.turns_signature(session, doc.id)
    turn = session.scalar(select(Turn).where(Turn.document_id == doc.id, Turn.number == 2))
    turn.is_interviewer = True
    session.flush()
    assert view.turns_signature(session, doc.id) != before
    units = view.units_of(session, doc.id, doc.text)
    assert isinstance(units[0], Unit) and units[1].is_interviewer
