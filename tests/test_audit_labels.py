"""Every action the code records in the audit trail has a name in both interface languages, and
the Review page's audit trail shows those names, not the recorded keys."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from qualcode.i18n import catalogue
from qualcode.review.tables import REVIEW_STATUSES

ROOT = Path(__file__).resolve().parent.parent
# The expression an action is recorded with (up to the next comma or line end): a literal, or a
# choice between literals ("case.update" if before else "case.add").
SITE = re.compile(r'(?:\baction\s*=\s*|record_change\(\s*session,\s*)([^,\n]+)')
LITERAL = re.compile(r'"([a-z_]+\.[a-z_]+)"')
DYNAMIC = {  # f-string actions: each value they take
    'f"suggestion.{decision}"': [f"suggestion.{d}" for d in ("accepted", "rejected")],
    'f"review.{status}"': [f"review.{s}" for s in REVIEW_STATUSES],
}


def recorded_actions() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "qualcode").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for site in SITE.finditer(text):
            found |= set(LITERAL.findall(site.group(1)))
        for pattern, values in DYNAMIC.items():
            if f"action={pattern}" in text:
                found |= set(values)
        unknown = re.findall(r'action=f"([^"]+)"', text)
        assert all(f'f"{u}"' in DYNAMIC for u in unknown), (path, unknown)
    return found


def test_every_recorded_action_is_named_in_both_languages():
    actions = recorded_actions()
    assert len(actions) > 40, sorted(actions)  # the scan finds them (it would pass on nothing otherwise)
    for lang in ("id", "en"):
        names = catalogue(lang)
        missing = sorted(a for a in actions if f"audit.{a.replace('.', '_')}" not in names)
        assert not missing, (lang, missing)


def test_the_audit_trail_shows_named_actions(demo):
    from sqlalchemy import select

    from qualcode.db import unit_of_work
    from qualcode.models import Code, Project
    from qualcode.services import codes as code_service

    with unit_of_work(demo) as session:
        pid = session.scalar(select(Project.id))
        code = session.scalar(select(Code).where(Code.key == "trust_building"))
        code_service.update_code(session, code.id, actor_id=1, definition="Definisi baru.")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("app_pages/review.py").run()
    at.session_state["review_tab"] = "Jejak audit"  # only the open tab runs
    at.run()
    assert not at.exception
    trail = next(d.value for d in at.dataframe if "Definisi baru." in " ".join(map(str, d.value.to_numpy().ravel())))
    shown = set(trail.iloc[:, 2]) | set(trail.iloc[:, 3])  # the action and entity columns, after time and user
    assert "kode disunting" in shown and "kode" in shown, shown
    assert not any(re.fullmatch(r"[a-z_]+\.[a-z_]+", str(v)) for v in shown), shown
    assert pid is not None


def test_the_audit_trail_shows_states_as_fields_not_json(demo):
    from sqlalchemy import select

    from qualcode.db import unit_of_work
    from qualcode.models import Code
    from qualcode.services import codes as code_service

    long_definition = "Saling percaya\ntumbuh " + "pelan " * 60
    with unit_of_work(demo) as session:
        code = session.scalar(select(Code).where(Code.key == "trust_building"))
        code_service.update_code(session, code.id, actor_id=1, definition=long_definition)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("app_pages/review.py").run()
    at.session_state["review_tab"] = "Jejak audit"
    at.run()
    assert not at.exception
    trail = at.dataframe[-1].value
    row = trail[trail.apply(lambda r: "Saling percaya tumbuh pelan" in " ".join(map(str, r)), axis=1)].iloc[0]
    after = row.iloc[-1]
    assert after.startswith("definisi: Saling percaya tumbuh pelan"), after  # a field in the UI's words, then its value
    assert "{" not in after and '"' not in after and "\n" not in after, after
    assert after.endswith("…") and len(after) < len(long_definition), after  # long texts are cut


def test_the_fields_of_a_study_s_events_are_named_in_both_languages(session):
    """The fields an ordinary study's events record (coding, memos, codes, the analysis, comments)
    each have a name in both languages, so the trail's before and after read in the UI's words."""
    from sqlalchemy import select

    from qualcode import undo
    from qualcode.models import AuditEvent
    from qualcode.review.comments import add_comment
    from qualcode.services import analysis, codes, codings, memos
    from tests import factories

    project = factories.project(session)
    actor = factories.owner(session).id
    book = factories.codebook(session, project.id, actor)
    doc = factories.document(session, project.id, actor)
    code = book["trust_building"].id
    coding = codings.code_span(session, doc.id, 10, 20, code, actor_id=actor)
    memo = memos.add_memo(session, project.id, "catatan", title="Judul", actor_id=actor, segment_id=coding.segment_id)
    memos.update_memo(session, memo.id, "catatan baru", actor_id=actor)
    codes.update_code(session, code, actor_id=actor, definition="Definisi baru.", colour="#123456")
    add_comment(session, "Batasnya?", actor_id=actor, coding_id=coding.id)
    conclusion = analysis.add_conclusion(session, project.id, "Kepercayaan tumbuh", actor_id=actor)
    analysis.link_evidence(session, conclusion.id, coding.segment_id, "supporting", actor_id=actor, note="kuat")
    analysis.record_tactic(session, conclusion.id, "triangulating", actor_id=actor, note="tiga kelompok")
    analysis.condense_segment(session, project.id, coding.segment_id, code, "Saling percaya", actor_id=actor)
    analysis.save_summary_sheet(session, project.id, doc.id, actor_id=actor, main_themes="tema",
                                segment_ids=[coding.segment_id])
    codings.resize_coding(session, coding.id, 8, 30, actor_id=actor)
    entry = undo.removed(coding)
    codings.remove_coding(session, coding.id, actor_id=actor)
    undo.apply_undo(session, entry, actor_id=actor)
    session.flush()
    fields = {key for payload in session.scalars(select(AuditEvent.payload)) for side in ("before", "after")
              if isinstance((payload or {}).get(side), dict) for key in payload[side]}
    assert {"definition", "colour", "start", "end", "code", "body", "statement", "stance"} <= fields, fields
    for lang in ("id", "en"):
        names = catalogue(lang)
        assert not sorted(f for f in fields if f"audit_field.{f}" not in names), lang
    assert catalogue("id")["audit_field.definition"] == "definisi"


def test_readable_states():
    from qualcode.review.queries import readable

    assert readable(None) == ""
    assert readable({"name": "Dialog", "parent": None, "done": True, "codes": ["a", "b"]}) == (
        "name: Dialog · parent: – · done: ✓ · codes: a, b")
    assert readable({"name": "Dialog", "status": "open"}, lambda f: {"name": "nama"}.get(f, f)) == (
        "nama: Dialog · status: open")
    assert readable({"n": 3, "inner": {"x": 1}}) == 'n: 3 · inner: {"x": 1}'
    assert readable("plain") == "plain"


def test_an_edit_shows_only_what_it_changed():
    from qualcode.review.queries import changed, readable

    before = {"key": "trust", "name_id": "Percaya", "definition": "Lama"}
    after = {"key": "trust", "name_id": "Percaya", "definition": "Baru", "colour": "#112233"}
    assert changed(before, after) == ("definition: Lama", "definition: Baru · colour: #112233")
    assert changed(None, {"title": "T"}) == ("", "title: T")
    assert changed(before, dict(before)) == (readable(before), readable(before))  # nothing differs: all shown


def test_every_entity_is_named_in_both_languages():
    """The audit trail's entity column names what was changed: every mapped class an event can be
    recorded on (``services.base.entity_type``: its class name in snake_case) has a name."""
    import qualcode.analysis.tables
    import qualcode.nlp.tables
    import qualcode.review.tables
    import qualcode.security.tables  # noqa: F401 - their classes join the registry
    from qualcode.models import Base
    from qualcode.services.base import entity_type

    entities = {entity_type(mapper.class_.__new__(mapper.class_)) for mapper in Base.registry.mappers}
    assert {"conclusion_tactic", "coding", "turn", "sign_in_attempt"} <= entities, sorted(entities)
    for lang in ("id", "en"):
        names = catalogue(lang)
        assert sorted(e for e in entities if f"audit_entity.{e}" not in names) == [], lang
