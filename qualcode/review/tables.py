"""Tables of qualcode.review (on qualcode.models.Base); moved only by Alembic revisions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qualcode.models import Base, User, new_guid, utcnow

COMMENT_STATUSES = ("open", "resolved")


class Comment(Base):
    """A supervisor's or researcher's comment on a segment or one coding. A thread is a root
    comment (with the target and the open/resolved status) and its replies (``parent_id``)."""

    __tablename__ = "comments"
    __table_args__ = (CheckConstraint("status IN ('open', 'resolved')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    segment_id: Mapped[int] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"), index=True)
    coding_id: Mapped[int | None] = mapped_column(ForeignKey("codings.id", ondelete="CASCADE"), index=True,
                                                  default=None)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True,
                                                  default=None)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")
    guid: Mapped[str] = mapped_column(String(36), unique=True, default=new_guid)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    author: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<Comment {self.id} seg={self.segment_id} {self.status}>"


REVIEW_STATUSES = ("reviewed", "approved", "changes_requested", "fixed")


class ReviewMark(Base):
    """One step of a review: a supervisor marks a document, or a code across documents, as
    reviewed, approved or needing changes (with a comment, and optionally the researcher who
    should act); a researcher answers a change request with ``fixed``. Marks are never edited:
    a target's latest mark is its state, the earlier ones its history."""

    __tablename__ = "review_marks"
    __table_args__ = (
        CheckConstraint("status IN ('reviewed', 'approved', 'changes_requested', 'fixed')", name="status"),
        CheckConstraint("(document_id IS NULL) <> (code_id IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True,
                                                    default=None)
    code_id: Mapped[int | None] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"), index=True,
                                                default=None)
    status: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    guid: Mapped[str] = mapped_column(String(36), unique=True, default=new_guid)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)

    author: Mapped[User] = relationship(foreign_keys=[author_id])

    def __repr__(self) -> str:
        target = f"doc={self.document_id}" if self.document_id is not None else f"code={self.code_id}"
        return f"<ReviewMark {self.id} {target} {self.status}>"


class SignInSession(Base):
    """A browser that stays signed in on a team server (accounts on): the hash of the token its
    signed, HTTP-only cookie carries, when it was last active and when it expires. A sign-in
    first gets a one-time handoff code (hash and expiry), which the browser exchanges for the
    cookie; signing out revokes the row, so the cookie is dead even if a copy survives."""

    __tablename__ = "sign_in_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    handoff_hash: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    handoff_expires_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    def __repr__(self) -> str:
        return f"<SignInSession {self.id} user={self.user_id}{' revoked' if self.revoked_at else ''}>"
