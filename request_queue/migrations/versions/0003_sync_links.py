"""links: a role per QuickBooks object of one record, and the content hash of the last sync

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("links") as batch:
        batch.add_column(sa.Column("role", sa.String(length=20), nullable=False, server_default=""))
        batch.add_column(sa.Column("content_hash", sa.String(length=64), nullable=True))
        batch.add_column(
            sa.Column("name_suffix", sa.String(length=20), nullable=False, server_default="")
        )
        batch.drop_constraint("uq_links_app", type_="unique")
        batch.create_unique_constraint("uq_links_app", ["company_id", "kind", "app_id", "role"])
        batch.drop_constraint("uq_links_qb", type_="unique")
        batch.create_unique_constraint("uq_links_qb", ["company_id", "kind", "role", "qb_id"])
        batch.create_index("ix_links_qb_id", ["company_id", "qb_id"])
    with op.batch_alter_table("requests") as batch:
        batch.create_index("ix_requests_state", ["company_id", "state", "entity", "record_id"])
    with op.batch_alter_table("records") as batch:
        batch.add_column(sa.Column("project_id", sa.String(length=200), nullable=True))
        batch.create_index("ix_records_project", ["company_id", "kind", "project_id"])


def downgrade() -> None:
    with op.batch_alter_table("records") as batch:
        batch.drop_index("ix_records_project")
        batch.drop_column("project_id")
    with op.batch_alter_table("requests") as batch:
        batch.drop_index("ix_requests_state")
    with op.batch_alter_table("links") as batch:
        batch.drop_index("ix_links_qb_id")
        batch.drop_constraint("uq_links_qb", type_="unique")
        batch.create_unique_constraint("uq_links_qb", ["company_id", "kind", "qb_id"])
        batch.drop_constraint("uq_links_app", type_="unique")
        batch.create_unique_constraint("uq_links_app", ["company_id", "kind", "app_id"])
        batch.drop_column("name_suffix")
        batch.drop_column("content_hash")
        batch.drop_column("role")
