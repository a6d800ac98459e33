"""Tables of qualcode.security (on qualcode.models.Base); moved only by Alembic revisions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from qualcode.models import Base, utcnow

SIGN_IN_OUTCOMES = ("ok", "wrong", "refused")


class SignInAttempt(Base):
    """One sign-in attempt: the login name as typed (lower-cased), the client it came from and
    how it ended (``ok``, ``wrong`` login or password, ``refused`` while limited). Kept apart
    from the audit trail's rows because a failed attempt names no user and must survive the
    rollback of the action that refused it."""

    __tablename__ = "sign_in_attempts"
    __table_args__ = (
        CheckConstraint("outcome IN ('ok', 'wrong', 'refused')", name="outcome"),
        Index("ix_sign_in_attempts_login_at", "login", "at"),
        Index("ix_sign_in_attempts_client_at", "client", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(200))
    client: Mapped[str] = mapped_column(String(100))
    outcome: Mapped[str] = mapped_column(String(10))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<SignInAttempt {self.login!r} from {self.client} {self.outcome} at {self.at:%Y-%m-%d %H:%M:%S}>"
