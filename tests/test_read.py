"""The read side: one coding frame with one Filters, one set of code helpers, named measures, and
the two read bugs the old copies had (codes column cut at 30,000 segments; the conclusions
register reading every project's evidence)."""

from __future__ import annotations

from sqlalchemy import event, insert, select

from qualcode.analysis import register
from qualcode.models import Coding, Segment
from qualcode.read import codes as read_codes
from qualcode.read import entities, measures
from qualcode.read.filters import INDUCTIVE, Filters
from qualcode.read.frame import DETAIL_COLUMNS, coding_frame, segment_table
from qualcode.services import analysis as analysis_service
from qualcode.services import codes as code_service
from qualcode.services.codings import code_span
from tests import factories
from tests.test_displays import span, study  # noqa: F401  (the tiny study with known counts)


def test_filters_normalise_lists_and_none_to_tuples():
    f = Filters(code_ids=[3, 4], coder_ids=None, kinds=["interview"])
    assert (f.code_ids, f.coder_ids, f.kinds) == ((3, 4), (), ("interview",))
    assert f == Filters(code_ids=(3, 4), kinds=("interview",))
    assert f.but(code_ids=()).code_ids == () and f.selects_documents
    assert not Filters(code_ids=(1,), coder_ids=(2,)).selects_documents


def test_frame_one_row_per_coding_with_the_filters(session, study):  # noqa: F811
    frame = coding_frame(session, study.pid)
    assert len(frame) == 11 and frame["coding_id"].is_unique
    assert len(coding_frame(session, study.pid, Filters(coder_ids=(study.other,)))) == 1
    under = coding_frame(session, study.pid, Filters(code_ids=(study.code["collaborative_process"],)))
    keys = {k for k, i in study.code.items() if i in set(under["code_id"])}
    assert keys == {"collaborative_process", "face_to_face_dialogue", "trust_building"}
    assert set(coding_frame(session, study.pid, Filters(kinds=("observation",)))["document_id"]) == {study.docs["obs"]}
    assert set(coding_frame(session, study.pid, Filters(groups=("swasta",)))["document_id"]) == {study.docs["biz"]}
    assert set(coding_frame(session, study.pid, Filters(case_ids=(study.cases["gov"],)))["document_id"]) == {
        study.docs["gov"]}
    assert set(coding_frame(session, study.pid, Filters(document_ids=(study.docs["obs"],)))["document_id"]) == {
        study.docs["obs"]}
    najam = coding_frame(session, study.pid, Filters(codebook_ids=(study.nj,)))
    assert {k for k, i in study.code.items() if i in set(najam["code_id"])} == {"commitment", "supporting", "capacity",
                                                                                  "inhibiting"}


def test_detail_frame_carries_what_a_person_reads(session, study):  # noqa: F811
    frame = coding_frame(session, study.pid, detail=True, lang="en")
    assert list(frame.columns) == DETAIL_COLUMNS
    row = frame[(frame["code_key"] == "face_to_face_dialogue") & (frame["coder_login"] == "kedua")].iloc[0]
    assert (row.document, row.kind, row.cases, row.groups) == ("W01 Dinas", "interview", "Informan gov", "pemerintah")
    assert row.speaker == "I" and row.turn_id is not None  # the informant's turn the segment starts in
    assert row.code == "Face-to-face dialogue" and row.code_path.endswith("/face_to_face_dialogue")
    assert row.dimension == "Collaborative process" and row.codebook == "ansell_gash_2008"
    assert row.text == "rapat tiap minggu" and row.coder == "Koder Kedua"
    obs = frame[frame["document_id"] == study.docs["obs"]].iloc[0]
    assert (obs.cases, obs.groups, obs.speaker) == ("", "", "")  # no case, no turns
    assert list(frame["document"]) == sorted(frame["document"])  # ordered by document, then position
    quick = coding_frame(session, study.pid, detail=True, speakers=False)
    assert (quick["speaker"] == "").all() and quick["turn_id"].isna().all() and len(quick) == len(frame)


def test_inductive_codes_filter_as_codebook_zero(session):
    project = factories.project(session)
    uid = factories.owner(session).id
    codes = factories.codebook(session, project.id, uid)
    doc = factories.document(session, project.id, uid)
    loose = code_service.create_code(session, project.id, "Anggaran", actor_id=uid)
    code_span(session, doc.id, 3, 10, loose.id, actor_id=uid)
    code_span(session, doc.id, 3, 10, codes["trust_building"].id, actor_id=uid)
    only = coding_frame(session, project.id, Filters(codebook_ids=(INDUCTIVE,)))
    assert list(only["code_id"]) == [loose.id]


def test_one_label_rule_and_tree_order(session):
    assert read_codes.label("Kepercayaan", "Trust", "trust", "en") == "Trust"
    assert read_codes.label("Kepercayaan", "", "trust", "en") == "Kepercayaan"
    assert read_codes.label("", "", "trust", "id") == "trust"
    project = factories.project(session)
    uid = factories.owner(session).id
    codes = factories.codebook(session, project.id, uid)
    assert codes["trust_building"].label("en") == "Trust-building"
    ordered = [c.key for c in read_codes.tree_sorted(list(codes.values()))]
    assert ordered == ["trust_building", "collaborative_process", "face_to_face_dialogue"]
    keys = read_codes.tree_order(session, project.id)
    assert sorted(keys, key=keys.get) == ["trust_building", "collaborative_process",
                                          "collaborative_process/face_to_face_dialogue"]


