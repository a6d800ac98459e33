"""Displays from the database: frequencies, case- and role-ordered, checklist, cross-framework,
co-occurrence and drill-down, with their filters, on a tiny study with known counts."""

from dataclasses import dataclass

import pytest

from qualcode.analysis import displays as d
from qualcode.codebooks import load_codebook_file
from qualcode.config import CODEBOOKS_DIR
from qualcode.services import analysis as analysis_service
from qualcode.services import cases as case_service
from qualcode.services import codebooks as codebook_service
from qualcode.services import projects as project_service
from qualcode.services.codings import code_span
from qualcode.services.imports import store_turns
from tests import factories

TEXT = (
    "P: Bagaimana koordinasi?\n"
    "I: Kami rapat tiap minggu dan saling percaya. Tapi anggaran kurang.\n"
    "P: Komitmen pimpinan?\n"
    "I: Bupati sangat mendukung program ini.\n"
)


@dataclass
class Study:
    pid: int
    uid: int
    other: int
    ag: int
    nj: int
    code: dict[str, int]
    docs: dict[str, int]
    cases: dict[str, int]


def span(needle: str) -> tuple[int, int]:
    start = TEXT.index(needle)
    return start, start + len(needle)


@pytest.fixture
def study(session) -> Study:
    project = factories.project(session)
    uid = factories.owner(session).id
    other = project_service.create_user(session, "kedua", "Koder Kedua")
    project_service.set_member(session, project.id, other.id, "researcher", actor_id=uid)
    books = {}
    for name in ("ansell_gash_2008", "najam_5c_1995"):
        spec = load_codebook_file(CODEBOOKS_DIR / f"{name}.yaml")
        books[name] = codebook_service.apply_codebook(session, project.id, spec, actor_id=uid).id
    session.flush()
    from qualcode.models import Code

    code = {c.key: c.id for c in session.query(Code).filter(Code.project_id == project.id)}
    docs = {
        "gov": factories.document(session, project.id, uid, TEXT, title="W01 Dinas"),
        "biz": factories.document(session, project.id, uid, TEXT + " ", title="W02 Swasta"),
        "obs": factories.document(session, project.id, uid, TEXT + "  ", title="O01 Rapat"),
    }
    docs["obs"].kind = "observation"
    for key in ("gov", "biz"):
        store_turns(session, docs[key], "P")
    cases = {}
    for key, group in (("gov", "pemerintah"), ("biz", "swasta")):
        case = case_service.save_case(session, project.id, actor_id=uid, pseudonym=f"Informan {key}",
                                      stakeholder_group=group)
        case_service.link_case(session, case.id, docs[key].id, actor_id=uid)
        cases[key] = case.id
    doc_ids = {k: v.id for k, v in docs.items()}
    # W01: dialogue+trust on one segment, supporting commitment on another; a second coder too.
    code_span(session, doc_ids["gov"], *span("rapat tiap minggu"), code["face_to_face_dialogue"], actor_id=uid)
    code_span(session, doc_ids["gov"], *span("rapat tiap minggu"), code["trust_building"], actor_id=uid)
    code_span(session, doc_ids["gov"], *span("rapat tiap minggu"), code["face_to_face_dialogue"], actor_id=other.id)
    for key in ("commitment", "supporting", "collaborative_process"):
        code_span(session, doc_ids["gov"], *span("Bupati sangat mendukung"), code[key], actor_id=uid)
    # W02: inhibiting capacity under starting conditions, and trust in the same turn.
    for key in ("capacity", "inhibiting", "power_resource_knowledge_asymmetries"):
        code_span(session, doc_ids["biz"], *span("anggaran kurang"), code[key], actor_id=uid)
    code_span(session, doc_ids["biz"], *span("saling percaya"), code["trust_building"], actor_id=uid)
    # Observation (no case): dialogue.
    code_span(session, doc_ids["obs"], *span("rapat tiap minggu"), code["face_to_face_dialogue"], actor_id=uid)
    session.flush()
    return Study(project.id, uid, other.id, books["ansell_gash_2008"], books["najam_5c_1995"], code, doc_ids, cases)


def test_code_frequencies_count_segments_documents_and_informants(session, study):
    table = d.code_frequencies(session, study.pid).set_index("key")
    assert table.loc["face_to_face_dialogue", ["codings", "segments", "documents", "informants"]].tolist() == [3, 2, 2, 1]
    assert table.loc["trust_building", ["segments", "documents", "informants"]].tolist() == [2, 2, 2]
    only_second = d.code_frequencies(session, study.pid, d.Filters(coder_ids=(study.other,))).set_index("key")
    assert list(only_second.index) == ["face_to_face_dialogue"]
    interviews = d.code_frequencies(session, study.pid, d.Filters(kinds=("interview",))).set_index("key")
    assert interviews.loc["face_to_face_dialogue", "segments"] == 1
    swasta = d.code_frequencies(session, study.pid, d.Filters(groups=("swasta",))).set_index("key")
    assert set(swasta.index) == {"capacity", "inhibiting", "power_resource_knowledge_asymmetries", "trust_building"}


