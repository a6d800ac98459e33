"""Suggestions served without waiting (issue 14): stored models, cached scores, and the model
version an accepted or rejected suggestion came from.

Revision ID: 0008
Revises: 0005, 0003 (it adds a column to suggestion_decisions)
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | tuple[str, ...] | None = ("0005", "0003")  # joins the comments and suggestions branches
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "suggestion_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("examples", sa.Integer(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=True),
        sa.Column("meta", sa.JSON(), nullable=False),
        sa.Column("quality", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("trained_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('training', 'ready', 'failed')", name=op.f("ck_suggestion_models_status")),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_suggestion_models_project_id_projects"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion_models")),
        sa.UniqueConstraint("project_id", "revision", name=op.f("uq_suggestion_models_project_id_revision")),
    )
    with op.batch_alter_table("suggestion_models") as batch_op:
        batch_op.create_index(batch_op.f("ix_suggestion_models_project_id"), ["project_id"], unique=False)
    op.create_table(
        "suggestion_cache",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("part", sa.String(length=10), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"],
                                name=op.f("fk_suggestion_cache_document_id_documents"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_suggestion_cache_project_id_projects"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion_cache")),
        sa.UniqueConstraint("document_id", "part", "unit", name=op.f("uq_suggestion_cache_document_id_part_unit")),
    )
    with op.batch_alter_table("suggestion_cache") as batch_op:
        batch_op.create_index(batch_op.f("ix_suggestion_cache_project_id"), ["project_id"], unique=False)
    with op.batch_alter_table("suggestion_decisions") as batch_op:
        batch_op.add_column(sa.Column("model_version", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("suggestion_decisions") as batch_op:
        batch_op.drop_column("model_version")
    op.drop_table("suggestion_cache")
    op.drop_table("suggestion_models")
