"""queue at scale: a partial claim index and kept per-company counts of requests by state

Revision ID: 0009
Revises: 0008

``ix_requests_queued`` (company_id, not_before, id) WHERE state = 'queued' serves both the
claim's filter and its ORDER BY not_before, id, and holds no finished history, so it replaces
``ix_requests_claim``.
``queue_counts`` is filled from the requests already stored; from then on the queue keeps it
(request_queue/tally.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

STATES = ("queued", "sent", "done", "failed", "uncertain", "resolved", "cancelled")
QUEUED = sa.text("state = 'queued'")
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# Every company's requests counted once per state, as the queue keeps them from now on.
BACKFILL = """
INSERT INTO queue_counts
    (company_id, queued, sent, done, failed, uncertain, resolved, cancelled)
SELECT company_id,
    SUM(CASE WHEN state = 'queued' THEN 1 ELSE 0 END),
    SUM(CASE WHEN state = 'sent' THEN 1 ELSE 0 END),
    SUM(CASE WHEN state = 'done' THEN 1 ELSE 0 END),
    SUM(CASE WHEN state = 'failed' THEN 1 ELSE 0 END),
    SUM(CASE WHEN state = 'uncertain' THEN 1 ELSE 0 END),
    SUM(CASE WHEN state = 'resolved' THEN 1 ELSE 0 END),
    SUM(CASE WHEN state = 'cancelled' THEN 1 ELSE 0 END)
FROM requests GROUP BY company_id
"""


def upgrade() -> None:
    op.drop_index("ix_requests_claim", table_name="requests")
    op.create_index(
        "ix_requests_queued",
        "requests",
        ["company_id", "not_before", "id"],
        sqlite_where=QUEUED,
        postgresql_where=QUEUED,
    )
    op.create_table(
        "queue_counts",
        sa.Column("company_id", BigId, autoincrement=False, nullable=False),
        *(sa.Column(state, sa.BigInteger(), nullable=False) for state in STATES),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"]),
        sa.PrimaryKeyConstraint("company_id"),
    )
    op.execute(BACKFILL)


def downgrade() -> None:
    op.drop_table("queue_counts")
    op.drop_index("ix_requests_queued", table_name="requests")
    op.create_index("ix_requests_claim", "requests", ["company_id", "state", "not_before", "id"])
