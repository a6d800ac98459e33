"""Write side of the Miles–Huberman workflow: pattern codes, condensations, case ratings and
checklist cells, summary sheets, and the conclusions register (status history, evidence,
verification tactics). Each call is authorised and audited; the caller owns the transaction."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode.analysis.tables import (
    CONCLUSION_STATUSES,
    EVIDENCE_STANCES,
    TACTICS,
    CaseRating,
    Conclusion,
    ConclusionChange,
    ConclusionEvidence,
    ConclusionTactic,
    Condensation,
    PatternCode,
    SummarySheet,
)
from qualcode.errors import ConflictError, NotFoundError, ValidationError
from qualcode.models import Case, Code, Document, Segment
from qualcode.services import audit
from qualcode.services.auth import require

PERMISSION = "memo.write"  # analytic writing: owners and researchers


def _code(session: Session, project_id: int, code_id: int) -> Code:
    code = session.get(Code, code_id)
    if code is None or code.project_id != project_id:
        raise NotFoundError("error.code_not_found", code=code_id)
    return code


def _segment(session: Session, project_id: int, segment_id: int) -> Segment:
    segment = session.get(Segment, segment_id)
    if segment is None or segment.document.project_id != project_id:
        raise NotFoundError("error.segment_not_found", segment=segment_id)
    return segment


def _log(session: Session, action: str, entity: str, entity_id: int | None, project_id: int, actor_id: int,
         before: dict[str, object] | None = None, after: dict[str, object] | None = None) -> None:
    audit.record(session, action=action, entity_type=entity, entity_id=entity_id, project_id=project_id,
                 user_id=actor_id, before=before, after=after)


# --- pattern codes ----------------------------------------------------------------------------

def save_pattern_code(session: Session, project_id: int, name: str, code_ids: list[int], *, actor_id: int,
                      definition: str = "", memo: str = "", pattern_code_id: int | None = None) -> PatternCode:
    """Create a pattern code (or update the one given) grouping ``code_ids``; codes stay where they are."""
    require(session, project_id, actor_id, PERMISSION)
    name = name.strip()
    if not name:
        raise ValidationError("analysis.error_pattern_name")
    if not code_ids:
        raise ValidationError("analysis.error_pattern_codes")
    codes = [_code(session, project_id, c) for c in dict.fromkeys(code_ids)]
    clash = session.scalar(select(PatternCode).where(PatternCode.project_id == project_id, PatternCode.name == name))
    if clash is not None and clash.id != pattern_code_id:
        raise ConflictError("analysis.error_pattern_exists", name=name)
    before = None
    if pattern_code_id is None:
        pattern = PatternCode(project_id=project_id, name=name, author_id=actor_id)
        session.add(pattern)
    else:
        pattern = _pattern(session, project_id, pattern_code_id)
        before = _pattern_payload(pattern)
    pattern.name, pattern.definition, pattern.memo = name, definition.strip(), memo.strip()
    pattern.codes = codes
    session.flush()
    _log(session, "pattern_code.save", "pattern_code", pattern.id, project_id, actor_id, before, _pattern_payload(pattern))
    return pattern


def _pattern(session: Session, project_id: int, pattern_code_id: int) -> PatternCode:
    pattern = session.get(PatternCode, pattern_code_id)
    if pattern is None or pattern.project_id != project_id:
        raise NotFoundError("analysis.error_pattern_not_found", pattern=pattern_code_id)
    return pattern


def _pattern_payload(pattern: PatternCode) -> dict[str, object]:
    return {"name": pattern.name, "definition": pattern.definition, "memo": pattern.memo,
            "codes": [c.key for c in pattern.codes]}


def delete_pattern_code(session: Session, project_id: int, pattern_code_id: int, *, actor_id: int) -> None:
    require(session, project_id, actor_id, PERMISSION)
    pattern = _pattern(session, project_id, pattern_code_id)
    before = _pattern_payload(pattern)
    session.delete(pattern)
    session.flush()
    _log(session, "pattern_code.delete", "pattern_code", pattern_code_id, project_id, actor_id, before)


def list_pattern_codes(session: Session, project_id: int) -> list[PatternCode]:
    return list(session.scalars(select(PatternCode).where(PatternCode.project_id == project_id).order_by(PatternCode.name)))


# --- condensations, ratings, checklist cells ----------------------------------------------------

def condense_segment(session: Session, project_id: int, segment_id: int, code_id: int, text: str, *,
                     actor_id: int) -> Condensation | None:
    """Write (or clear, with empty text) the one-line condensation of a segment under a code."""
    require(session, project_id, actor_id, PERMISSION)
    _segment(session, project_id, segment_id)
    _code(session, project_id, code_id)
    text = " ".join(text.split())
    if len(text) > 500:
        raise ValidationError("analysis.error_condensation_long", length=len(text))
    row = session.scalar(select(Condensation).where(Condensation.segment_id == segment_id,
                                                    Condensation.code_id == code_id))
    before = {"text": row.text} if row else None
    if not text:
        if row is not None:
            session.delete(row)
            session.flush()
            _log(session, "condensation.delete", "condensation", row.id, project_id, actor_id, before)
        return None
    if row is None:
        row = Condensation(project_id=project_id, segment_id=segment_id, code_id=code_id, author_id=actor_id, text=text)
        session.add(row)
    row.text, row.author_id = text, actor_id
    session.flush()
    _log(session, "condensation.save", "condensation", row.id, project_id, actor_id, before,
         {"segment_id": segment_id, "code_id": code_id, "text": text})
    return row


def rate_case(session: Session, project_id: int, case_id: int, code_id: int, *, actor_id: int,
              rating: str | None = None, present: bool | None = None, strength: int | None = None,
              note: str | None = None) -> CaseRating:
    """Set the researcher's cell for a case and a dimension; arguments left None keep their value."""
    require(session, project_id, actor_id, PERMISSION)
    case = session.get(Case, case_id)
    if case is None or case.project_id != project_id:
        raise NotFoundError("analysis.error_case_not_found", case=case_id)
    _code(session, project_id, code_id)
    if strength is not None and not 0 <= strength <= 3:
        raise ValidationError("analysis.error_strength", strength=strength)
    row = session.scalar(select(CaseRating).where(CaseRating.case_id == case_id, CaseRating.code_id == code_id))
    fields = ("rating", "present", "strength", "note")
    before = audit.snapshot(row, fields) if row else None
    if row is None:
        row = CaseRating(project_id=project_id, case_id=case_id, code_id=code_id, author_id=actor_id, rating="",
                         note="")
        session.add(row)
    if rating is not None:
        row.rating = rating.strip()[:200]
    if present is not None:
        row.present = present
    if strength is not None:
        row.strength = strength
    if note is not None:
        row.note = note.strip()
    row.author_id = actor_id
    session.flush()
    _log(session, "case_rating.save", "case_rating", row.id, project_id, actor_id, before, audit.snapshot(row, fields))
    return row


