"""AppTest for the Suggestions page: the queue shows evidence; accept, reject and adjust store decisions."""

from pathlib import Path

import pandas as pd
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from qualcode.db import read_session
from qualcode.models import Code, Coding, Document, Segment
from qualcode.nlp.tables import SuggestionDecision, SuggestionModel
from qualcode.read import suggestions as read_suggestions

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
    # Accepted with an adjusted span: the coding has the new span; the decision stays on the
    # suggestion as proposed, so that card leaves the queue (the next one takes its place).
    at.button(key="qc-adjust-0").click().run()
    proposed = (at.number_input(key="qc-adjust-start-0").value, at.number_input(key="qc-adjust-end-0").value)
    queued = [c.value for c in at.caption if "saran untuk dokumen ini" in c.value]
    assert queued, [c.value for c in at.caption]
    at.number_input(key="qc-adjust-start-0").set_value(proposed[0] + 5).run()
    at.button(key="qc-adjusted-0").click().run()
    assert not at.exception
    adjusted = decisions(demo)[-1]
    assert adjusted[0] == "accepted" and (adjusted[1], adjusted[2]) == proposed
    with read_session(demo) as session:
        segment = session.get(Coding, adjusted[3]).segment
        assert (segment.start, segment.end) == (proposed[0] + 5, proposed[1])
        assert session.scalar(select(Segment.id).where(Segment.start == proposed[0] + 5)) is not None
    assert [c.value for c in at.caption if "saran untuk dokumen ini" in c.value] != queued, "the card left the queue"
    assert "qc-adjust-start-0" not in {n.key for n in at.number_input}, "the form closed once stored"
    assert any("Tingkat penerimaan" in s.value for s in at.subheader)
    at.toggle(key="suggest_show_agreement").set_value(True).run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "agreement" in d.value.columns)
    assert "Peneliti Utama" in set(table["coder"]) and table["accepted"].sum() == 2  # accepted, and accepted as adjusted


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


def test_the_model_in_use_shows_its_own_size_and_a_removed_one_gives_way(demo):
    """The caption names the model this session scores with and the segments *it* was trained on
    (not the newest model's); when newer models have removed it, the page takes the newest."""
    from qualcode.db import unit_of_work
    from qualcode.models import Project
    from qualcode.services import suggestion_models
    from qualcode.services.codings import code_span
    from qualcode.units import document_units

    with read_session(demo) as session:
        pid = session.scalar(select(Project.id))
    first = suggestion_models.train_revision(demo, pid, cross_validate=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("app_pages/suggestions.py").run()

    def in_use() -> str:
        return next(c.value for c in at.caption if c.value.startswith("Model versi"))

    def train_one_more() -> int | None:
        with unit_of_work(demo) as session:
            document = session.scalar(select(Document).order_by(Document.id.desc()))
            code = session.scalar(select(Code).where(Code.key == "trust_building"))
            free = next(u for u in document_units(session, document) if not u.is_interviewer
                        and not session.scalar(select(Segment.id).where(Segment.document_id == document.id,
                                                                       Segment.start == u.text_start)))
            code_span(session, document.id, free.text_start, free.end, code.id, actor_id=1)
        return suggestion_models.train_revision(demo, pid, cross_validate=False)

    with read_session(demo) as session:
        first_examples = session.get(SuggestionModel, first).examples
    assert in_use().startswith(f"Model versi {first}: dilatih pada {first_examples} ")
    second = train_one_more()
    at.run()
    assert any(f"versi {second}" in i.value for i in at.info), "a newer model is offered"
    assert in_use().startswith(f"Model versi {first}: dilatih pada {first_examples} "), in_use()
    third = train_one_more()  # keeps the two newest: the first is removed
    with read_session(demo) as session:
        assert session.get(SuggestionModel, first) is None
        third_examples = session.get(SuggestionModel, third).examples
    at.run()
    assert not at.exception
    assert in_use().startswith(f"Model versi {third}: dilatih pada {third_examples} "), in_use()


def test_the_suggester_tables_speak_the_ui_language(demo):
    """The acceptance rates, the model's quality table and the suggester-as-coder table name their
    columns in the UI language, name each code, and show no raw None where a code has no classifier."""
    from qualcode.models import Project
    from qualcode.services import suggestion_models
    from tests import test_one_language as one_language

    with read_session(demo) as session:
        pid = session.scalar(select(Project.id))
    suggestion_models.train_revision(demo, pid, cross_validate=True)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("app_pages/suggestions.py").run()
    at.button(key="qc-accept-0").click().run()
    at.button(key="qc-reject-0").click().run()
    at.toggle(key="suggest_show_agreement").set_value(True).run()
    assert not at.exception
    tables = {tuple(one_language.headers(d)): d.value for d in at.dataframe}
    assert len(tables) == 3, list(tables)
    shown = [h for hs in tables for h in hs]
    assert [h for h in shown if one_language.english(h)] == [], shown
    assert "Presisi" in shown and "Contoh terkode" in shown and "Pengklasifikasi dipakai" in shown
    assert "coder_id" not in shown and "code_id" not in shown
    quality = next(v for v in tables.values() if "in_use" in v.columns)
    with read_session(demo) as session:
        name = session.scalar(select(Code.name_id).where(Code.key == quality["code"][0]))
    assert quality["name"][0] == name
    assert not one_language.raw_nones(quality)
    # what the cells show: two decimals, and a dash (not "None") where a code has no classifier
    shown_quality = next(d.value for d in at.dataframe if "in_use" in d.value.columns)
    with read_session(demo) as session:
        figures = read_suggestions.model_quality(session, pid).set_index("code")["precision"]
    cells = dict(zip(shown_quality["code"], shown_quality["precision"], strict=True))
    assert figures.isna().any() and figures.notna().any(), figures  # codes with and without a classifier
    for code, figure in figures.items():
        assert cells[code] == ("–" if pd.isna(figure) else f"{figure:.2f}"), (code, cells[code], figure)
