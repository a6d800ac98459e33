"""Sign-in attempts, for limits per login and per client and their audit (issue 12).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_in_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=200), nullable=False),
        sa.Column("client", sa.String(length=100), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("outcome IN ('ok', 'wrong', 'refused')", name=op.f("ck_sign_in_attempts_outcome")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_attempts")),
    )
    with op.batch_alter_table("sign_in_attempts") as batch_op:
        batch_op.create_index("ix_sign_in_attempts_login_at", ["login", "at"], unique=False)
        batch_op.create_index("ix_sign_in_attempts_client_at", ["client", "at"], unique=False)


def downgrade() -> None:
    op.drop_table("sign_in_attempts")
