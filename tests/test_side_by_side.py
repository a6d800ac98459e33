"""Two coders side by side on one document: margins per coder, differences marked."""

from qualcode.review.side_by_side import side_by_side
from qualcode.services import codings, projects
from tests import factories


def test_margins_and_differences(session):
    project = factories.project(session)
    owner = projects.get_user_by_login(session, "peneliti")
    second = projects.create_user(session, "koder2", "Koder Dua")
    projects.set_member(session, project.id, second.id, "researcher", actor_id=owner.id)
    codes = factories.codebook(session, project.id, owner.id)
    doc = factories.document(session, project.id, owner.id)
    trust, dialogue = codes["trust_building"].id, codes["face_to_face_dialogue"].id
    text = doc.text
    agreed = text.index("Kami saling percaya")
    budget = text.index("Anggaran APBD")
    codings.code_span(session, doc.id, agreed, agreed + 19, trust, actor_id=owner.id)
    codings.code_span(session, doc.id, agreed, agreed + 19, trust, actor_id=second.id)
    codings.code_span(session, doc.id, agreed + 20, agreed + 40, dialogue, actor_id=owner.id)
    codings.code_span(session, doc.id, agreed + 20, agreed + 45, dialogue, actor_id=second.id)
    codings.code_span(session, doc.id, budget, budget + 13, trust, actor_id=second.id)

    view = side_by_side(session, project.id, doc.id, [owner.id, second.id])
    assert view.coders == ["Peneliti", "Koder Dua"] and view.windows == 1
    rows = {r.number: r for r in view.rows}
    answer = next(r for r in view.rows if r.start <= agreed < r.end)
    assert "Kami saling percaya" in answer.text
    mine, theirs = answer.margins
    assert [(m.code, m.difference) for m in mine] == [("trust_building", ""), ("face_to_face_dialogue", "boundary")]
    assert [m.snippet for m in theirs][0] == "Kami saling percaya"
    assert [(d.code, d.kind, d.start) for d in answer.differences] == [("face_to_face_dialogue", "boundary",
                                                                         agreed + 20)]
    budget_row = next(r for r in view.rows if r.start <= budget < r.end)
    assert budget_row.margins[0] == [] and budget_row.margins[1][0].difference == "missing"
    (missing,) = budget_row.differences
    assert missing.coded_by == ["Koder Dua"] and missing.not_coded_by == ["Peneliti"]
    assert view.differences == 2 and len(rows) == len(view.rows)
