"""Suggestion decisions (issue 5).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "suggestion_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("coding_id", sa.Integer(), nullable=True),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("decision IN ('accepted', 'rejected')", name=op.f("ck_suggestion_decisions_decision")),
        sa.CheckConstraint('start >= 0 AND start < "end"', name=op.f("ck_suggestion_decisions_span")),
        sa.ForeignKeyConstraint(["code_id"], ["codes.id"], name=op.f("fk_suggestion_decisions_code_id_codes"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["coder_id"], ["users.id"], name=op.f("fk_suggestion_decisions_coder_id_users"),
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["coding_id"], ["codings.id"], name=op.f("fk_suggestion_decisions_coding_id_codings"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"],
                                name=op.f("fk_suggestion_decisions_document_id_documents"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"],
                                name=op.f("fk_suggestion_decisions_project_id_projects"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion_decisions")),
    )
    with op.batch_alter_table("suggestion_decisions") as batch_op:
        batch_op.create_index(batch_op.f("ix_suggestion_decisions_code_id"), ["code_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_suggestion_decisions_document_id"), ["document_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_suggestion_decisions_project_id"), ["project_id"], unique=False)


def downgrade() -> None:
    op.drop_table("suggestion_decisions")
