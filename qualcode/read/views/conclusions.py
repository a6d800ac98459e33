"""The Conclusions page's reads: the register, and for one conclusion its triangulation, evidence,
history, and the evidence picker: a search over every segment of the project, whose code filter
starts at the conclusion's dimension (or its theme's codes) and can be cleared."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode.analysis import register
from qualcode.analysis.tables import CONCLUSION_STATUSES, EVIDENCE_STANCES, TACTICS, Conclusion, ConclusionEvidence
from qualcode.errors import NotFoundError
from qualcode.models import DOCUMENT_KINDS
from qualcode.read import entities as read_entities
from qualcode.read.filters import Filters
from qualcode.read.frame import NO_GROUP, case_frame
from qualcode.read.segment_search import PAGE_SIZE, SegmentMatches, search_segments

__all__ = ["CONCLUSION_STATUSES", "DOCUMENT_KINDS", "EVIDENCE_STANCES", "PAGE_SIZE", "TACTICS", "ConclusionDetail",
           "EvidenceChoices", "EvidenceQuery", "conclusion_detail", "conclusion_register", "evidence_choices",
           "find_evidence"]


@dataclass(frozen=True)
class ConclusionDetail:
    conclusion_id: int
    statement: str
    status: str
    triangulation: register.Triangulation
    evidence: pd.DataFrame  # stance, note, document, informants, groups, kind, snippet, ...
    history: pd.DataFrame  # at, from, to, statement, note
    default_code_ids: tuple[int, ...]  # the evidence picker's code filter to start with


@dataclass(frozen=True)
class EvidenceChoices:
    """What the evidence picker's filters offer: informants (case id -> pseudonym) and the
    stakeholder groups of the project's cases; the codes are the Analysis context's."""

    cases: dict[int, str]
    groups: list[str]


@dataclass(frozen=True)
class EvidenceQuery:
    """The evidence picker's search: words of the segment's text, codes (with sub-codes),
    informants, stakeholder groups and source kinds; empty means any."""

    text: str = ""
    code_ids: tuple[int, ...] = ()
    case_ids: tuple[int, ...] = ()
    groups: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()


def conclusion_register(session: Session, project_id: int, lang: str) -> pd.DataFrame:
    """conclusion_id, statement, about, status, supporting, contradicting, tactics, ..."""
    return register.conclusion_table(session, project_id, lang)


def _default_codes(session: Session, conclusion: Conclusion) -> tuple[int, ...]:
    """The conclusion's code, or its theme's codes (none when it is about neither)."""
    if conclusion.code_id:
        return (conclusion.code_id,)
    if conclusion.pattern_code_id:
        return tuple(register.pattern_code_ids(session, conclusion.pattern_code_id))
    return ()


def _conclusion(session: Session, project_id: int, conclusion_id: int) -> Conclusion:
    conclusion = session.get(Conclusion, conclusion_id)
    if conclusion is None or conclusion.project_id != project_id:
        raise NotFoundError("analysis.error_conclusion_not_found", conclusion=conclusion_id)
    return conclusion


def evidence_choices(session: Session, project_id: int) -> EvidenceChoices:
    cases = case_frame(session, project_id)
    return EvidenceChoices(cases={int(i): str(p) for i, p in
                                  cases.drop_duplicates("case_id")[["case_id", "pseudonym"]].itertuples(index=False)},
                           groups=sorted(set(cases["group"]) - {NO_GROUP}))


def find_evidence(session: Session, project_id: int, conclusion_id: int, query: EvidenceQuery, *, page: int = 1,
                  per_page: int = PAGE_SIZE, lang: str = "id") -> SegmentMatches:
    """One page (from 1) of the project's segments matching ``query``, each with ``linked``: its
    stance as this conclusion's evidence already ("" when not linked)."""
    _conclusion(session, project_id, conclusion_id)
    filters = Filters(code_ids=query.code_ids, case_ids=query.case_ids, groups=query.groups, kinds=query.kinds)
    found = search_segments(session, project_id, filters, query.text, offset=(max(page, 1) - 1) * per_page,
                            limit=per_page, lang=lang)
    linked = dict(session.execute(select(ConclusionEvidence.segment_id, ConclusionEvidence.stance)
                                  .where(ConclusionEvidence.conclusion_id == conclusion_id)).all())
    rows = found.rows.assign(linked=[linked.get(int(s), "") for s in found.rows["segment_id"]])
    return SegmentMatches(found.total, rows, found.offset, found.limit)


def conclusion_detail(session: Session, project_id: int, conclusion_id: int) -> ConclusionDetail:
    conclusion = _conclusion(session, project_id, conclusion_id)
    history = pd.DataFrame([{"at": h.at, "from": h.old_status or "", "to": h.status, "statement": h.statement,
                             "note": h.note} for h in read_entities.conclusion_history(session, conclusion_id)],
                           columns=["at", "from", "to", "statement", "note"])
    return ConclusionDetail(conclusion_id, conclusion.statement, conclusion.status,
                            register.triangulation(session, conclusion_id), register.evidence_table(session, conclusion_id),
                            history, _default_codes(session, conclusion))