def test_case_ordered_matrix_counts_a_dimension_with_its_descendants(session, study):
    table = d.case_ordered_matrix(session, study.pid, study.ag, lang="en")
    assert list(table.columns)[:2] == ["Starting conditions", "Institutional design"]
    # W01: the dialogue/trust segment and the commitment segment are both collaborative process.
    assert table.loc[("Informan gov", "pemerintah"), "Collaborative process"] == 2
    assert table.loc[("Informan biz", "swasta"), "Collaborative process"] == 1
    assert table.loc[("Informan biz", "swasta"), "Starting conditions"] == 1
    assert table.loc[("Informan gov", "pemerintah"), "Starting conditions"] == 0


def test_case_ordered_cells_show_condensations_or_ratings(session, study):
    seg = d.cell_segments(session, study.pid, all_of=(study.code["trust_building"],), case_id=study.cases["gov"])
    assert len(seg) == 1
    analysis_service.condense_segment(session, study.pid, int(seg["segment_id"][0]), study.code["trust_building"],
                                      "Rapat rutin membangun rasa percaya", actor_id=study.uid)
    analysis_service.rate_case(session, study.pid, study.cases["gov"], study.code["collaborative_process"],
                               rating="kuat", actor_id=study.uid)
    excerpts = d.case_ordered_matrix(session, study.pid, study.ag, cell="excerpt", lang="en")
    cell = excerpts.loc[("Informan gov", "pemerintah"), "Collaborative process"]
    assert "Rapat rutin membangun rasa percaya" in cell and "“Bupati sangat mendukung”" in cell
    ratings = d.case_ordered_matrix(session, study.pid, study.ag, cell="rating", lang="en")
    assert ratings.loc[("Informan gov", "pemerintah"), "Collaborative process"] == "kuat"
    assert ratings.loc[("Informan biz", "swasta"), "Collaborative process"] == ""


def test_case_ordered_excerpts_find_a_condensation_written_under_a_parent_code(session, study):
    """The Condensation page writes under the code chosen there (often a dimension, listing its
    descendants' segments); the matrix finds it from the code applied, the most specific first,
    and never from a code outside the column."""
    [rapat] = d.cell_segments(session, study.pid, all_of=(study.code["trust_building"],),
                              case_id=study.cases["gov"])["segment_id"].tolist()
    [anggaran] = d.cell_segments(session, study.pid, all_of=(study.code["capacity"],),
                                 case_id=study.cases["biz"])["segment_id"].tolist()
    condense = analysis_service.condense_segment
    condense(session, study.pid, int(rapat), study.code["collaborative_process"], "Dialog rutin menumbuhkan percaya",
             actor_id=study.uid)
    condense(session, study.pid, int(anggaran), study.code["capacity"], "Anggaran kurang (5C)", actor_id=study.uid)
    excerpts = d.case_ordered_matrix(session, study.pid, study.ag, cell="excerpt", lang="en")
    cell = excerpts.loc[("Informan gov", "pemerintah"), "Collaborative process"]
    # The segment carries two codes under the dimension: one condensation, shown once, no quote of it.
    assert cell.count("Dialog rutin menumbuhkan percaya") == 1 and "“rapat tiap minggu”" not in cell, cell
    assert "“Bupati sangat mendukung”" in cell
    starting = excerpts.loc[("Informan biz", "swasta"), "Starting conditions"]
    assert starting == "“anggaran kurang”", "a condensation under another codebook's code is not this column's"
    condense(session, study.pid, int(rapat), study.code["trust_building"], "Saling percaya", actor_id=study.uid)
    cell = d.case_ordered_matrix(session, study.pid, study.ag, cell="excerpt", lang="en").loc[
        ("Informan gov", "pemerintah"), "Collaborative process"]
    assert "Saling percaya" in cell, "the condensation under the code applied wins over its parent's"


def test_role_ordered_matrix_groups_documents_without_case_apart(session, study):
    table = d.role_ordered_matrix(session, study.pid, study.ag, lang="en")
    assert table.loc["pemerintah", "Collaborative process"] == 2
    assert table.loc["swasta", "Starting conditions"] == 1
    assert table.loc[d.NO_GROUP, "Collaborative process"] == 1  # the observation
    only = d.role_ordered_matrix(session, study.pid, study.ag, d.Filters(groups=("swasta",)), lang="en")
    assert list(only.index) == ["swasta"]


