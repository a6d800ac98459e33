"""AppTest for the Coding page's logic: the document it opens on, search as a list, the segment panel,
and removing a coding (at once when nothing rests on it; else asked first, naming what goes and what
stays). Applying codes happens in the browser component: tests/browser/test_coding.py."""

from pathlib import Path

from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from qualcode.db import read_session, unit_of_work
from qualcode.models import Code, Coding, Document, Segment

ROOT = Path(__file__).resolve().parent.parent


def keys(engine):
    with read_session(engine) as session:
        return sorted((k, s.segment.start, s.segment.end) for s, k in
                      session.execute(select(Coding, Code.key).join(Code, Coding.code_id == Code.id)))


def test_opens_on_the_interview_with_most_codings(demo):
    with read_session(demo) as session:
        busiest = session.execute(
            select(Document.id, func.count(Coding.id)).join(Segment, Segment.document_id == Document.id)
            .join(Coding, Coding.segment_id == Segment.id).where(Document.kind == "interview")
            .group_by(Document.id).order_by(func.count(Coding.id).desc(), Document.title)
        ).first()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("app_pages/coding.py").run()
    assert not at.exception
    assert at.session_state["coding_doc_id"] == busiest[0] and busiest[1] > 0
    assert at.session_state["coding_view"] == "all"  # every coder's codings show by default


def test_window_navigation_and_search_list(demo):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("app_pages/coding.py").run()
    next(t for t in at.text_input if t.label == "Cari dalam teks").set_value("percaya").run()
    assert not at.exception
    assert any(c.value.startswith("1 dari ") for c in at.caption), [c.value for c in at.caption]
    kwic = [b for b in at.button if "»" in b.label]
    assert kwic and all("ercaya" in b.label.split("»")[1].split("«")[0] for b in kwic)
    total = len(kwic)
    if total > 1:
        next(b for b in at.button if b.key == "hit_next").click().run()
        assert any(c.value.startswith("2 dari ") for c in at.caption)


def test_segment_panel_shows_comments_and_history(demo):
    from qualcode.review.comments import add_comment
    from qualcode.services import codings, projects

    with unit_of_work(demo) as session:
        doc = session.scalar(select(Document).where(Document.title.like("Wawancara Kepala Bidang%")))
        owner = projects.get_user_by_login(session, "peneliti")
        trust = session.scalar(select(Code.id).where(Code.key == "trust_building"))
        coding = codings.code_span(session, doc.id, 100, 160, trust, actor_id=owner.id)
        add_comment(session, "Batasnya terlalu lebar?", actor_id=owner.id, coding_id=coding.id)
        doc_id, seg_id = doc.id, coding.segment_id
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("app_pages/coding.py")
    at.session_state["coding_doc_id"] = doc_id
    at.session_state["seg_focus"] = [seg_id]
    at.run()
    assert not at.exception
    assert any("Batasnya terlalu lebar?" in t.value for t in at.text)
    assert any("diterapkan" in c.value and "trust_building" in c.value for c in at.caption)


def test_codebook_page_retrieves_a_code_and_opens_a_segment(demo):
    with read_session(demo) as session:
        code_id, count = session.execute(
            select(Code.id, func.count(Coding.id)).join(Coding, Coding.code_id == Code.id)
            .group_by(Code.id).order_by(func.count(Coding.id).desc())
        ).first()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("app_pages/codebook.py").run()
    at.toggle(key=f"cb_retrieve_{code_id}").set_value(True).run()
    assert not at.exception
    assert any(c.value.startswith(f"{count} segmen") for c in at.caption), [c.value for c in at.caption][:5]
    opener = next(b for b in at.button if b.key and b.key.startswith(f"cb_open_{code_id}_"))
    segment_id = int(opener.key.rsplit("_", 1)[1])
    opener.click().run()
    assert not at.exception
    assert at.session_state["seg_focus"] == [segment_id]
    assert any(t.value == "Pengodean" for t in at.title)


def test_the_open_document_shows_its_progress_live_not_in_the_picker(demo):
    """Coding reruns only the workspace, so the picker's count for the open document would lag
    behind the workspace's: the picker gives the others' progress, the workspace the open one's."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("app_pages/coding.py").run()
    box = next(b for b in at.selectbox if b.label == "Dokumen")
    with read_session(demo) as session:
        title = session.get(Document, at.session_state["coding_doc_id"]).title
    assert title in box.options
    others = [o for o in box.options if o != title]
    assert others and any("giliran informan sudah dikode" in o for o in others)
    assert any("giliran informan sudah dikode" in c.value for c in at.caption), "the workspace shows it"


def focused_on(demo, seg_id: int, doc_id: int, **session_state) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("app_pages/coding.py")
    at.session_state["coding_doc_id"] = doc_id
    at.session_state["seg_focus"] = [seg_id]
    for key, value in session_state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def coded_passage(engine, start: int, end: int):
    """The owner codes [start, end) of an interview with trust_building: the document, the coding,
    the code's id and the owner."""
    from qualcode.services import codings, projects

    with unit_of_work(engine) as session:
        doc = session.scalar(select(Document).where(Document.title.like("Wawancara Kepala Bidang%")))
        owner = projects.get_user_by_login(session, "peneliti")
        trust = session.scalar(select(Code.id).where(Code.key == "trust_building"))
        coding = codings.code_span(session, doc.id, start, end, trust, actor_id=owner.id)
        return doc.id, coding.id, coding.segment_id, owner.id, doc.project_id


