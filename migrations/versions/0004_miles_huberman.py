"""The Miles–Huberman workflow: pattern codes, condensations, case ratings, summary sheets and
the conclusions register (status history, evidence, verification tactics).

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    "conclusion_tactics",
    "conclusion_evidence",
    "conclusion_changes",
    "summary_sheet_segments",
    "pattern_code_members",
    "condensations",
    "conclusions",
    "case_ratings",
    "summary_sheets",
    "pattern_codes",
)


def upgrade() -> None:
    op.create_table(
        "pattern_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("memo", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_pattern_codes_author_id_users"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_pattern_codes_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pattern_codes")),
        sa.UniqueConstraint("project_id", "name", name=op.f("uq_pattern_codes_project_id_name")),
    )
    with op.batch_alter_table("pattern_codes") as batch_op:
        batch_op.create_index(batch_op.f("ix_pattern_codes_project_id"), ["project_id"], unique=False)

    op.create_table(
        "summary_sheets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("main_themes", sa.Text(), nullable=False),
        sa.Column("salient_points", sa.Text(), nullable=False),
        sa.Column("next_questions", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_summary_sheets_author_id_users"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_summary_sheets_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_summary_sheets_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_summary_sheets")),
        sa.UniqueConstraint("document_id", name=op.f("uq_summary_sheets_document_id")),
    )
    with op.batch_alter_table("summary_sheets") as batch_op:
        batch_op.create_index(batch_op.f("ix_summary_sheets_project_id"), ["project_id"], unique=False)

    op.create_table(
        "case_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.String(length=200), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=True),
        sa.Column("strength", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "strength IS NULL OR (strength >= 0 AND strength <= 3)", name=op.f("ck_case_ratings_strength")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_case_ratings_author_id_users"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_ratings_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["code_id"], ["codes.id"], name=op.f("fk_case_ratings_code_id_codes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_case_ratings_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_ratings")),
        sa.UniqueConstraint("case_id", "code_id", name=op.f("uq_case_ratings_case_id_code_id")),
    )
    with op.batch_alter_table("case_ratings") as batch_op:
        batch_op.create_index(batch_op.f("ix_case_ratings_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_ratings_code_id"), ["code_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_ratings_project_id"), ["project_id"], unique=False)

    op.create_table(
        "conclusions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=True),
        sa.Column("pattern_code_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('tentative', 'supported', 'revised', 'rejected')", name=op.f("ck_conclusions_status")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_conclusions_author_id_users"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["code_id"], ["codes.id"], name=op.f("fk_conclusions_code_id_codes"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["pattern_code_id"],
            ["pattern_codes.id"],
            name=op.f("fk_conclusions_pattern_code_id_pattern_codes"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_conclusions_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conclusions")),
    )
    with op.batch_alter_table("conclusions") as batch_op:
        batch_op.create_index(batch_op.f("ix_conclusions_project_id"), ["project_id"], unique=False)

    op.create_table(
        "condensations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_condensations_author_id_users"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["code_id"], ["codes.id"], name=op.f("fk_condensations_code_id_codes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_condensations_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["segments.id"],
            name=op.f("fk_condensations_segment_id_segments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_condensations")),
        sa.UniqueConstraint("segment_id", "code_id", name=op.f("uq_condensations_segment_id_code_id")),
    )
    with op.batch_alter_table("condensations") as batch_op:
        batch_op.create_index(batch_op.f("ix_condensations_code_id"), ["code_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_condensations_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_condensations_segment_id"), ["segment_id"], unique=False)

    op.create_table(
        "pattern_code_members",
        sa.Column("pattern_code_id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["code_id"], ["codes.id"], name=op.f("fk_pattern_code_members_code_id_codes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["pattern_code_id"],
            ["pattern_codes.id"],
            name=op.f("fk_pattern_code_members_pattern_code_id_pattern_codes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pattern_code_id", "code_id", name=op.f("pk_pattern_code_members")),
    )
    op.create_table(
        "summary_sheet_segments",
        sa.Column("summary_sheet_id", sa.Integer(), nullable=False),
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["segments.id"],
            name=op.f("fk_summary_sheet_segments_segment_id_segments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["summary_sheet_id"],
            ["summary_sheets.id"],
            name=op.f("fk_summary_sheet_segments_summary_sheet_id_summary_sheets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("summary_sheet_id", "segment_id", name=op.f("pk_summary_sheet_segments")),
    )
    op.create_table(
        "conclusion_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conclusion_id", sa.Integer(), nullable=False),
        sa.Column("old_status", sa.String(length=20), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conclusion_id"],
            ["conclusions.id"],
            name=op.f("fk_conclusion_changes_conclusion_id_conclusions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_conclusion_changes_user_id_users"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conclusion_changes")),
    )
    with op.batch_alter_table("conclusion_changes") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conclusion_changes_conclusion_id"), ["conclusion_id"], unique=False
        )

    op.create_table(
        "conclusion_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conclusion_id", sa.Integer(), nullable=False),
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("stance", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "stance IN ('supporting', 'contradicting')", name=op.f("ck_conclusion_evidence_stance")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_conclusion_evidence_author_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["conclusion_id"],
            ["conclusions.id"],
            name=op.f("fk_conclusion_evidence_conclusion_id_conclusions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["segments.id"],
            name=op.f("fk_conclusion_evidence_segment_id_segments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conclusion_evidence")),
        sa.UniqueConstraint(
            "conclusion_id", "segment_id", name=op.f("uq_conclusion_evidence_conclusion_id_segment_id")
        ),
    )
    with op.batch_alter_table("conclusion_evidence") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conclusion_evidence_conclusion_id"), ["conclusion_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_conclusion_evidence_segment_id"), ["segment_id"], unique=False)

    op.create_table(
        "conclusion_tactics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conclusion_id", sa.Integer(), nullable=False),
        sa.Column("tactic", sa.String(length=60), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conclusion_id"],
            ["conclusions.id"],
            name=op.f("fk_conclusion_tactics_conclusion_id_conclusions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_conclusion_tactics_user_id_users"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conclusion_tactics")),
        sa.UniqueConstraint(
            "conclusion_id", "tactic", name=op.f("uq_conclusion_tactics_conclusion_id_tactic")
        ),
    )
    with op.batch_alter_table("conclusion_tactics") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conclusion_tactics_conclusion_id"), ["conclusion_id"], unique=False
        )


def downgrade() -> None:
    for name in TABLES:
        op.drop_table(name)
