"""Write side of the Miles–Huberman workflow: pattern codes, condensations, case ratings and
checklist cells, summary sheets, and the conclusions register (status history, evidence,
verification tactics). Each call is authorised and audited; the caller owns the transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

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
from qualcode.errors import ConflictError, ValidationError
from qualcode.models import Case, Code, Document, Segment
from qualcode.services import audit
from qualcode.services.auth import require
from qualcode.services.base import load, record_change

PERMISSION = "memo.write"  # analytic writing: owners and researchers

R = TypeVar("R")
# What linking evidence or recording a tactic did: made it, changed its stance or note, or found
# it already so (nothing stored), so the page says "linked", "updated" or "already so".
NEW, UPDATED, UNCHANGED = "new", "updated", "unchanged"


@dataclass(frozen=True)
class Saved(Generic[R]):
    row: R
    change: str  # NEW, UPDATED or UNCHANGED


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
    codes = [load(session, Code, c, project_id=project_id) for c in dict.fromkeys(code_ids)]
    # Names are one whatever their letter case ("Modal sosial", "modal Sosial"); compared in Python,
    # since SQLite's lower() folds ASCII only. A project has few pattern codes.
    wanted = name.casefold()
    clash = next((p for p in session.scalars(select(PatternCode).where(PatternCode.project_id == project_id))
                  if p.name.strip().casefold() == wanted and p.id != pattern_code_id), None)
    if clash is not None:
        raise ConflictError("analysis.error_pattern_exists", name=clash.name)
    before = None
    if pattern_code_id is None:
        pattern = PatternCode(project_id=project_id, name=name, author_id=actor_id)
        session.add(pattern)
    else:
        pattern = load(session, PatternCode, pattern_code_id, project_id=project_id)
        before = _pattern_payload(pattern)
    pattern.name, pattern.definition, pattern.memo = name, definition.strip(), memo.strip()
    pattern.codes = codes
    session.flush()
    record_change(session, "pattern_code.save", pattern, actor_id=actor_id, before=before,
                  after=_pattern_payload(pattern))
    return pattern


def _pattern_payload(pattern: PatternCode) -> dict[str, object]:
    return {"name": pattern.name, "definition": pattern.definition, "memo": pattern.memo,
            "codes": [c.key for c in pattern.codes]}


def delete_pattern_code(session: Session, project_id: int, pattern_code_id: int, *, actor_id: int) -> None:
    require(session, project_id, actor_id, PERMISSION)
    pattern = load(session, PatternCode, pattern_code_id, project_id=project_id)
    before = _pattern_payload(pattern)
    session.delete(pattern)
    session.flush()
    record_change(session, "pattern_code.delete", pattern, actor_id=actor_id, before=before, project_id=project_id,
                  entity_id=pattern_code_id)


def condense_segment(session: Session, project_id: int, segment_id: int, code_id: int, text: str, *,
                     actor_id: int) -> Condensation | None:
    """Write (or clear, with empty text) the one-line condensation of a segment under a code."""
    require(session, project_id, actor_id, PERMISSION)
    load(session, Segment, segment_id, project_id=project_id)
    load(session, Code, code_id, project_id=project_id)
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
            record_change(session, "condensation.delete", row, actor_id=actor_id, before=before,
                          project_id=project_id)
        return None
    if row is None:
        row = Condensation(project_id=project_id, segment_id=segment_id, code_id=code_id, author_id=actor_id, text=text)
        session.add(row)
    row.text, row.author_id = text, actor_id
    session.flush()
    record_change(session, "condensation.save", row, actor_id=actor_id, before=before,
                  after={"segment_id": segment_id, "code_id": code_id, "text": text})
    return row


def rate_case(session: Session, project_id: int, case_id: int, code_id: int, *, actor_id: int,
              rating: str | None = None, present: bool | None = None, strength: int | None = None,
              note: str | None = None) -> CaseRating:
    """Set the researcher's cell for a case and a dimension; arguments left None keep their value.

    Strength says how strongly a condition is present, so only a cell marked present has one: a
    cell marked not present (or not judged) is stored without strength, whatever ``strength`` says
    (the checklist form's slider always has a value; unticking "present" must not leave a strength
    of 1 on an absent condition)."""
    require(session, project_id, actor_id, PERMISSION)
    load(session, Case, case_id, project_id=project_id)
    load(session, Code, code_id, project_id=project_id)
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
    if row.present is not True:
        row.strength = None
    if note is not None:
        row.note = note.strip()
    row.author_id = actor_id
    session.flush()
    record_change(session, "case_rating.save", row, actor_id=actor_id, before=before, after=audit.snapshot(row, fields))
    return row


# --- summary sheets -----------------------------------------------------------------------------

def save_summary_sheet(session: Session, project_id: int, document_id: int, *, actor_id: int, main_themes: str = "",
                       salient_points: str = "", next_questions: str = "",
                       segment_ids: list[int] | None = None) -> SummarySheet:
    """Create or replace the contact summary sheet of a document."""
    require(session, project_id, actor_id, PERMISSION)
    document = load(session, Document, document_id, project_id=project_id)
    segments = [load(session, Segment, s, project_id=project_id) for s in dict.fromkeys(segment_ids or [])]
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
    record_change(session, "summary_sheet.save", sheet, actor_id=actor_id, before=before,
                  after={**audit.snapshot(sheet, fields), "segments": [s.id for s in segments]})
    return sheet


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
        load(session, Code, code_id, project_id=project_id)
    if pattern_code_id is not None:
        load(session, PatternCode, pattern_code_id, project_id=project_id)
    conclusion = Conclusion(project_id=project_id, statement=statement, code_id=code_id,
                            pattern_code_id=pattern_code_id, status=status, author_id=actor_id)
    session.add(conclusion)
    session.flush()
    session.add(ConclusionChange(conclusion_id=conclusion.id, old_status=None, status=status, statement=statement,
                                 user_id=actor_id))
    record_change(session, "conclusion.add", conclusion, actor_id=actor_id,
                  after={"statement": statement, "status": status, "code_id": code_id, "pattern_code_id": pattern_code_id})
    return conclusion


def revise_conclusion(session: Session, conclusion_id: int, *, actor_id: int, status: str | None = None,
                      statement: str | None = None, note: str = "") -> ConclusionChange | None:
    """Change a conclusion's status and/or statement; every change is kept in its history (the
    entry made is returned). The same status and statement without a note change nothing: nothing
    is stored and None comes back, so the caller can say so rather than "saved"."""
    conclusion = load(session, Conclusion, conclusion_id)
    require(session, conclusion.project_id, actor_id, PERMISSION)
    new_status = conclusion.status if status is None else status
    new_statement = conclusion.statement if statement is None else statement.strip()
    if new_status not in CONCLUSION_STATUSES:
        raise ValidationError("analysis.error_status", status=new_status)
    if not new_statement:
        raise ValidationError("analysis.error_statement_empty")
    if (new_status, new_statement) == (conclusion.status, conclusion.statement) and not note.strip():
        return None
    before = {"status": conclusion.status, "statement": conclusion.statement}
    change = ConclusionChange(conclusion_id=conclusion.id, old_status=conclusion.status, status=new_status,
                              statement=new_statement, note=note.strip(), user_id=actor_id)
    session.add(change)
    conclusion.status, conclusion.statement = new_status, new_statement
    session.flush()
    record_change(session, "conclusion.revise", conclusion, actor_id=actor_id, before=before,
                  after={"status": new_status, "statement": new_statement, "note": note.strip()})
    return change


def link_evidence(session: Session, conclusion_id: int, segment_id: int, stance: str, *, actor_id: int,
                  note: str = "") -> Saved[ConclusionEvidence]:
    """Link a segment as supporting or contradicting evidence. Linking it again changes its stance,
    and its note when one is given (an empty note keeps the stored one); ``change`` says whether
    the link is new, updated, or was already so (then nothing is stored)."""
    conclusion = load(session, Conclusion, conclusion_id)
    require(session, conclusion.project_id, actor_id, PERMISSION)
    if stance not in EVIDENCE_STANCES:
        raise ValidationError("analysis.error_stance", stance=stance)
    load(session, Segment, segment_id, project_id=conclusion.project_id)
    row = session.scalar(select(ConclusionEvidence).where(ConclusionEvidence.conclusion_id == conclusion_id,
                                                          ConclusionEvidence.segment_id == segment_id))
    before = {"stance": row.stance, "note": row.note} if row else None
    new_note = note.strip() or (row.note if row else "")
    if row is not None and (row.stance, row.note) == (stance, new_note):
        return Saved(row, UNCHANGED)
    if row is None:
        row = ConclusionEvidence(conclusion_id=conclusion_id, segment_id=segment_id, author_id=actor_id, stance=stance)
        session.add(row)
    row.stance, row.note = stance, new_note
    session.flush()
    record_change(session, "evidence.link", row, actor_id=actor_id, before=before,
                  after={"conclusion_id": conclusion_id, "segment_id": segment_id, "stance": stance, "note": row.note})
    return Saved(row, NEW if before is None else UPDATED)


def unlink_evidence(session: Session, evidence_id: int, *, actor_id: int) -> None:
    row = load(session, ConclusionEvidence, evidence_id)
    conclusion = load(session, Conclusion, row.conclusion_id)
    require(session, conclusion.project_id, actor_id, PERMISSION)
    before = {"conclusion_id": row.conclusion_id, "segment_id": row.segment_id, "stance": row.stance, "note": row.note}
    session.delete(row)
    session.flush()
    record_change(session, "evidence.unlink", row, actor_id=actor_id, before=before, project_id=conclusion.project_id,
                  entity_id=evidence_id)


def record_tactic(session: Session, conclusion_id: int, tactic: str, *, actor_id: int,
                  note: str = "") -> Saved[ConclusionTactic]:
    """Record that a verification tactic was applied to a conclusion, and what it showed. Recording
    it again changes its note when one is given (an empty note keeps the stored one); ``change``
    says whether it is new, updated, or was already so (then nothing is stored)."""
    conclusion = load(session, Conclusion, conclusion_id)
    require(session, conclusion.project_id, actor_id, PERMISSION)
    if tactic not in TACTICS:
        raise ValidationError("analysis.error_tactic", tactic=tactic)
    row = session.scalar(select(ConclusionTactic).where(ConclusionTactic.conclusion_id == conclusion_id,
                                                        ConclusionTactic.tactic == tactic))
    before = {"note": row.note} if row else None
    new_note = note.strip() or (row.note if row else "")
    if row is not None and row.note == new_note:
        return Saved(row, UNCHANGED)
    if row is None:
        row = ConclusionTactic(conclusion_id=conclusion_id, tactic=tactic, user_id=actor_id)
        session.add(row)
    row.note, row.user_id = new_note, actor_id
    session.flush()
    record_change(session, "tactic.record", row, actor_id=actor_id, before=before,
                  after={"conclusion_id": conclusion_id, "tactic": tactic, "note": row.note})
    return Saved(row, NEW if before is None else UPDATED)


def delete_conclusion(session: Session, conclusion_id: int, *, actor_id: int) -> None:
    conclusion = load(session, Conclusion, conclusion_id)
    require(session, conclusion.project_id, actor_id, PERMISSION)
    before = {"statement": conclusion.statement, "status": conclusion.status}
    project_id = conclusion.project_id
    session.delete(conclusion)
    session.flush()
    record_change(session, "conclusion.delete", conclusion, actor_id=actor_id, before=before, project_id=project_id,
                  entity_id=conclusion_id)
