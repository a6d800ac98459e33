"""Tables of qualcode.analysis (on qualcode.models.Base); moved only by Alembic revisions.

The Miles–Huberman workflow: second-cycle pattern codes, condensed excerpts, per-case ratings
(the researcher's cells of case-ordered and checklist matrices), summary sheets per document,
and the register of conclusions with their status history, evidence and verification tactics.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qualcode.models import Base, utcnow

CONCLUSION_STATUSES = ("tentative", "supported", "revised", "rejected")
EVIDENCE_STANCES = ("supporting", "contradicting")
TACTICS = (
    "noting_patterns",
    "counting",
    "making_contrasts",
    "checking_representativeness",
    "checking_researcher_effects",
    "triangulating",
    "weighing_evidence",
    "checking_outliers",
    "using_extreme_cases",
    "following_surprises",
    "looking_for_negative_evidence",
    "ruling_out_spurious_relations",
    "checking_rival_explanations",
    "getting_feedback_from_informants",
)

pattern_code_members = Table(
    "pattern_code_members",
    Base.metadata,
    Column("pattern_code_id", ForeignKey("pattern_codes.id", ondelete="CASCADE"), primary_key=True),
    Column("code_id", ForeignKey("codes.id", ondelete="CASCADE"), primary_key=True),
)

summary_sheet_segments = Table(
    "summary_sheet_segments",
    Base.metadata,
    Column("summary_sheet_id", ForeignKey("summary_sheets.id", ondelete="CASCADE"), primary_key=True),
    Column("segment_id", ForeignKey("segments.id", ondelete="CASCADE"), primary_key=True),
)


class PatternCode(Base):
    """A second-cycle pattern code (theme) grouping first-cycle codes; the codebook stays intact."""

    __tablename__ = "pattern_codes"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    definition: Mapped[str] = mapped_column(Text, default="")
    memo: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    codes = relationship("Code", secondary=pattern_code_members, order_by="Code.path")

    def __repr__(self) -> str:
        return f"<PatternCode {self.id} {self.name!r}>"


class Condensation(Base):
    """A one-line condensation of one segment under one code (shown in case-ordered matrix cells)."""

    __tablename__ = "condensations"
    __table_args__ = (UniqueConstraint("segment_id", "code_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    segment_id: Mapped[int] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"), index=True)
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(500))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<Condensation seg={self.segment_id} code={self.code_id}>"


class CaseRating(Base):
    """The researcher's cell for one case and one dimension: a rating (case-ordered matrix) and
    whether the condition is present and how strongly, 0-3 (checklist matrix)."""

    __tablename__ = "case_ratings"
    __table_args__ = (
        UniqueConstraint("case_id", "code_id"),
        CheckConstraint("strength IS NULL OR (strength >= 0 AND strength <= 3)", name="strength"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"), index=True)
    rating: Mapped[str] = mapped_column(String(200), default="")
    present: Mapped[bool | None] = mapped_column(Boolean, default=None)
    strength: Mapped[int | None] = mapped_column(Integer, default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<CaseRating case={self.case_id} code={self.code_id} {self.rating!r}>"


class SummarySheet(Base):
    """A contact summary form for one document: main themes, salient points, next questions."""

    __tablename__ = "summary_sheets"
    __table_args__ = (UniqueConstraint("document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    main_themes: Mapped[str] = mapped_column(Text, default="")
    salient_points: Mapped[str] = mapped_column(Text, default="")
    next_questions: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    segments = relationship("Segment", secondary=summary_sheet_segments, order_by="Segment.start")

    def __repr__(self) -> str:
        return f"<SummarySheet doc={self.document_id}>"


class Conclusion(Base):
    """A proposition in the register, on a dimension (code) or a theme (pattern code)."""

    __tablename__ = "conclusions"
    __table_args__ = (
        CheckConstraint("status IN ('tentative', 'supported', 'revised', 'rejected')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    statement: Mapped[str] = mapped_column(Text)
    code_id: Mapped[int | None] = mapped_column(ForeignKey("codes.id", ondelete="SET NULL"), default=None)
    pattern_code_id: Mapped[int | None] = mapped_column(
        ForeignKey("pattern_codes.id", ondelete="SET NULL"), default=None
    )
    status: Mapped[str] = mapped_column(String(20), default="tentative")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<Conclusion {self.id} {self.status}>"


class ConclusionChange(Base):
    """One step of a conclusion's history: its status and statement after the change."""

    __tablename__ = "conclusion_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    conclusion_id: Mapped[int] = mapped_column(ForeignKey("conclusions.id", ondelete="CASCADE"), index=True)
    old_status: Mapped[str | None] = mapped_column(String(20), default=None)
    status: Mapped[str] = mapped_column(String(20))
    statement: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<ConclusionChange {self.conclusion_id} {self.old_status}->{self.status}>"


class ConclusionEvidence(Base):
    """A segment linked to a conclusion as supporting or contradicting evidence, with a note."""

    __tablename__ = "conclusion_evidence"
    __table_args__ = (
        UniqueConstraint("conclusion_id", "segment_id"),
        CheckConstraint("stance IN ('supporting', 'contradicting')", name="stance"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conclusion_id: Mapped[int] = mapped_column(ForeignKey("conclusions.id", ondelete="CASCADE"), index=True)
    segment_id: Mapped[int] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"), index=True)
    stance: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<ConclusionEvidence {self.conclusion_id} seg={self.segment_id} {self.stance}>"


class ConclusionTactic(Base):
    """A verification tactic applied to a conclusion, with what it showed."""

    __tablename__ = "conclusion_tactics"
    __table_args__ = (UniqueConstraint("conclusion_id", "tactic"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conclusion_id: Mapped[int] = mapped_column(ForeignKey("conclusions.id", ondelete="CASCADE"), index=True)
    tactic: Mapped[str] = mapped_column(String(60))
    note: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<ConclusionTactic {self.conclusion_id} {self.tactic}>"