# --- summary sheets -----------------------------------------------------------------------------

def save_summary_sheet(session: Session, project_id: int, document_id: int, *, actor_id: int, main_themes: str = "",
                       salient_points: str = "", next_questions: str = "",
                       segment_ids: list[int] | None = None) -> SummarySheet:
    """Create or replace the contact summary sheet of a document."""
    require(session, project_id, actor_id, PERMISSION)
    document = session.get(Document, document_id)
    if document is None or document.project_id != project_id:
        raise NotFoundError("error.document_not_found", document=document_id)
    segments = [_segment(session, project_id, s) for s in dict.fromkeys(segment_ids or [])]
    if any(s.document_id != document_id for s in segments):
        raise ValidationError("analysis.error_segment_other_document", document=document.title)
    sheet = session.scalar(select(SummarySheet).where(SummarySheet.document_id == document_id))
    fields = ("main_themes", "salient_points", "next_questions")
    before = audit.snapshot(sheet, fields) if sheet else None
    if sheet is None:
        sheet = SummarySheet(project_id=project_id, document_id=document_id, author_id=actor_id)
        session.add(sheet)
    sheet.main_themes, sheet.salient_points = main_themes.strip(), salient_points.strip()
    sheet.next_questions, sheet.author_id = next_questions.strip(), actor_id
    sheet.segments = segments
    session.flush()
    _log(session, "summary_sheet.save", "summary_sheet", sheet.id, project_id, actor_id, before,
         {**audit.snapshot(sheet, fields), "segments": [s.id for s in segments]})
    return sheet


def summary_sheet(session: Session, document_id: int) -> SummarySheet | None:
    return session.scalar(select(SummarySheet).where(SummarySheet.document_id == document_id))


# --- conclusions ------------------------------------------------------------------------------

def _conclusion(session: Session, conclusion_id: int) -> Conclusion:
    conclusion = session.get(Conclusion, conclusion_id)
    if conclusion is None:
        raise NotFoundError("analysis.error_conclusion_not_found", conclusion=conclusion_id)
    return conclusion


def add_conclusion(session: Session, project_id: int, statement: str, *, actor_id: int, code_id: int | None = None,
                   pattern_code_id: int | None = None, status: str = "tentative") -> Conclusion:
    """Note a proposition on a dimension (code) or a theme (pattern code); its history starts here."""
    require(session, project_id, actor_id, PERMISSION)
    statement = statement.strip()
    if not statement:
        raise ValidationError("analysis.error_statement_empty")
    if status not in CONCLUSION_STATUSES:
        raise ValidationError("analysis.error_status", status=status)
    if code_id is not None:
        _code(session, project_id, code_id)
    if pattern_code_id is not None:
        _pattern(session, project_id, pattern_code_id)
    conclusion = Conclusion(project_id=project_id, statement=statement, code_id=code_id,
                            pattern_code_id=pattern_code_id, status=status, author_id=actor_id)
    session.add(conclusion)
    session.flush()
    session.add(ConclusionChange(conclusion_id=conclusion.id, old_status=None, status=status, statement=statement,
                                 user_id=actor_id))
    _log(session, "conclusion.add", "conclusion", conclusion.id, project_id, actor_id,
         after={"statement": statement, "status": status, "code_id": code_id, "pattern_code_id": pattern_code_id})
    return conclusion


