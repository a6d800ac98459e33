"""What goes with a document when it is deleted: every row the database cascades from it (directly,
or through its segments and their codings), counted so the researcher is told before saying yes,
and kept in the audit trail after.

The cascades this follows (``ondelete="CASCADE"`` in qualcode/models.py, analysis/, review/ and
nlp/tables.py): a document's turns, segments, memos, summary sheet, review marks, suggestion
decisions and cached suggestion scores, and its links to cases; a segment's codings, memos,
condensations, comments, evidence links and its place on summary sheets. Turns, segments and cached
scores are part of the document itself and need no mention; the cases stay, only unlinked.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from qualcode.analysis.tables import Conclusion, ConclusionEvidence, Condensation, SummarySheet
from qualcode.models import Case, Coding, Memo, Segment, case_documents
from qualcode.nlp.tables import SuggestionDecision
from qualcode.review.tables import Comment, ReviewMark


@dataclass(frozen=True)
class LosingConclusion:
    """A conclusion that loses evidence: ``links`` of its evidence are segments of the document."""

    id: int
    statement: str
    links: int


@dataclass(frozen=True)
class DocumentDependants:
    """What goes with a document when it is deleted, and what keeps its text fixed (codings)."""

    segments: int
    codings: int
    memos: int  # on the document or on one of its segments
    condensations: int = 0  # condensed excerpts of its segments
    summary_sheets: int = 0  # the document's summary sheet (at most one)
    comments: int = 0  # comment threads and replies on its segments or codings
    review_marks: int = 0  # review steps on the document
    suggestion_decisions: int = 0  # suggestions accepted or rejected in it
    conclusions: tuple[LosingConclusion, ...] = ()  # the conclusions whose evidence it holds
    cases: tuple[str, ...] = ()  # pseudonyms of the cases it is linked to (they stay, unlinked)

    @property
    def evidence(self) -> int:
        """Evidence links to conclusions that go (a segment may be evidence of several)."""
        return sum(c.links for c in self.conclusions)

    def audit(self) -> dict[str, object]:
        """The counts and ids as an audit payload."""
        return {"segments": self.segments, "codings": self.codings, "memos": self.memos,
                "condensations": self.condensations, "summary_sheets": self.summary_sheets,
                "comments": self.comments, "review_marks": self.review_marks,
                "suggestion_decisions": self.suggestion_decisions, "evidence": self.evidence,
                "conclusions": [c.id for c in self.conclusions], "cases": list(self.cases)}


def _count(session: Session, model: type, where: ColumnElement[bool]) -> int:
    return int(session.scalar(select(func.count()).select_from(model).where(where)) or 0)


def document_dependants(session: Session, document_id: int) -> DocumentDependants:
    segment_ids = select(Segment.id).where(Segment.document_id == document_id)
    conclusions = session.execute(
        select(Conclusion.id, Conclusion.statement, func.count(ConclusionEvidence.id))
        .join(ConclusionEvidence, ConclusionEvidence.conclusion_id == Conclusion.id)
        .where(ConclusionEvidence.segment_id.in_(segment_ids))
        .group_by(Conclusion.id, Conclusion.statement)
        .order_by(Conclusion.id)
    ).all()
    cases = session.scalars(
        select(Case.pseudonym).join(case_documents, case_documents.c.case_id == Case.id)
        .where(case_documents.c.document_id == document_id).order_by(Case.pseudonym)
    ).all()
    return DocumentDependants(
        segments=_count(session, Segment, Segment.document_id == document_id),
        codings=_count(session, Coding, Coding.segment_id.in_(segment_ids)),
        memos=_count(session, Memo, or_(Memo.document_id == document_id, Memo.segment_id.in_(segment_ids))),
        condensations=_count(session, Condensation, Condensation.segment_id.in_(segment_ids)),
        summary_sheets=_count(session, SummarySheet, SummarySheet.document_id == document_id),
        comments=_count(session, Comment, Comment.segment_id.in_(segment_ids)),
        review_marks=_count(session, ReviewMark, ReviewMark.document_id == document_id),
        suggestion_decisions=_count(session, SuggestionDecision, SuggestionDecision.document_id == document_id),
        conclusions=tuple(LosingConclusion(int(i), s, int(n)) for i, s, n in conclusions),
        cases=tuple(cases),
    )
