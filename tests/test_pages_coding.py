"""AppTest for the Coding page's logic: the document it opens on, search as a list, the segment panel.
Applying codes happens in the browser component: tests/browser/test_coding.py."""

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
