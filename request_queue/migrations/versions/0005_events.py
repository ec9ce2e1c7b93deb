"""events: the durable, ordered feed of what happened to records

Revision ID: 0005
Revises: 0004

``companies.event_seq`` is each company's feed counter; ``events.seq`` is taken from it inside
the writing transaction (request_queue/events.py), unique per company.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("companies") as batch:
        batch.add_column(
            sa.Column("event_seq", sa.BigInteger(), nullable=False, server_default="0")
        )
    op.create_table(
        "events",
        sa.Column("id", BigId, nullable=False),
        sa.Column("company_id", BigId, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column("record_kind", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.String(length=200), nullable=False),
        sa.Column("qb_id", sa.String(length=60), nullable=True),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("company_id", "seq", name="uq_events_seq"),
    )


def downgrade() -> None:
    op.drop_table("events")
    with op.batch_alter_table("companies") as batch:
        batch.drop_column("event_seq")
