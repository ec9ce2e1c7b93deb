"""import watermarks: per company and kind, where the last complete import got to

Revision ID: 0008
Revises: 0007

A repeated import asks QuickBooks only for objects modified from ``modified_since`` on
(qbwc_server/sync/imports/_base.py says how the value is chosen).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "import_watermarks",
        sa.Column("company_id", BigId, nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("modified_since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"]),
        sa.PrimaryKeyConstraint("company_id", "kind"),
    )


def downgrade() -> None:
    op.drop_table("import_watermarks")
