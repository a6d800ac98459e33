"""Codebook metadata: the YAML's ``meta:`` section stored on the codebook (issue 11).

Which codes are directions, which are never suggested, which codebook the cross-framework matrix
pairs with by default: this used to be written in code for the shipped 5C and Ansell & Gash
codebooks. Codebooks applied before this revision get the metadata their shipped files now carry,
so displays and suggestions behave as before until the codebook is applied again.

Revision ID: 0010
Revises: 0005
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What codebooks/*.yaml say in their meta: section at this revision (data, not the live files).
SHIPPED = {
    "najam_5c_1995": {"directions": ["supporting", "inhibiting"],
                      "never_suggested": ["direction", "supporting", "inhibiting"]},
    "ansell_gash_2008": {"cross_framework_factors": "najam_5c_1995"},
}


def upgrade() -> None:
    with op.batch_alter_table("codebooks") as batch_op:
        batch_op.add_column(sa.Column("meta", sa.JSON(), nullable=True))
    codebooks = sa.table("codebooks", sa.column("key", sa.String()), sa.column("meta", sa.JSON()))
    for key, meta in SHIPPED.items():
        op.execute(codebooks.update().where(codebooks.c.key == key).values(meta=meta))


def downgrade() -> None:
    with op.batch_alter_table("codebooks") as batch_op:
        batch_op.drop_column("meta")
