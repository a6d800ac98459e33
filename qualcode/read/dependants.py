"""What goes with a document when it is deleted: every row the database cascades from it (directly,
or through its segments and their codings), counted so the researcher is told before saying yes,
and kept in the audit trail after. And what rests on one coding's passage when the coding is
removed: the rows that stay with the passage (a segment is kept while any of them rests on it,
:func:`resting_on`) and the comments on the coding itself, which go with it.

The cascades this follows (``ondelete="CASCADE"`` in qualcode/models.py, analysis/, review/ and
nlp/tables.py): a document's turns, segments, memos, summary sheet, review marks, suggestion
decisions and cached suggestion scores, and its links to cases; a segment's codings, memos,
condensations, comments, evidence links and its place on summary sheets. Turns, segments and cached
scores are part of the document itself and need no mention; the cases stay, only unlinked.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_, select, union
from sqlalchemy.orm import Session

from qualcode.analysis.tables import (
    Conclusion,
    ConclusionEvidence,
    Condensation,
    SummarySheet,
    summary_sheet_segments,
)
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


def resting_on(session: Session, segment_ids: list[int]) -> set[int]:
    """Those of the segments that something of the analysis rests on: a memo, a comment, an evidence
    link, a condensation or a place on a summary sheet. Such a segment stays when its last coding
    goes (``services.codings.prune_segments``): the passage is what they point to."""
    if not segment_ids:
        return set()
    ids = list(set(segment_ids))
    found = session.scalars(union(
        select(Memo.segment_id).where(Memo.segment_id.in_(ids)),
        select(Comment.segment_id).where(Comment.segment_id.in_(ids)),
        select(ConclusionEvidence.segment_id).where(ConclusionEvidence.segment_id.in_(ids)),
        select(Condensation.segment_id).where(Condensation.segment_id.in_(ids)),
        select(summary_sheet_segments.c.segment_id).where(summary_sheet_segments.c.segment_id.in_(ids)),
    ))
    return {int(i) for i in found if i is not None}


@dataclass(frozen=True)
class CodingDependants:
    """What rests on a coding and its passage, for the question before removing it.

    ``coding_comments`` (threads and replies on this coding) go with the coding, for good: undo
    puts back a new coding. The rest stays with the passage (its segment is kept, see
    :func:`resting_on`), so undo finds it again: memos on the passage, comments on the passage
    itself, its evidence links (by conclusion), the condensation of the passage under this code and
    its places on summary sheets. ``other_codings``: codings the passage keeps."""

    coding_comments: int = 0
    memos: int = 0
    passage_comments: int = 0
    conclusions: tuple[LosingConclusion, ...] = ()  # evidence links of the passage (they stay)
    condensations: int = 0
    summary_sheets: int = 0
    other_codings: int = 0

    @property
    def stays(self) -> int:
        """How many things stay with the passage."""
        return (self.memos + self.passage_comments + len(self.conclusions) + self.condensations
                + self.summary_sheets)

    @property
    def asks(self) -> bool:
        """Whether removing the coding should ask first: something rests on it or its passage."""
        return bool(self.coding_comments or self.stays)


def coding_dependants(session: Session, coding_id: int) -> CodingDependants:
    """What rests on the coding ``coding_id`` and its passage (nothing when it no longer exists)."""
    coding = session.get(Coding, coding_id)
    if coding is None:
        return CodingDependants()
    segment_id = coding.segment_id
    conclusions = session.execute(
        select(Conclusion.id, Conclusion.statement, func.count(ConclusionEvidence.id))
        .join(ConclusionEvidence, ConclusionEvidence.conclusion_id == Conclusion.id)
        .where(ConclusionEvidence.segment_id == segment_id)
        .group_by(Conclusion.id, Conclusion.statement)
        .order_by(Conclusion.id)
    ).all()
    return CodingDependants(
        coding_comments=_count(session, Comment, Comment.coding_id == coding_id),
        memos=_count(session, Memo, Memo.segment_id == segment_id),
        passage_comments=_count(session, Comment, (Comment.segment_id == segment_id) & Comment.coding_id.is_(None)),
        conclusions=tuple(LosingConclusion(int(i), s, int(n)) for i, s, n in conclusions),
        condensations=_count(session, Condensation, (Condensation.segment_id == segment_id)
                             & (Condensation.code_id == coding.code_id)),
        summary_sheets=int(session.scalar(select(func.count()).select_from(summary_sheet_segments)
                                          .where(summary_sheet_segments.c.segment_id == segment_id)) or 0),
        other_codings=_count(session, Coding, (Coding.segment_id == segment_id) & (Coding.id != coding_id)),
    )
