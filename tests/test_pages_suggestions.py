"""AppTest for the Suggestions page: the queue shows evidence; accept, reject and adjust store decisions."""

from pathlib import Path

from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from qualcode.db import read_session
from qualcode.models import Coding, Document, Segment
from qualcode.nlp.tables import SuggestionDecision

ROOT = Path(__file__).resolve().parent.parent


def decisions(engine):
    with read_session(engine) as session:
        rows = session.scalars(select(SuggestionDecision).order_by(SuggestionDecision.id))
        return [(d.decision, d.start, d.end, d.coding_id) for d in rows]


def test_accept_reject_and_adjust(demo):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("app_pages/suggestions.py").run()
    assert not at.exception
    assert any("istilah indikator" in c.value for c in at.caption)
    # The demo's codings have no model yet: the page asked a worker for the first one and says so
    # at once, without speaking of a "last model" there is none of.
    captions = [c.value for c in at.caption]
    assert any("Model pertama" in c and "sedang dilatih" in c for c in captions), captions
    assert not any("model terakhir" in c for c in captions), captions
    at.button(key="qc-accept-0").click().run()
    at.button(key="qc-reject-0").click().run()
    assert not at.exception
    (accepted, rejected) = decisions(demo)
    assert accepted[0] == "accepted" and accepted[3] is not None and rejected[0] == "rejected" and rejected[3] is None
    at.button(key="qc-adjust-0").click().run()
    at.number_input(key="qc-adjust-start-0").set_value(at.number_input(key="qc-adjust-start-0").value + 5).run()
    at.button(key="qc-adjusted-0").click().run()
    adjusted = decisions(demo)[-1]
    with read_session(demo) as session:
        segment = session.get(Coding, adjusted[3]).segment
        assert (segment.start, segment.end) == (adjusted[1], adjusted[2])
        assert session.scalar(select(Segment.id).where(Segment.start == adjusted[1])) is not None
    assert any("Tingkat penerimaan" in s.value for s in at.subheader)
    at.toggle(key="suggest_show_agreement").set_value(True).run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "agreement" in d.value.columns)
    assert "peneliti" in set(table["coder"]) and table["accepted"].sum() == 2  # accepted, and accepted as adjusted


def test_each_document_choice_takes(demo):
    """Choosing documents one after another opens each (a box whose ``index`` followed the choice
    became a new widget every other run and fell back to the previous document)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("app_pages/suggestions.py").run()
    with read_session(demo) as session:
        ids = list(session.scalars(select(Document.id).order_by(Document.title)))
    assert len(ids) >= 3

    def box():  # type: ignore[no-untyped-def]
        return next(b for b in at.selectbox if b.label == "Dokumen")

    for doc_id in (ids[1], ids[2], ids[0], ids[2]):
        box().set_value(doc_id).run()
        assert not at.exception
        assert box().value == doc_id, (doc_id, box().value)