def test_removing_a_coding_that_carries_memos_comments_or_evidence_asks_first(demo):
    from qualcode.models import Memo
    from qualcode.review.comments import add_comment
    from qualcode.review.tables import Comment
    from qualcode.services import analysis, memos

    doc_id, coding_id, seg_id, owner, pid = coded_passage(demo, 100, 160)
    with unit_of_work(demo) as session:
        memos.add_memo(session, pid, "Kepercayaan mulai tumbuh.", actor_id=owner, segment_id=seg_id)
        add_comment(session, "Batasnya terlalu lebar?", actor_id=owner, coding_id=coding_id)
        add_comment(session, "Bagian ini penting.", actor_id=owner, segment_id=seg_id)
        conclusion = analysis.add_conclusion(session, pid, "Kepercayaan tumbuh", actor_id=owner)
        analysis.link_evidence(session, conclusion.id, seg_id, "supporting", actor_id=owner)
    at = focused_on(demo, seg_id, doc_id)
    at.button(key=f"remove_{coding_id}").click().run()
    assert not at.exception and not at.error
    assert [w.value for w in at.warning] == [
        "Pengodean ini (Membangun kepercayaan · Peneliti Utama) membawa 1 memo, 2 komentar dan bukti untuk "
        "1 kesimpulan; hapus?"]
    shown = [m.value for m in at.markdown]
    assert "1 komentar pada pengodean ini (utas dan balasannya) ikut terhapus, untuk selamanya." in shown
    assert ("Tetap ada pada bagian teksnya, yang kini tanpa kode: 1 memo, 1 komentar pada bagian teks ini dan "
            "bukti untuk 1 kesimpulan.") in shown
    with read_session(demo) as session:
        assert session.get(Coding, coding_id) is not None, "asking removes nothing"

    at.button(key=f"remove_no_{coding_id}").click().run()  # cancel: the question goes, the coding stays
    assert not at.warning and not [b for b in at.button if b.key == f"remove_yes_{coding_id}"]
    with read_session(demo) as session:
        assert session.get(Coding, coding_id) is not None

    at.button(key=f"remove_{coding_id}").click().run()
    at.button(key=f"remove_yes_{coding_id}").click().run()
    assert not at.exception and not at.error
    with read_session(demo) as session:
        assert session.get(Coding, coding_id) is None
        assert session.get(Segment, seg_id) is not None, "the passage stays for what rests on it"
        assert [m.body for m in session.scalars(select(Memo).where(Memo.segment_id == seg_id))] == [
            "Kepercayaan mulai tumbuh."]
        assert [c.body for c in session.scalars(select(Comment).where(Comment.segment_id == seg_id))] == [
            "Bagian ini penting."], "the comment on the coding went with it"
    assert [what for _, what in at.session_state["undo_stack"]] == ["penghapusan Membangun kepercayaan"]
    assert "coding_remove_ask" not in at.session_state


def test_removing_a_coding_with_nothing_on_it_asks_nothing(demo):
    doc_id, coding_id, seg_id, _, _ = coded_passage(demo, 100, 160)
    at = focused_on(demo, seg_id, doc_id)
    at.button(key=f"remove_{coding_id}").click().run()
    assert not at.exception and not at.error and not at.warning
    with read_session(demo) as session:
        assert session.get(Coding, coding_id) is None and session.get(Segment, seg_id) is None
    assert [what for _, what in at.session_state["undo_stack"]] == ["penghapusan Membangun kepercayaan"]


def test_the_question_says_when_the_passage_keeps_other_codings_in_english(demo):
    from qualcode.services import analysis, codings

    doc_id, coding_id, seg_id, owner, pid = coded_passage(demo, 100, 160)
    with unit_of_work(demo) as session:
        dialogue = session.scalar(select(Code.id).where(Code.key == "face_to_face_dialogue"))
        codings.code_span(session, doc_id, 100, 160, dialogue, actor_id=owner)
        analysis.condense_segment(session, pid, seg_id, session.get(Coding, coding_id).code_id, "Percaya",
                                  actor_id=owner)
    at = focused_on(demo, seg_id, doc_id, lang="en")
    at.button(key=f"remove_{coding_id}").click().run()
    assert [w.value for w in at.warning] == [
        "This coding (Trust-building · Peneliti Utama) carries a condensation under this code; remove it?"]
    assert ("Staying with its passage of text, which keeps its other codings: a condensation under this code."
            in [m.value for m in at.markdown])