def test_checklist_matrix_holds_the_researchers_cells(session, study):
    analysis_service.rate_case(session, study.pid, study.cases["biz"], study.code["starting_conditions"],
                               present=True, strength=3, note="anggaran", actor_id=study.uid)
    table = d.checklist_matrix(session, study.pid, study.ag, lang="en")
    row = table[(table["pseudonym"] == "Informan biz") & (table["dimension"] == "Starting conditions")].iloc[0]
    assert (row["segments"], bool(row["present"]), int(row["strength"]), row["note"]) == (1, True, 3, "anggaran")
    assert row["rating"] == "", "the rating column, empty where none was given"
    assert len(table) == 2 * 5  # two cases x five Ansell & Gash dimensions
    # whole numbers and missing values, not 3.0 and NaN (the merge's floats): so the page, the CSV
    # and the workbook show 3 and a blank
    assert (str(table["strength"].dtype), str(table["present"].dtype)) == ("Int64", "boolean")
    assert int(table["strength"].isna().sum()) == len(table) - 1
    from qualcode.files import writer

    lines = writer.csv_bytes(table).decode("utf-8-sig").splitlines()
    assert any(line.endswith(",True,3,,anggaran") for line in lines)  # no rating: an empty cell
    assert not any(".0," in line for line in lines)
    assert writer.xlsx_bytes(table)  # missing values are empty cells


def test_cross_framework_matrix_splits_by_direction(session, study):
    table = d.cross_framework_matrix(session, study.pid, study.ag, study.nj, lang="en")
    assert table.loc["Collaborative process", ("Commitment", "supporting")] == 1
    assert table.loc["Starting conditions", ("Capacity", "inhibiting")] == 1
    assert int(table.to_numpy().sum()) == 2
    drill = d.cell_segments(session, study.pid, all_of=(study.code["starting_conditions"], study.code["capacity"]),
                            direction="inhibiting")
    assert drill["snippet"].tolist() == ["anggaran kurang"]
    assert drill["informants"].tolist() == ["Informan biz"]


def test_cooccurrence_in_segment_and_in_turn(session, study):
    seg = d.cooccurrence(session, study.pid, lang="en")
    assert seg.loc["Face-to-face dialogue", "Trust-building"] == 1
    assert seg.loc["Trust-building", "Trust-building"] == 2
    assert seg.loc["Capacity", "Trust-building"] == 0
    assert dict(zip(seg.index, seg.attrs["code_ids"], strict=True))["Capacity"] == study.code["capacity"]
    turn = d.cooccurrence(session, study.pid, scope="turn", lang="en")
    assert turn.loc["Capacity", "Trust-building"] == 1  # same turn in W02, different segments
    dims = d.cooccurrence(session, study.pid, level="dimension", lang="en")
    assert dims.loc["Collaborative process", "Commitment"] == 1
    edges = d.cooccurrence_edges(seg)
    assert {"source", "target", "weight"} <= set(edges.columns) and (edges["weight"] >= 1).all()


def test_drill_down_lists_segments_with_document_and_offsets(session, study):
    table = d.cell_segments(session, study.pid, all_of=(study.code["collaborative_process"],), group="pemerintah")
    assert table["document"].tolist() == ["W01 Dinas", "W01 Dinas"]
    start, end = span("rapat tiap minggu")
    first = table.iloc[0]
    assert (first["start"], first["end"], first["snippet"]) == (start, end, "rapat tiap minggu")
    assert first["codes"] == "face_to_face_dialogue, trust_building"


def test_empty_project_gives_empty_displays(session):
    project = factories.project(session, "Kosong")
    assert d.code_frequencies(session, project.id).empty
    assert d.cooccurrence(session, project.id).empty
    assert d.role_ordered_matrix(session, project.id, None).empty


def test_downloads_and_charts(session, study):
    from openpyxl import load_workbook

    from qualcode.analysis import export

    cross = d.cross_framework_matrix(session, study.pid, study.ag, study.nj, lang="en")
    text = export.csv_bytes(cross).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("dimension,Content · supporting")
    import io

    sheet = load_workbook(io.BytesIO(export.xlsx_bytes(cross, "cross"))).active
    assert sheet.title == "cross" and sheet.cell(1, 1).value == "dimension" and sheet.max_row == 6
    freq = d.code_frequencies(session, study.pid)
    svg = export.bar_chart_svg(freq["label"].tolist(), freq["segments"].tolist(), "Segmen")
    assert svg.startswith("<svg") and svg.count("<rect x=") == len(freq)  # a bar each, on a white ground
    edges = d.cooccurrence_edges(d.cooccurrence(session, study.pid))
    edges.loc[0, "source"] = "<script>alert(1)</script>"
    network = export.network_svg(edges)
    assert "<script>" not in network and "&lt;script&gt;" in network
