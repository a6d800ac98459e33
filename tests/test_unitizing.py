"""Krippendorff's unitizing alpha against the worked examples of Krippendorff (1995, 2004)."""

import math

import pandas as pd
import pytest

from qualcode.analysis.unitizing import (
    OVERALL,
    expected_disagreement,
    observed_disagreement,
    sections,
    unitizing_alpha,
    verdict,
)

COLUMNS = ["coder", "code", "document", "start", "end"]


def frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COLUMNS)


def by_code(result: pd.DataFrame) -> dict:
    return {row.code: row for row in result.itertuples()}


def krippendorff_2004() -> pd.DataFrame:
    """Krippendorff (2004), Content Analysis 2nd ed., section 12.4, pp. 253-254: two coders unitize
    the continuum from 150 to 450 (L = 300) into units of categories c and k; here shifted to
    start at 0. Coder i: c 225+70, 370+30; k 180+60, 300+50. Coder j: c 220+80, 355+20, 400+20;
    k 180+60, 300+50 (begin + length)."""
    rows = [("i", "c", 225, 70), ("i", "c", 370, 30), ("j", "c", 220, 80), ("j", "c", 355, 20),
            ("j", "c", 400, 20), ("i", "k", 180, 60), ("i", "k", 300, 50), ("j", "k", 180, 60),
            ("j", "k", 300, 50)]
    return frame([(coder, code, "doc", b - 150, b - 150 + n) for coder, code, b, n in rows])


def test_krippendorff_2004_worked_example():
    """Published (Krippendorff 2004: 254; the same figures are asserted by DKPro Statistics'
    Krippendorff2004Test): c: D_o = .0144, D_e = .0532, alpha = .7286; k: D_o = 0,
    D_e = .0490, alpha = 1; all categories: alpha = .8591."""
    result = by_code(unitizing_alpha(krippendorff_2004(), {"doc": 300}, ["i", "j"]))
    assert result["c"].observed == pytest.approx(0.0144, abs=1e-4)
    assert result["c"].expected == pytest.approx(0.0532, abs=1e-4)
    assert result["c"].alpha == pytest.approx(0.7286, abs=1e-4)
    assert result["k"].observed == 0
    assert result["k"].expected == pytest.approx(0.0490, abs=1e-4)
    assert result["k"].alpha == pytest.approx(1.0)
    assert result[OVERALL].alpha == pytest.approx(0.8591, abs=5e-4)
    assert result[OVERALL].units == 9


def test_krippendorff_2004_observed_disagreement_by_hand():
    """D_o of c by hand: overlapping units (225-295 vs 220-300) 5² + 5² = 50, (370-400 vs
    355-375) 15² + 25² = 850, j's unit 400-420 inside i's gap 400-450: 20² = 400; both orders of
    the pair: 2 x 1300 = 2600; over m (m-1) L² = 2 x 300² gives 2600 / 180000."""
    result = by_code(unitizing_alpha(krippendorff_2004(), {"doc": 300}, ["i", "j"]))
    assert result["c"].observed == pytest.approx(2600 / 180000)


def krippendorff_1995(stretch: int) -> tuple[pd.DataFrame, int]:
    """Krippendorff (1995), Sociological Methodology 25, p. 57: four pairs of coders (A Bertha/Bill,
    B John/Jill, C Gerret/Gill, D Heather/Hill) on a continuum of 24, each pair one category,
    given as (coder, begin, length); ``stretch`` scales the continuum."""
    data = {
        "A": [(0, 2, 8), (0, 14, 6), (1, 4, 4), (1, 15, 2)],
        "B": [(0, 0, 18), (1, 0, 2), (1, 2, 1), (1, 3, 1), (1, 4, 1), (1, 5, 1), (1, 6, 3), (1, 9, 1)],
        "C": [(0, 2, 6), (0, 10, 2), (0, 14, 4), (0, 20, 2), (1, 0, 2), (1, 4, 4), (1, 10, 4), (1, 16, 2),
              (1, 20, 2)],
        "D": [(0, 0, 2), (0, 2, 8), (0, 10, 4), (0, 14, 6), (0, 20, 4), (1, 0, 4), (1, 4, 4), (1, 8, 7),
              (1, 15, 2), (1, 17, 7)],
    }
    rows = [(coder, code, "doc", b * stretch, (b + n) * stretch) for code, units in data.items()
            for coder, b, n in units]
    return frame(rows), 24 * stretch


def test_krippendorff_1995_observed_disagreement():
    """D_o does not depend on the scale of the continuum. A by hand: Bill's 4-8 lies in Bertha's
    2-10 (2² + 2² = 8), his 15-17 in her 14-20 (1² + 3² = 10); 2 x 18 / (2 x 24²) = .03125.
    The others as computed from the same definition (DKPro Statistics' Krippendorff1995Test
    asserts the same four values): B 2.26736, C .02777, D .38715."""
    spans, length = krippendorff_1995(1)
    result = by_code(unitizing_alpha(spans, {"doc": length}, [0, 1]))
    assert result["A"].observed == pytest.approx(0.03125)
    assert result["B"].observed == pytest.approx(2.26736, abs=1e-5)
    assert result["C"].observed == pytest.approx(0.02777, abs=1e-5)
    assert result["D"].observed == pytest.approx(0.38715, abs=1e-5)


