"""fast polls: the failure back-off a sign-in reads in its one statement

Revision ID: 0006
Revises: 0005

``companies.failed_sessions`` counts the sessions that ended failed in a row, and
``companies.backoff_until`` is when the Web Connector may sync again; until then an idle
sign-in answers "none" with a postpone (qbwc_server/polls.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("companies") as batch:
        batch.add_column(
            sa.Column("failed_sessions", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("backoff_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("companies") as batch:
        batch.drop_column("backoff_until")
        batch.drop_column("failed_sessions")