def test_descendants_take_an_underscore_literally(session):
    """``a_b/%`` in SQL LIKE also matches ``axb/...``: descendants must not."""
    project = factories.project(session)
    uid = factories.owner(session).id
    a_b = code_service.create_code(session, project.id, "A B", key="a_b", actor_id=uid)
    axb = code_service.create_code(session, project.id, "AXB", key="axb", actor_id=uid)
    child = code_service.create_code(session, project.id, "Anak", key="anak", parent_id=axb.id, actor_id=uid)
    session.flush()
    assert read_codes.descendants(session, a_b) == []
    assert read_codes.descendants(session, axb) == [child]
    assert read_codes.is_within(child.path, axb.path) and not read_codes.is_within(child.path, a_b.path)
    frame = read_codes.code_frame(session, project.id)
    assert sorted(read_codes.descendant_ids(frame, [axb.id])) == sorted([axb.id, child.id])
    code_service.delete_code(session, a_b.id, actor_id=uid)  # no children: it may go


def test_measures_have_one_meaning_each(session, study):  # noqa: F811
    freq = measures.code_frequencies(session, study.pid).set_index("key")
    assert freq.loc["trust_building", ["codings", "segments", "documents", "informants"]].tolist() == [2, 2, 2, 2]
    by_coder = measures.code_breakdown(session, study.pid, "coder")
    assert set(by_coder.columns) == {"code", "by", "codings"}
    assert by_coder[by_coder["by"] == "Koder Kedua"]["codings"].sum() == 1
    by_group = measures.code_breakdown(session, study.pid, "group")
    assert set(by_group["by"]) == {"pemerintah", "swasta", measures.NO_GROUP}
    coverage = measures.coding_coverage(session, study.pid)
    gov = coverage[(coverage["document"] == "W01 Dinas") & (coverage["coder"] == "Koder Kedua")].iloc[0]
    assert (gov.codings, gov.characters) == (1, len("rapat tiap minggu"))


def test_segment_table_fills_the_codes_of_every_segment_past_30000(session):
    project = factories.project(session)
    uid = factories.owner(session).id
    codes = factories.codebook(session, project.id, uid)
    n = 30_050
    doc = factories.document(session, project.id, uid, "ab" * n, title="Panjang")
    session.flush()
    session.execute(insert(Segment), [{"document_id": doc.id, "start": 2 * i, "end": 2 * i + 1, "snippet": "a"}
                                      for i in range(n)])
    ids = list(session.scalars(select(Segment.id).where(Segment.document_id == doc.id).order_by(Segment.start)))
    session.execute(insert(Coding), [{"segment_id": s, "code_id": codes["trust_building"].id, "coder_id": uid}
                                     for s in ids])
    table = segment_table(session, project.id, ids)
    assert len(table) == n
    assert (table["codes"] == "trust_building").all()  # the last 50 too


def test_conclusion_register_reads_only_its_own_project(session, study):  # noqa: F811
    mine = analysis_service.add_conclusion(session, study.pid, "Rapat rutin membangun kepercayaan", actor_id=study.uid)
    segment = session.scalar(select(Segment.id).where(Segment.document_id == study.docs["gov"]))
    analysis_service.link_evidence(session, mine.id, segment, "supporting", actor_id=study.uid)
    analysis_service.record_tactic(session, mine.id, "triangulating", actor_id=study.uid)
    other = factories.project(session, "Studi B")
    other_doc = factories.document(session, other.id, study.uid, "I: Anggaran kurang sekali.\n", title="B01")
    other_codes = factories.codebook(session, other.id, study.uid)
    coding = code_span(session, other_doc.id, 3, 11, other_codes["trust_building"].id, actor_id=study.uid)
    theirs = analysis_service.add_conclusion(session, other.id, "Anggaran menghambat", actor_id=study.uid)
    analysis_service.link_evidence(session, theirs.id, coding.segment_id, "contradicting", actor_id=study.uid)
    analysis_service.record_tactic(session, theirs.id, "triangulating", actor_id=study.uid)
    session.flush()

    statements: list[tuple[str, object]] = []
    engine = session.get_bind()

    def spy(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", spy)
    try:
        table = register.conclusion_table(session, study.pid)
    finally:
        event.remove(engine, "before_cursor_execute", spy)
    assert table[["statement", "supporting", "contradicting"]].values.tolist() == [
        ["Rapat rutin membangun kepercayaan", 1, 0]]
    assert table["tactics"].tolist() == [["triangulating"]]
    # Every evidence or tactic row the register fetched belongs to this project's conclusions.
    reads = [(s, p) for s, p in statements if "conclusion_evidence" in s or "conclusion_tactics" in s]
    assert reads
    for statement, parameters in reads:
        rows = session.connection().exec_driver_sql(statement, parameters).all()
        assert all(row[0] == mine.id for row in rows), statement


def test_entities_lists_read_without_the_services(session, study):  # noqa: F811
    assert [u.login for u, _ in entities.members(session, study.pid)] == ["kedua", "peneliti"]
    assert entities.project_owner(session, study.pid).login == "peneliti"
    assert [d.title for d in entities.list_documents(session, study.pid)] == ["O01 Rapat", "W01 Dinas", "W02 Swasta"]
    assert [b.key for b in entities.list_codebooks(session, study.pid)] == ["ansell_gash_2008", "najam_5c_1995"]
    assert entities.coding_count(session, study.code["trust_building"]) == 2
    assert len(entities.codings_for_document(session, study.docs["gov"])) == 6
    spec = entities.codebook_spec(session, study.nj)
    assert spec.codebook.id == "najam_5c_1995" and spec.codes