def test_krippendorff_1995_published_alphas():
    """Krippendorff (1995: 57-58) reports alpha for the four pairs as A .553, B -.926, C .679,
    D .066, treating the continuum as (nearly) continuous: we stretch it 50,000-fold. The 1995
    expected disagreement differs slightly from the 2004 restatement used here (a sign in one
    term; DKPro Statistics notes the same), so C comes out at .693: checked within .02."""
    spans, length = krippendorff_1995(50_000)
    result = by_code(unitizing_alpha(spans, {"doc": length}, [0, 1]))
    assert result["A"].alpha == pytest.approx(0.553, abs=0.005)
    assert result["B"].alpha == pytest.approx(-0.926, abs=0.005)
    assert result["C"].alpha == pytest.approx(0.679, abs=0.02)
    assert result["D"].alpha == pytest.approx(0.066, abs=0.005)


def test_identical_unitizing_is_perfect_and_disjoint_is_poor():
    same = frame([("a", "x", "d", 10, 20), ("b", "x", "d", 10, 20), ("a", "x", "d", 50, 70),
                  ("b", "x", "d", 50, 70)])
    result = by_code(unitizing_alpha(same, {"d": 100}, ["a", "b"]))
    assert result["x"].alpha == pytest.approx(1.0)
    disjoint = frame([("a", "x", "d", 10, 20), ("b", "x", "d", 50, 60)])
    assert by_code(unitizing_alpha(disjoint, {"d": 100}, ["a", "b"]))["x"].alpha < 0


def test_sections_merge_overlaps_and_stop_at_document_boundaries():
    cut = sections([(2, 5), (4, 8), (8, 9)], [(0, 10), (10, 20)])
    assert list(zip(cut.begin, cut.end, cut.unit, strict=True)) == [
        (0, 2, False), (2, 8, True), (8, 9, True), (9, 10, False), (10, 20, False)]
    with pytest.raises(ValueError):
        sections([(8, 12)], [(0, 10), (10, 20)])


def test_several_documents_are_continua_end_to_end():
    """Two documents of 100: a coder's unit at the start of the second document lies in the
    other coder's gap of that document only (the gaps of the two documents are not joined)."""
    spans = frame([("a", "x", "d1", 10, 20), ("b", "x", "d1", 10, 20), ("a", "x", "d2", 0, 10)])
    result = by_code(unitizing_alpha(spans, {"d1": 100, "d2": 100}, ["a", "b"]))
    assert result["x"].observed == pytest.approx(2 * 10**2 / (2 * 200**2))


def test_a_coder_without_spans_left_everything_as_gap():
    spans = frame([("a", "x", "d", 10, 20)])
    result = by_code(unitizing_alpha(spans, {"d": 100}, ["a", "b"]))
    assert result["x"].observed == pytest.approx(2 * 100 / (2 * 100**2))
    assert result["x"].units == 1


def test_no_units_gives_undefined_alpha_and_two_coders_are_needed():
    empty = frame([])
    result = unitizing_alpha(empty, {"d": 100}, ["a", "b"], codes=["x"])
    assert math.isnan(result.iloc[0]["alpha"])
    assert result.iloc[-1]["code"] == OVERALL
    with pytest.raises(ValueError):
        unitizing_alpha(empty, {"d": 100}, ["a"])


def test_functions_on_sections_and_verdicts():
    a = sections([(0, 5)], [(0, 10)])
    b = sections([(0, 5)], [(0, 10)])
    assert observed_disagreement([a, b], 10) == 0
    assert expected_disagreement([a, b], 10) > 0
    assert [verdict(v) for v in (0.81, 0.8, 0.7, 0.667, 0.5, float("nan"))] == [
        "reliable", "reliable", "tentative", "tentative", "unreliable", "none"]


def test_unitizing_agreement_from_the_database(session):
    """Two coders on one document through the real services: the same span of one code, and a
    span of another code only one of them marked."""
    from qualcode.review.reliability import unitizing_agreement
    from qualcode.services import codings, projects
    from tests import factories

    project = factories.project(session)
    owner = projects.get_user_by_login(session, "peneliti")
    second = projects.create_user(session, "koder2", "Koder Dua")
    projects.set_member(session, project.id, second.id, "researcher", actor_id=owner.id)
    codes = factories.codebook(session, project.id, owner.id)
    doc = factories.document(session, project.id, owner.id)
    trust, dialogue = codes["trust_building"].id, codes["face_to_face_dialogue"].id
    for coder in (owner.id, second.id):
        codings.code_span(session, doc.id, 40, 60, trust, actor_id=coder)
    codings.code_span(session, doc.id, 100, 120, dialogue, actor_id=owner.id)
    table = unitizing_agreement(session, project.id, document_ids=[doc.id], coder_ids=[owner.id, second.id])
    rows = {r.code: r for r in table.itertuples()}
    assert rows["trust_building"].alpha == pytest.approx(1.0) and rows["trust_building"].verdict == "reliable"
    assert rows["face_to_face_dialogue"].alpha < 0 and rows["face_to_face_dialogue"].verdict == "unreliable"
    assert rows["face_to_face_dialogue"].observed == pytest.approx(2 * 20**2 / (2 * doc.length**2))
    assert rows[OVERALL].units == 3 and pd.isna(rows[OVERALL].code_id)
    only_trust = unitizing_agreement(session, project.id, document_ids=[doc.id], coder_ids=[owner.id, second.id],
                                     code_ids=[trust])
    assert list(only_trust["code"]) == ["trust_building", OVERALL]
