"""AppTest for the Coding page's logic: a pending selection, the code picker, apply, remove, undo."""

from pathlib import Path

from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from qualcode.db import read_session, unit_of_work
from qualcode.models import Code, Coding, Document

ROOT = Path(__file__).resolve().parent.parent


def keys(engine):
    with read_session(engine) as session:
        return sorted((k, s.segment.start, s.segment.end) for s, k in
                      session.execute(select(Coding, Code.key).join(Code, Coding.code_id == Code.id)))


def test_apply_a_code_to_the_pending_selection_then_undo(demo):
    with read_session(demo) as session:
        doc = session.scalar(select(Document).where(Document.title.like("Wawancara Kepala Bidang%")))
        trust = session.scalar(select(Code).where(Code.key == "trust_building"))
        start = doc.text.index("masing-masing puskesmas")
    baseline = keys(demo)  # the demo's own codings (two coders, other documents)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("app_pages/coding.py").run()
    at.session_state["coding_doc_id"] = doc.id
    at.session_state["pending"] = {"doc": doc.id, "start": start, "end": start + len("masing-masing puskesmas")}
    at.run()
    assert not at.exception
    picker = next(m for m in at.multiselect if m.label == "Kode yang diterapkan")
    picker.set_value([trust.id]).run()
    next(b for b in at.button if b.label == "Terapkan kode").click().run()
    assert not at.exception
    assert keys(demo) == sorted([*baseline, ("trust_building", start, start + len("masing-masing puskesmas"))])
    next(b for b in at.button if b.label == "Urungkan tindakan terakhir").click().run()
    assert not at.exception
    assert keys(demo) == baseline


def test_supervisor_cannot_apply_codes_and_sees_why(demo):
    from qualcode.services import projects

    with unit_of_work(demo) as session:
        sup = projects.create_user(session, "pembimbing", "Bu Pembimbing")
        project_id = session.scalar(select(Document.project_id))
        owner = projects.get_user_by_login(session, "peneliti")
        projects.set_member(session, project_id, sup.id, "supervisor", actor_id=owner.id)
        doc = session.scalar(select(Document).where(Document.kind == "interview"))
        trust = session.scalar(select(Code.id).where(Code.key == "trust_building"))
        sup_id, doc_id = sup.id, doc.id
    baseline = keys(demo)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("app_pages/coding.py")
    at.session_state["user_id"] = at.session_state["sidebar_user"] = sup_id  # the sidebar picker follows the widget
    at.session_state["coding_doc_id"] = doc_id
    at.session_state["pending"] = {"doc": doc_id, "start": 10, "end": 30}
    at.run()
    next(m for m in at.multiselect if m.label == "Kode yang diterapkan").set_value([trust]).run()
    next(b for b in at.button if b.label == "Terapkan kode").click().run()
    assert any("Bu Pembimbing berperan sebagai pembimbing" in e.value for e in at.error), [e.value for e in at.error]
    assert keys(demo) == baseline


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
