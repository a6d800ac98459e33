"""Write services of the Miles–Huberman workflow and the register's read side: pattern codes,
condensations, ratings, summary sheets, conclusions with history, evidence, tactics,
triangulation and memo search; authorised and audited."""

import pytest
from sqlalchemy import select

from qualcode.analysis import register
from qualcode.analysis.tables import ConclusionChange
from qualcode.errors import ConflictError, PermissionDenied, ValidationError
from qualcode.models import AuditEvent, Code
from qualcode.read import entities as read_entities
from qualcode.services import analysis as svc
from qualcode.services import cases as case_service
from qualcode.services import memos as memo_service
from qualcode.services import projects as project_service
from qualcode.services.codings import code_span
from tests import factories


@pytest.fixture
def setup(session):
    project = factories.project(session)
    uid = factories.owner(session).id
    codes = factories.codebook(session, project.id, uid)
    docs = {}
    for title, kind, group in (("W01", "interview", "pemerintah"), ("W02", "interview", "swasta"),
                               ("O01", "observation", None)):
        doc = factories.document(session, project.id, uid, factories.INTERVIEW + title, title=title)
        doc.kind = kind
        if group:
            case = case_service.save_case(session, project.id, actor_id=uid, pseudonym=f"Inf {title}",
                                          stakeholder_group=group)
            case_service.link_case(session, case.id, doc.id, actor_id=uid)
        docs[title] = doc
    segs = {}
    for title, doc in docs.items():
        coding = code_span(session, doc.id, 3, 30, codes["trust_building"].id, actor_id=uid)
        segs[title] = coding.segment_id
    session.flush()
    return project.id, uid, codes, docs, segs


def test_pattern_code_groups_codes_without_touching_the_codebook(session, setup):
    pid, uid, codes, _, _ = setup
    paths = {c.key: c.path for c in session.scalars(select(Code).where(Code.project_id == pid))}
    pattern = svc.save_pattern_code(session, pid, "Modal sosial", [codes["trust_building"].id,
                                    codes["face_to_face_dialogue"].id], definition="Kepercayaan dan dialog",
                                    actor_id=uid)
    assert {c.key for c in pattern.codes} == {"trust_building", "face_to_face_dialogue"}
    assert {c.key: c.path for c in session.scalars(select(Code).where(Code.project_id == pid))} == paths
    second = svc.save_pattern_code(session, pid, "Dialog", [codes["face_to_face_dialogue"].id], actor_id=uid)
    assert len(second.codes) == 1  # a code may sit in several pattern codes
    with pytest.raises(ConflictError):
        svc.save_pattern_code(session, pid, "Modal sosial", [codes["trust_building"].id], actor_id=uid)
    with pytest.raises(ValidationError):
        svc.save_pattern_code(session, pid, "Kosong", [], actor_id=uid)
    table = register.pattern_code_table(session, pid, "en")
    assert table["name"].tolist() == ["Dialog", "Modal sosial"]
    assert session.scalar(select(AuditEvent.id).where(AuditEvent.action == "pattern_code.save")) is not None


def test_condensation_is_one_line_and_can_be_cleared(session, setup):
    pid, uid, codes, _, segs = setup
    code_id = codes["trust_building"].id
    row = svc.condense_segment(session, pid, segs["W01"], code_id, "  Saling\npercaya  ", actor_id=uid)
    assert row.text == "Saling percaya"
    sheet = register.condensation_sheet(session, pid, code_id)
    assert dict(zip(sheet["segment_id"], sheet["condensation"], strict=True))[segs["W01"]] == "Saling percaya"
    assert svc.condense_segment(session, pid, segs["W01"], code_id, "", actor_id=uid) is None
    with pytest.raises(ValidationError):
        svc.condense_segment(session, pid, segs["W01"], code_id, "x" * 501, actor_id=uid)


def test_summary_sheet_links_only_its_own_segments(session, setup):
    pid, uid, _, docs, segs = setup
    sheet = svc.save_summary_sheet(session, pid, docs["W01"].id, main_themes="Kepercayaan", next_questions="Anggaran?",
                                   segment_ids=[segs["W01"]], actor_id=uid)
    assert [s.id for s in sheet.segments] == [segs["W01"]]
    again = svc.save_summary_sheet(session, pid, docs["W01"].id, main_themes="Koordinasi", actor_id=uid)
    assert again.id == sheet.id and again.main_themes == "Koordinasi" and again.segments == []
    with pytest.raises(ValidationError):
        svc.save_summary_sheet(session, pid, docs["W01"].id, segment_ids=[segs["W02"]], actor_id=uid)


