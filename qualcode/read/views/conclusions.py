"""The Conclusions page's reads: the register, and for one conclusion its triangulation, evidence,
history and the segments that could be linked as evidence."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy.orm import Session

from qualcode.analysis import displays, register
from qualcode.analysis.tables import CONCLUSION_STATUSES, EVIDENCE_STANCES, TACTICS, Conclusion
from qualcode.errors import NotFoundError
from qualcode.read import entities as read_entities

__all__ = ["CONCLUSION_STATUSES", "EVIDENCE_STANCES", "TACTICS", "ConclusionDetail", "conclusion_detail",
           "conclusion_register"]


@dataclass(frozen=True)
class ConclusionDetail:
    conclusion_id: int
    statement: str
    status: str
    triangulation: register.Triangulation
    evidence: pd.DataFrame  # stance, note, document, informants, groups, kind, snippet, ...
    history: pd.DataFrame  # at, from, to, statement, note
    candidates: pd.DataFrame  # segments that may be linked: segment_id, document, start, snippet, ...


def conclusion_register(session: Session, project_id: int, lang: str) -> pd.DataFrame:
    """conclusion_id, statement, about, status, supporting, contradicting, tactics, ..."""
    return register.conclusion_table(session, project_id, lang)


def _candidates(session: Session, project_id: int, conclusion: Conclusion) -> pd.DataFrame:
    """The segments of the conclusion's code or of its theme's codes (every segment when about neither)."""
    codes = ([conclusion.code_id] if conclusion.code_id else
             register.pattern_code_ids(session, conclusion.pattern_code_id) if conclusion.pattern_code_id else [])
    if not codes:
        return displays.cell_segments(session, project_id)
    if len(codes) == 1:
        return displays.cell_segments(session, project_id, all_of=(codes[0],))
    found: set[int] = set()
    for code in codes:
        found |= set(displays.cell_segments(session, project_id, all_of=(code,))["segment_id"])
    return displays.segment_table(session, project_id, sorted(found))


def conclusion_detail(session: Session, project_id: int, conclusion_id: int) -> ConclusionDetail:
    conclusion = session.get(Conclusion, conclusion_id)
    if conclusion is None or conclusion.project_id != project_id:
        raise NotFoundError("analysis.error_conclusion_not_found", conclusion=conclusion_id)
    history = pd.DataFrame([{"at": h.at, "from": h.old_status or "", "to": h.status, "statement": h.statement,
                             "note": h.note} for h in read_entities.conclusion_history(session, conclusion_id)],
                           columns=["at", "from", "to", "statement", "note"])
    return ConclusionDetail(conclusion_id, conclusion.statement, conclusion.status,
                            register.triangulation(session, conclusion_id), register.evidence_table(session, conclusion_id),
                            history, _candidates(session, project_id, conclusion))