def revise_conclusion(session: Session, conclusion_id: int, *, actor_id: int, status: str | None = None,
                      statement: str | None = None, note: str = "") -> Conclusion:
    """Change a conclusion's status and/or statement; every change is kept in its history."""
    conclusion = _conclusion(session, conclusion_id)
    require(session, conclusion.project_id, actor_id, PERMISSION)
    new_status = conclusion.status if status is None else status
    new_statement = conclusion.statement if statement is None else statement.strip()
    if new_status not in CONCLUSION_STATUSES:
        raise ValidationError("analysis.error_status", status=new_status)
    if not new_statement:
        raise ValidationError("analysis.error_statement_empty")
    if (new_status, new_statement) == (conclusion.status, conclusion.statement) and not note.strip():
        return conclusion
    before = {"status": conclusion.status, "statement": conclusion.statement}
    session.add(ConclusionChange(conclusion_id=conclusion.id, old_status=conclusion.status, status=new_status,
                                 statement=new_statement, note=note.strip(), user_id=actor_id))
    conclusion.status, conclusion.statement = new_status, new_statement
    session.flush()
    _log(session, "conclusion.revise", "conclusion", conclusion.id, conclusion.project_id, actor_id, before,
         {"status": new_status, "statement": new_statement, "note": note.strip()})
    return conclusion


def conclusion_history(session: Session, conclusion_id: int) -> list[ConclusionChange]:
    return list(session.scalars(select(ConclusionChange).where(ConclusionChange.conclusion_id == conclusion_id)
                                .order_by(ConclusionChange.at, ConclusionChange.id)))


def link_evidence(session: Session, conclusion_id: int, segment_id: int, stance: str, *, actor_id: int,
                  note: str = "") -> ConclusionEvidence:
    """Link a segment as supporting or contradicting evidence (linking it again changes stance and note)."""
    conclusion = _conclusion(session, conclusion_id)
    require(session, conclusion.project_id, actor_id, PERMISSION)
    if stance not in EVIDENCE_STANCES:
        raise ValidationError("analysis.error_stance", stance=stance)
    _segment(session, conclusion.project_id, segment_id)
    row = session.scalar(select(ConclusionEvidence).where(ConclusionEvidence.conclusion_id == conclusion_id,
                                                          ConclusionEvidence.segment_id == segment_id))
    before = {"stance": row.stance, "note": row.note} if row else None
    if row is None:
        row = ConclusionEvidence(conclusion_id=conclusion_id, segment_id=segment_id, author_id=actor_id, stance=stance)
        session.add(row)
    row.stance, row.note = stance, note.strip()
    session.flush()
    _log(session, "evidence.link", "conclusion_evidence", row.id, conclusion.project_id, actor_id, before,
         {"conclusion_id": conclusion_id, "segment_id": segment_id, "stance": stance, "note": row.note})
    return row


def unlink_evidence(session: Session, evidence_id: int, *, actor_id: int) -> None:
    row = session.get(ConclusionEvidence, evidence_id)
    if row is None:
        raise NotFoundError("analysis.error_evidence_not_found", evidence=evidence_id)
    conclusion = _conclusion(session, row.conclusion_id)
    require(session, conclusion.project_id, actor_id, PERMISSION)
    before = {"conclusion_id": row.conclusion_id, "segment_id": row.segment_id, "stance": row.stance, "note": row.note}
    session.delete(row)
    session.flush()
    _log(session, "evidence.unlink", "conclusion_evidence", evidence_id, conclusion.project_id, actor_id, before)


def record_tactic(session: Session, conclusion_id: int, tactic: str, *, actor_id: int, note: str = "") -> ConclusionTactic:
    """Record that a verification tactic was applied to a conclusion, and what it showed."""
    conclusion = _conclusion(session, conclusion_id)
    require(session, conclusion.project_id, actor_id, PERMISSION)
    if tactic not in TACTICS:
        raise ValidationError("analysis.error_tactic", tactic=tactic)
    row = session.scalar(select(ConclusionTactic).where(ConclusionTactic.conclusion_id == conclusion_id,
                                                        ConclusionTactic.tactic == tactic))
    before = {"note": row.note} if row else None
    if row is None:
        row = ConclusionTactic(conclusion_id=conclusion_id, tactic=tactic, user_id=actor_id)
        session.add(row)
    row.note, row.user_id = note.strip(), actor_id
    session.flush()
    _log(session, "tactic.record", "conclusion_tactic", row.id, conclusion.project_id, actor_id, before,
         {"conclusion_id": conclusion_id, "tactic": tactic, "note": row.note})
    return row


def delete_conclusion(session: Session, conclusion_id: int, *, actor_id: int) -> None:
    conclusion = _conclusion(session, conclusion_id)
    require(session, conclusion.project_id, actor_id, PERMISSION)
    before = {"statement": conclusion.statement, "status": conclusion.status}
    project_id = conclusion.project_id
    session.delete(conclusion)
    session.flush()
    _log(session, "conclusion.delete", "conclusion", conclusion_id, project_id, actor_id, before)