def test_conclusion_history_evidence_tactics_and_triangulation(session, setup):
    pid, uid, codes, _, segs = setup
    conclusion = svc.add_conclusion(session, pid, "Kepercayaan tumbuh dari rapat", code_id=codes["trust_building"].id,
                                    actor_id=uid)
    tri = register.triangulation(session, conclusion.id)
    assert tri["flags"] == ["no_evidence", "no_negative"] and tri["thin"]
    svc.link_evidence(session, conclusion.id, segs["W01"], "supporting", note="rapat mingguan", actor_id=uid)
    tri = register.triangulation(session, conclusion.id)
    assert tri["groups"] == ["pemerintah"] and tri["kinds"] == ["interview"]
    assert {"one_group", "one_kind"} <= set(tri["flags"]) and tri["thin"]
    svc.link_evidence(session, conclusion.id, segs["W02"], "supporting", actor_id=uid)
    svc.link_evidence(session, conclusion.id, segs["O01"], "supporting", actor_id=uid)
    tri = register.triangulation(session, conclusion.id)
    assert tri["groups"] == ["pemerintah", "swasta"] and tri["kinds"] == ["interview", "observation"]
    assert not tri["thin"] and tri["flags"] == ["no_negative"]
    svc.link_evidence(session, conclusion.id, segs["O01"], "contradicting", note="rapat batal", actor_id=uid)
    tri = register.triangulation(session, conclusion.id)
    assert tri["by_kind"].loc["observation"].tolist() == [0, 1]
    evidence = register.evidence_table(session, conclusion.id)
    assert sorted(evidence["stance"]) == ["contradicting", "supporting", "supporting"]
    assert set(evidence["document"]) == {"W01", "W02", "O01"}

    svc.revise_conclusion(session, conclusion.id, status="supported", note="tiga sumber", actor_id=uid)
    svc.revise_conclusion(session, conclusion.id, statement="Kepercayaan tumbuh dari rapat rutin", status="revised",
                          actor_id=uid)
    history = read_entities.conclusion_history(session, conclusion.id)
    assert [(h.old_status, h.status) for h in history] == [(None, "tentative"), ("tentative", "supported"),
                                                           ("supported", "revised")]
    assert history[-1].statement == "Kepercayaan tumbuh dari rapat rutin"
    with pytest.raises(ValidationError):
        svc.revise_conclusion(session, conclusion.id, status="proven", actor_id=uid)

    svc.record_tactic(session, conclusion.id, "looking_for_negative_evidence", note="satu observasi", actor_id=uid)
    svc.record_tactic(session, conclusion.id, "triangulating", actor_id=uid)
    with pytest.raises(ValidationError):
        svc.record_tactic(session, conclusion.id, "guessing", actor_id=uid)
    row = register.conclusion_table(session, pid, "en").iloc[0]
    assert (row["status"], row["supporting"], row["contradicting"]) == ("revised", 2, 1)
    assert row["tactics"] == ["looking_for_negative_evidence", "triangulating"]
    assert row["about"] == "Trust-building"

    svc.delete_conclusion(session, conclusion.id, actor_id=uid)
    session.flush()
    assert session.scalar(select(ConclusionChange.id)) is None


def test_actions_on_a_deleted_conclusion_are_refused_saying_so(session, setup):
    """A page open in another tab still shows a conclusion deleted here: every action on it is
    refused with a message that says it was deleted, and none lands on another conclusion."""
    from qualcode.analysis.tables import ConclusionTactic
    from qualcode.errors import NotFoundError

    pid, uid, _, _, segs = setup
    kept = svc.add_conclusion(session, pid, "Kepercayaan tumbuh dari rapat", actor_id=uid)
    gone = svc.add_conclusion(session, pid, "Komitmen swasta bergantung pada insentif", actor_id=uid)
    gone_id = gone.id
    svc.delete_conclusion(session, gone_id, actor_id=uid)
    session.flush()
    actions = {
        "record_tactic": lambda: svc.record_tactic(session, gone_id, "triangulating", note="x", actor_id=uid),
        "revise_conclusion": lambda: svc.revise_conclusion(session, gone_id, status="supported", actor_id=uid),
        "link_evidence": lambda: svc.link_evidence(session, gone_id, segs["W01"], "supporting", actor_id=uid),
        "delete_conclusion": lambda: svc.delete_conclusion(session, gone_id, actor_id=uid),
    }
    for name, act in actions.items():
        with pytest.raises(NotFoundError) as refused:
            act()
        assert "has been deleted" in refused.value.message("en"), name
        assert "sudah dihapus" in refused.value.message("id"), name
    assert session.scalars(select(ConclusionTactic)).all() == []
    assert [c.statement for c in read_entities.conclusion_history(session, kept.id)] == [kept.statement]


