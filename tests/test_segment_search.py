"""Searching every segment of a project (read/segment_search) and the Conclusions page's evidence
picker built on it (read/views/conclusions): text, code with sub-codes, informant, group, kind,
paging; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from qualcode.read.filters import Filters
from qualcode.read.segment_search import search_segments
from qualcode.read.views import conclusions as view
from qualcode.services import analysis as analysis_service
from qualcode.services import cases as case_service
from qualcode.services.codings import code_span
from tests import factories

DOCS = {  # title -> kind, stakeholder group (None: no case), text, [(phrase, code key)]
    "W01": ("interview", "pemerintah", "I: Kami saling percaya antar OPD.\nI: Rapat rutin tiap bulan.\n",
            [("Kami saling percaya antar OPD.", "trust_building"), ("Rapat rutin tiap bulan.", "face_to_face_dialogue")]),
    "W02": ("interview", "swasta", "I: Operator swasta PERCAYA pada dinas.\nI: Anggaran 50%_naik.\n",
            [("Operator swasta PERCAYA pada dinas.", "trust_building"), ("Anggaran 50%_naik.", "collaborative_process")]),
    "O01": ("observation", None, "Catatan: rapat koordinasi dihadiri warga dan dinas.\n",
            [("rapat koordinasi dihadiri warga dan dinas.", "face_to_face_dialogue")]),
}


@pytest.fixture
def study(session):
    project = factories.project(session)
    uid = factories.owner(session).id
    codes = factories.codebook(session, project.id, uid)
    cases, segments = {}, {}
    for title, (kind, group, text, spans) in DOCS.items():
        doc = factories.document(session, project.id, uid, text, title=title)
        doc.kind = kind
        if group:
            case = case_service.save_case(session, project.id, actor_id=uid, pseudonym=f"Inf {title}",
                                          stakeholder_group=group)
            case_service.link_case(session, case.id, doc.id, actor_id=uid)
            cases[title] = case.id
        for phrase, key in spans:
            start = text.index(phrase)
            segments[phrase] = code_span(session, doc.id, start, start + len(phrase), codes[key].id,
                                         actor_id=uid).segment_id
    # Another project's segment with the same words must never show.
    other = factories.project(session, "Studi B")
    other_doc = factories.document(session, other.id, uid, "I: Kami saling percaya juga.\n", title="X01")
    other_codes = factories.codebook(session, other.id, uid)
    code_span(session, other_doc.id, 3, 20, other_codes["trust_building"].id, actor_id=uid)
    session.flush()
    return project.id, uid, codes, cases, segments


def snippets(found) -> set[str]:  # type: ignore[no-untyped-def]
    return set(found.rows["snippet"])


def test_every_segment_without_filters_and_only_this_project(session, study):
    pid, *_ = study
    found = search_segments(session, pid)
    assert found.total == 5 and len(found.rows) == 5
    assert list(found.rows["document"]) == ["O01", "W01", "W01", "W02", "W02"]  # document order, then position
    assert set(found.rows.columns) >= {"segment_id", "document", "kind", "snippet", "informants", "groups", "codes"}


def test_text_is_case_insensitive_every_word_any_order_and_literal(session, study):
    pid, *_ = study
    assert snippets(search_segments(session, pid, text="percaya")) == {
        "Kami saling percaya antar OPD.", "Operator swasta PERCAYA pada dinas."}
    assert snippets(search_segments(session, pid, text="  dinas   RAPAT ")) == {
        "rapat koordinasi dihadiri warga dan dinas."}
    assert snippets(search_segments(session, pid, text="50%_")) == {"Anggaran 50%_naik."}
    assert search_segments(session, pid, text="%").total == 1  # a wildcard character is taken literally
    assert search_segments(session, pid, text="_").total == 1
    assert search_segments(session, pid, text="tidak ada").total == 0


def test_code_codebook_and_coder_filters(session, study):
    pid, uid, codes, _, _ = study
    process = search_segments(session, pid, Filters(code_ids=[codes["collaborative_process"].id]))
    assert snippets(process) == {"Rapat rutin tiap bulan.", "Anggaran 50%_naik.",
                                 "rapat koordinasi dihadiri warga dan dinas."}
    trust = search_segments(session, pid, Filters(code_ids=[codes["trust_building"].id]), "dinas")
    assert snippets(trust) == {"Operator swasta PERCAYA pada dinas."}
    assert set(trust.rows["codes"]) == {"trust_building"}
    book = codes["trust_building"].codebook_id
    assert search_segments(session, pid, Filters(codebook_ids=[book])).total == 5
    assert search_segments(session, pid, Filters(codebook_ids=[0])).total == 0  # no inductive codes here
    assert search_segments(session, pid, Filters(code_ids=[codes["trust_building"].id], codebook_ids=[0])).total == 0
    assert search_segments(session, pid, Filters(coder_ids=[uid])).total == 5
    assert search_segments(session, pid, Filters(coder_ids=[uid + 1000])).total == 0


def test_informant_group_and_kind_filters(session, study):
    pid, _, _, cases, _ = study
    assert set(search_segments(session, pid, Filters(groups=["swasta"])).rows["document"]) == {"W02"}
    assert set(search_segments(session, pid, Filters(case_ids=[cases["W01"]])).rows["informants"]) == {"Inf W01"}
    assert snippets(search_segments(session, pid, Filters(kinds=["observation"]))) == {
        "rapat koordinasi dihadiri warga dan dinas."}
    assert search_segments(session, pid, Filters(kinds=["document"])).total == 0
    both = search_segments(session, pid, Filters(groups=["pemerintah", "swasta"], kinds=["interview"]), "rapat")
    assert snippets(both) == {"Rapat rutin tiap bulan."}


def test_pages_are_bounded_and_counted(session, study):
    pid, *_ = study
    everything = list(search_segments(session, pid).rows["segment_id"])
    second = search_segments(session, pid, offset=2, limit=2)
    assert second.total == 5 and second.pages == 3 and list(second.rows["segment_id"]) == everything[2:4]
    last = search_segments(session, pid, offset=4, limit=2)
    assert list(last.rows["segment_id"]) == everything[4:] and last.page == 3
    past = search_segments(session, pid, offset=100, limit=2)  # filters left fewer pages: the last one
    assert (past.offset, past.page, list(past.rows["segment_id"])) == (4, 3, everything[4:])
    assert search_segments(session, pid, text="tidak ada", offset=100).offset == 0
    assert search_segments(session, pid, limit=10_000).limit == 500  # never an unbounded page


def test_evidence_picker_starts_at_the_dimension_and_reaches_other_groups(session, study):
    pid, uid, codes, cases, segments = study
    conclusion = analysis_service.add_conclusion(session, pid, "Kepercayaan tumbuh.",
                                                 code_id=codes["trust_building"].id, actor_id=uid)
    detail = view.conclusion_detail(session, pid, conclusion.id)
    assert detail.default_code_ids == (codes["trust_building"].id,)
    own = view.find_evidence(session, pid, conclusion.id, view.EvidenceQuery(code_ids=detail.default_code_ids))
    assert own.total == 2
    analysis_service.link_evidence(session, conclusion.id, segments["Kami saling percaya antar OPD."], "supporting",
                                   actor_id=uid)
    assert view.conclusion_detail(session, pid, conclusion.id).triangulation["flags"][:1] == ["one_group"]
    # The filter cleared, a text search finds evidence under another code, in another group and kind.
    elsewhere = view.find_evidence(session, pid, conclusion.id, view.EvidenceQuery(text="rapat", kinds=("observation",)))
    assert list(elsewhere.rows["snippet"]) == ["rapat koordinasi dihadiri warga dan dinas."]
    private = view.find_evidence(session, pid, conclusion.id, view.EvidenceQuery(text="percaya", groups=("swasta",)))
    assert list(private.rows["linked"]) == [""]
    analysis_service.link_evidence(session, conclusion.id, int(private.rows["segment_id"].iloc[0]), "supporting",
                                   actor_id=uid)
    tri = view.conclusion_detail(session, pid, conclusion.id).triangulation
    assert tri["groups"] == ["pemerintah", "swasta"] and "one_group" not in tri["flags"]
    linked = view.find_evidence(session, pid, conclusion.id, view.EvidenceQuery(text="percaya"))
    assert list(linked.rows["linked"]) == ["supporting", "supporting"]
    choices = view.evidence_choices(session, pid)
    assert choices.groups == ["pemerintah", "swasta"] and set(choices.cases) == set(cases.values())


def test_evidence_picker_defaults_to_a_themes_codes(session, study):
    pid, uid, codes, _, _ = study
    theme = analysis_service.save_pattern_code(session, pid, "Modal sosial",
                                               [codes["trust_building"].id, codes["face_to_face_dialogue"].id],
                                               actor_id=uid)
    conclusion = analysis_service.add_conclusion(session, pid, "Modal sosial.", pattern_code_id=theme.id, actor_id=uid)
    detail = view.conclusion_detail(session, pid, conclusion.id)
    assert sorted(detail.default_code_ids) == sorted([codes["trust_building"].id, codes["face_to_face_dialogue"].id])
    found = view.find_evidence(session, pid, conclusion.id, view.EvidenceQuery(code_ids=detail.default_code_ids))
    assert found.total == 4
    plain = analysis_service.add_conclusion(session, pid, "Tanpa dimensi.", actor_id=uid)
    assert view.conclusion_detail(session, pid, plain.id).default_code_ids == ()
