"""Agreement between two coders from the database, worked out by hand on a tiny project."""

import math

import pytest

from qualcode.analysis.agreement import OVERALL, compute_agreement
from qualcode.services import codings, projects
from tests import factories

SECOND = "P: Apa kabar?\nI: Baik, kami percaya satu sama lain.\n"


@pytest.fixture
def study(session):
    """Two coders on two documents; lines are the units (no turns stored)."""
    project = factories.project(session)
    owner = projects.get_user_by_login(session, "peneliti")
    koder2 = projects.create_user(session, "koder2", "Koder Kedua")
    projects.set_member(session, project.id, koder2.id, "researcher", actor_id=owner.id)
    codes = factories.codebook(session, project.id, owner.id)
    w01 = factories.document(session, project.id, owner.id)
    w02 = factories.document(session, project.id, owner.id, text=SECOND, title="W02")
    trust, dialogue = codes["trust_building"].id, codes["face_to_face_dialogue"].id

    def code(doc, needle, code_id, user, extra=0):
        start = doc.text.index(needle)
        codings.code_span(session, doc.id, start, start + len(needle) + extra, code_id, actor_id=user.id)

    code(w01, "Kami saling percaya", trust, owner)
    code(w01, "Kepercayaan itu penting.", trust, owner)
    code(w01, "Anggaran APBD terbatas.", dialogue, owner)
    code(w01, "Kami saling percaya", trust, koder2, extra=1)  # one character longer
    code(w02, "kami percaya satu sama lain", trust, koder2)
    session.flush()
    return {"project": project.id, "docs": [w01.id, w02.id], "codes": [trust, dialogue],
            "coders": [owner.id, koder2.id]}


def run(session, study, level, tolerance=5):
    return compute_agreement(session, study["project"], document_ids=study["docs"], code_ids=study["codes"],
                             coder_ids=study["coders"], level=level, tolerance=tolerance)


def row(result, code):
    return result.summary.set_index("code").loc[code]


def test_document_level(session, study):
    result = run(session, study, "document")
    assert result.coders == ["Koder Kedua", "Peneliti"]  # as the people are named everywhere else
    trust, overall = row(result, "trust_building"), row(result, OVERALL)
    assert (trust["units"], trust["agreed"], trust["percent_agreement"]) == (2, 1, 0.5)
    assert trust["kappa"] == pytest.approx(0.0)
    # pooled: koder2 [1,1,0,0], peneliti [1,0,1,0] over (document, code) units; alpha by hand = 1 - 0.5/(4/7)
    assert (overall["units"], overall["agreed"]) == (4, 2)
    assert overall["kappa"] == pytest.approx(0.0)
    assert overall["alpha"] == pytest.approx(0.125)
    table = result.disagreements
    assert list(zip(table["document"], table["code"], table["coded_by"], table["not_coded_by"], strict=True)) == [
        ("W01", "face_to_face_dialogue", "Peneliti", "Koder Kedua"),
        ("W02", "trust_building", "Koder Kedua", "Peneliti"),
    ]


def test_line_level(session, study):
    result = run(session, study, "turn")
    trust, dialogue, overall = row(result, "trust_building"), row(result, "face_to_face_dialogue"), row(result, OVERALL)
    assert (trust["units"], trust["agreed"]) == (6, 5)
    assert (dialogue["units"], dialogue["agreed"]) == (6, 5)
    assert overall["percent_agreement"] == pytest.approx(10 / 12)
    # trust: koder2 has lines 2 (W01) and 6 (W02), peneliti line 2: p_o = 5/6, p_e = 1/3*1/6 + 2/3*5/6
    assert trust["kappa"] == pytest.approx((5 / 6 - (1 / 18 + 10 / 18)) / (1 - 11 / 18))
    assert set(result.disagreements["text"]) == {"I: Anggaran APBD terbatas.", "I: Baik, kami percaya satu sama lain."}


def test_sentence_level_splits_lines_into_sentences(session, study):
    result = run(session, study, "sentence")
    # W01 line 2 has two sentences; both coders have trust in the first, only peneliti in the second
    texts = list(result.disagreements["text"])
    assert "Kepercayaan itu penting." in texts
    assert row(result, "trust_building")["units"] > 6


def test_segment_level_with_tolerance(session, study):
    result = run(session, study, "segment", tolerance=1)
    trust, overall = row(result, "trust_building"), row(result, OVERALL)
    assert (trust["units"], trust["agreed"]) == (3, 1)
    assert (overall["units"], overall["agreed"], overall["percent_agreement"]) == (4, 1, 0.25)
    assert math.isnan(overall["kappa"]) and math.isnan(overall["alpha"])
    assert len(result.disagreements) == 3
    strict = run(session, study, "segment", tolerance=0)
    assert (row(strict, "trust_building")["units"], row(strict, "trust_building")["agreed"]) == (4, 0)


def test_codes_default_to_those_used_and_bad_arguments_are_refused(session, study):
    result = compute_agreement(session, study["project"], document_ids=study["docs"], code_ids=None,
                               coder_ids=study["coders"])
    assert list(result.summary["code"]) == ["face_to_face_dialogue", "trust_building", OVERALL]
    with pytest.raises(ValueError, match="two coders"):
        run(session, {**study, "coders": study["coders"][:1]}, "document")
    with pytest.raises(ValueError, match="level"):
        run(session, study, "paragraphs")