def test_a_revision_that_changes_nothing_stores_nothing(session, setup):
    pid, uid, _, _, _ = setup
    conclusion = svc.add_conclusion(session, pid, "Kepercayaan tumbuh dari rapat", actor_id=uid)
    audited = session.scalars(select(AuditEvent.id)).all()
    assert svc.revise_conclusion(session, conclusion.id, status="tentative", statement=" Kepercayaan tumbuh dari rapat ",
                                 note="  ", actor_id=uid) is None
    assert session.scalars(select(AuditEvent.id)).all() == audited
    assert len(read_entities.conclusion_history(session, conclusion.id)) == 1
    change = svc.revise_conclusion(session, conclusion.id, note="dicek ulang", actor_id=uid)  # a note alone is kept
    assert change is not None and change.note == "dicek ulang"
    assert len(read_entities.conclusion_history(session, conclusion.id)) == 2


def test_ratings_and_permissions(session, setup):
    pid, uid, codes, _, _ = setup
    case = read_entities.list_cases(session, pid)[0]
    rating = svc.rate_case(session, pid, case.id, codes["trust_building"].id, rating="kuat", actor_id=uid)
    svc.rate_case(session, pid, case.id, codes["trust_building"].id, present=True, strength=2, actor_id=uid)
    assert (rating.rating, rating.present, rating.strength) == ("kuat", True, 2)
    with pytest.raises(ValidationError):
        svc.rate_case(session, pid, case.id, codes["trust_building"].id, strength=5, actor_id=uid)
    # Strength is how strongly a present condition shows: marked not present, the cell has none.
    svc.rate_case(session, pid, case.id, codes["trust_building"].id, present=False, strength=1, actor_id=uid)
    assert (rating.present, rating.strength) == (False, None)
    svc.rate_case(session, pid, case.id, codes["trust_building"].id, strength=3, actor_id=uid)  # still not present
    assert (rating.present, rating.strength) == (False, None)
    other = svc.rate_case(session, pid, case.id, codes["collaborative_process"].id, strength=2, actor_id=uid)
    assert (other.present, other.strength) == (None, None)  # not judged: no strength either
    supervisor = project_service.create_user(session, "pembimbing", "Bu Pembimbing")
    project_service.set_member(session, pid, supervisor.id, "supervisor", actor_id=uid)
    with pytest.raises(PermissionDenied):
        svc.add_conclusion(session, pid, "Tidak boleh", actor_id=supervisor.id)


def test_memo_search_finds_title_and_body(session, setup):
    pid, uid, codes, docs, _ = setup
    memo_service.add_memo(session, pid, "Rapat mingguan membangun kepercayaan.", title="Jotting", actor_id=uid)
    memo_service.add_memo(session, pid, "Anggaran APBD", title="Kepercayaan?", code_id=codes["trust_building"].id,
                          actor_id=uid)
    memo_service.add_memo(session, pid, "Lain", document_id=docs["W01"].id, actor_id=uid)
    found = register.search_memos(session, pid, "KEPERCAYAAN")
    assert sorted(found["title"]) == ["Jotting", "Kepercayaan?"]
    assert set(found["on"]) == {"project", "code"}
    assert len(register.search_memos(session, pid)) == 3


def _events(session, action):  # type: ignore[no-untyped-def]
    return len(session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all())


