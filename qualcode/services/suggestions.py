"""Suggestions, the write side: a researcher's decision on a suggestion (accepted, it becomes a
coding by them). The queue and the reports are read in ``qualcode.read.suggestions``."""

from __future__ import annotations

from sqlalchemy.orm import Session

from qualcode.errors import ValidationError
from qualcode.models import Document
from qualcode.nlp.tables import SuggestionDecision
from qualcode.services import audit, codings
from qualcode.services.auth import require


def decide(
    session: Session,
    project_id: int,
    document_id: int,
    start: int,
    end: int,
    code_id: int,
    decision: str,
    *,
    actor_id: int,
    score: float = 0.0,
    evidence: list[dict[str, object]] | None = None,
    source: str = "blend",
    model_version: int | None = None,
    coded_as: tuple[int, int, int] | None = None,
) -> SuggestionDecision:
    """Accept (the suggestion becomes a coding by this coder) or reject; the decision is stored.

    ``coded_as`` (start, end, code id): accepted with an adjustment, the coding made instead of
    the suggestion as proposed. The decision stays on the suggestion as proposed (so it leaves the
    queue and counts for the code that was suggested): accepted when the code is kept (only the
    span moved), rejected when another code was chosen; the coding made is named in its evidence,
    and linked as the suggestion's coding only when the code was kept (otherwise it is the
    coder's own)."""
    if decision not in ("accepted", "rejected"):
        raise ValidationError("suggest.bad_decision", decision=decision)
    require(session, project_id, actor_id, "coding.write")
    coding_id = None
    adjusted: dict[str, object] = {}
    if coded_as is not None:
        if decision != "accepted":
            raise ValidationError("suggest.bad_decision", decision=decision)
        made = codings.code_span(session, document_id, coded_as[0], coded_as[1], coded_as[2], actor_id=actor_id)
        adjusted = {"start": coded_as[0], "end": coded_as[1], "code_id": coded_as[2], "coding_id": made.id}
        if coded_as[2] == code_id:
            coding_id = made.id
        else:
            decision = "rejected"
    elif decision == "accepted":
        coding_id = codings.code_span(session, document_id, start, end, code_id, actor_id=actor_id).id
    if coded_as is not None or decision == "rejected":
        document = session.get(Document, document_id)
        if document is None or document.project_id != project_id or not (0 <= start < end <= document.length):
            raise ValidationError("error.offsets_invalid", start=start, end=end, length=document.length if document else 0,
                                  document=document.title if document else document_id)
    kept: dict[str, object] = {"items": evidence or []}
    if adjusted:
        kept["adjusted_to"] = adjusted
    row = SuggestionDecision(project_id=project_id, document_id=document_id, code_id=code_id, coder_id=actor_id,
                             coding_id=coding_id, start=start, end=end, decision=decision, score=float(score),
                             source=source, evidence=kept, model_version=model_version)
    session.add(row)
    session.flush()
    after: dict[str, object] = {"document_id": document_id, "start": start, "end": end, "code_id": code_id, "score": score,
                                "coding_id": coding_id, "model_version": model_version}
    if adjusted:
        after["adjusted_to"] = adjusted
    audit.record(session, action=f"suggestion.{decision}", entity_type="suggestion", entity_id=row.id,
                 project_id=project_id, user_id=actor_id, after=after)
    return row
