"""Tables of the suggestion engine (on qualcode.models.Base); moved only by Alembic revisions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
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
    # Which stored model (suggestion_models.id) scored the suggestion; None: the codebook alone.
    model_version: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<SuggestionDecision {self.id} {self.decision} code={self.code_id} {self.start}:{self.end}>"


class SuggestionModel(Base):
    """A project's learned model, trained off the request path on the codings as they stood at
    ``revision``; its id is the model version a suggestion records. ``status`` is ``training``
    while a worker claims the revision (the unique constraint stops two app processes training
    the same one), then ``ready`` (``payload`` + ``meta``: see ``LearnedModel.to_bytes``) or
    ``failed``. ``quality`` (per-code cross-validated precision and recall) arrives later."""

    __tablename__ = "suggestion_models"
    __table_args__ = (
        UniqueConstraint("project_id", "revision"),
        CheckConstraint("status IN ('training', 'ready', 'failed')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    revision: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10), default="training")
    examples: Mapped[int] = mapped_column(Integer, default=0)
    payload: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    quality: Mapped[list[Any] | None] = mapped_column(JSON, default=None)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    trained_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class SuggestionCache(Base):
    """Cached scores of one document's units: ``part`` ``codebook`` (valid while ``key``, a hash
    of the text, the codebook and the unit kind, holds) or ``model`` (the key adds the model
    version). One row per document, part and unit kind; a stale row is overwritten."""

    __tablename__ = "suggestion_cache"
    __table_args__ = (UniqueConstraint("document_id", "part", "unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    part: Mapped[str] = mapped_column(String(10))
    unit: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(64))
    payload: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