def test_linking_a_segment_again_keeps_its_note_unless_a_new_one_is_given(session, setup):
    """Linking an already-linked segment again: an empty note keeps the stored one and the same
    stance stores nothing ("unchanged"); a new stance or note updates it ("updated"), never a
    second link."""
    pid, uid, _, _, segs = setup
    conclusion = svc.add_conclusion(session, pid, "Kepercayaan tumbuh dari rapat", actor_id=uid)
    first = svc.link_evidence(session, conclusion.id, segs["W01"], "supporting", note="rapat mingguan", actor_id=uid)
    assert first.change == svc.NEW and _events(session, "evidence.link") == 1
    again = svc.link_evidence(session, conclusion.id, segs["W01"], "supporting", note="  ", actor_id=uid)
    assert again.change == svc.UNCHANGED and again.row.id == first.row.id and again.row.note == "rapat mingguan"
    assert _events(session, "evidence.link") == 1  # nothing stored, nothing audited
    flipped = svc.link_evidence(session, conclusion.id, segs["W01"], "contradicting", actor_id=uid)
    assert flipped.change == svc.UPDATED and (flipped.row.stance, flipped.row.note) == ("contradicting",
                                                                                         "rapat mingguan")
    renoted = svc.link_evidence(session, conclusion.id, segs["W01"], "contradicting", note="rapat batal", actor_id=uid)
    assert renoted.change == svc.UPDATED and renoted.row.note == "rapat batal"
    evidence = register.evidence_table(session, conclusion.id)
    assert evidence[["stance", "note"]].values.tolist() == [["contradicting", "rapat batal"]]
    assert _events(session, "evidence.link") == 3


def test_recording_a_tactic_again_keeps_its_note_unless_a_new_one_is_given(session, setup):
    pid, uid, _, _, _ = setup
    conclusion = svc.add_conclusion(session, pid, "Kepercayaan tumbuh dari rapat", actor_id=uid)
    first = svc.record_tactic(session, conclusion.id, "triangulating", note="tiga sumber", actor_id=uid)
    assert first.change == svc.NEW
    again = svc.record_tactic(session, conclusion.id, "triangulating", actor_id=uid)
    assert again.change == svc.UNCHANGED and again.row.note == "tiga sumber"
    assert _events(session, "tactic.record") == 1
    renoted = svc.record_tactic(session, conclusion.id, "triangulating", note="empat sumber", actor_id=uid)
    assert renoted.change == svc.UPDATED and renoted.row.id == first.row.id and renoted.row.note == "empat sumber"
    assert _events(session, "tactic.record") == 2


def test_negative_evidence_sought_and_none_found_is_said_so(session, setup):
    """Without contradicting evidence triangulation says "no_negative" (have you looked?), unless
    the tactic of looking for negative evidence was recorded: then "negative_sought"."""
    pid, uid, _, _, segs = setup
    conclusion = svc.add_conclusion(session, pid, "Kepercayaan tumbuh dari rapat", actor_id=uid)
    svc.link_evidence(session, conclusion.id, segs["W01"], "supporting", actor_id=uid)
    assert "no_negative" in register.triangulation(session, conclusion.id)["flags"]
    svc.record_tactic(session, conclusion.id, "triangulating", actor_id=uid)  # another tactic changes nothing
    assert "no_negative" in register.triangulation(session, conclusion.id)["flags"]
    svc.record_tactic(session, conclusion.id, "looking_for_negative_evidence", actor_id=uid)
    flags = register.triangulation(session, conclusion.id)["flags"]
    assert "negative_sought" in flags and "no_negative" not in flags
    svc.link_evidence(session, conclusion.id, segs["W02"], "contradicting", actor_id=uid)
    flags = register.triangulation(session, conclusion.id)["flags"]
    assert "negative_sought" not in flags and "no_negative" not in flags


def test_pattern_code_names_are_one_whatever_their_letter_case(session, setup):
    pid, uid, codes, _, _ = setup
    trust = codes["trust_building"].id
    kept = svc.save_pattern_code(session, pid, "Modal sosial", [trust], actor_id=uid)
    for name in ("modal sosial", " MODAL Sosial  "):
        with pytest.raises(ConflictError) as err:
            svc.save_pattern_code(session, pid, name, [trust], actor_id=uid)
        assert err.value.key == "analysis.error_pattern_exists" and err.value.params["name"] == "Modal sosial"
    # the pattern code itself may change the case of its own name
    assert svc.save_pattern_code(session, pid, "Modal Sosial", [trust], actor_id=uid,
                                 pattern_code_id=kept.id).name == "Modal Sosial"
    other = svc.save_pattern_code(session, pid, "Modal budaya", [trust], actor_id=uid)
    with pytest.raises(ConflictError):
        svc.save_pattern_code(session, pid, "modal SOSIAL", [trust], actor_id=uid, pattern_code_id=other.id)
    assert sorted(register.pattern_code_table(session, pid)["name"]) == ["Modal Sosial", "Modal budaya"]
