"""Tables of the suggestion engine (on qualcode.models.Base); moved only by Alembic revisions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from qualcode.models import Base, utcnow


class SuggestionDecision(Base):
    """A researcher's decision on one suggestion: accepted (it became a coding) or rejected."""

    __tablename__ = "suggestion_decisions"
    __table_args__ = (
        CheckConstraint("decision IN ('accepted', 'rejected')", name="decision"),
        CheckConstraint('start >= 0 AND start < "end"', name="span"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"), index=True)
    coder_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    coding_id: Mapped[int | None] = mapped_column(ForeignKey("codings.id", ondelete="SET NULL"), default=None)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    decision: Mapped[str] = mapped_column(String(10))
    score: Mapped[float] = mapped_column(Float, default=0.0)
    source: Mapped[str] = mapped_column(String(20), default="codebook")  # codebook | model | blend
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<SuggestionDecision {self.id} {self.decision} code={self.code_id} {self.start}:{self.end}>"
