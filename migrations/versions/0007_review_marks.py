"""Review marks (a supervisor's sign-off on a document or a code) and sign-in sessions that
survive a reload (issue 17).

Revision ID: 0007
Revises: 0005
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "review_marks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("code_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("guid", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('reviewed', 'approved', 'changes_requested', 'fixed')",
                           name=op.f("ck_review_marks_status")),
        sa.CheckConstraint("(document_id IS NULL) <> (code_id IS NULL)", name=op.f("ck_review_marks_one_target")),
        sa.ForeignKeyConstraint(["assignee_id"], ["users.id"], name=op.f("fk_review_marks_assignee_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_review_marks_author_id_users"),
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["code_id"], ["codes.id"], name=op.f("fk_review_marks_code_id_codes"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], name=op.f("fk_review_marks_document_id_documents"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_review_marks_project_id_projects"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_marks")),
        sa.UniqueConstraint("guid", name=op.f("uq_review_marks_guid")),
    )
    with op.batch_alter_table("review_marks") as batch_op:
        batch_op.create_index(batch_op.f("ix_review_marks_code_id"), ["code_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_review_marks_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_review_marks_document_id"), ["document_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_review_marks_project_id"), ["project_id"], unique=False)
    op.create_table(
        "sign_in_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("handoff_hash", sa.String(length=64), nullable=True),
        sa.Column("handoff_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_sign_in_sessions_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_sessions")),
        sa.UniqueConstraint("handoff_hash", name=op.f("uq_sign_in_sessions_handoff_hash")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_sign_in_sessions_token_hash")),
    )
    with op.batch_alter_table("sign_in_sessions") as batch_op:
        batch_op.create_index(batch_op.f("ix_sign_in_sessions_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_table("sign_in_sessions")
    op.drop_table("review_marks")
