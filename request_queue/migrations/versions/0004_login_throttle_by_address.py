"""login_throttle: failures counted per (client address, user name), purged by age

Revision ID: 0004
Revises: 0003

The rows are short-lived counters (at most one lockout window old), so the table is rebuilt
rather than altered: a primary key change is a table rebuild on SQLite anyway, and the counts
kept per user name alone cannot be split by address.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table("login_throttle")
    op.create_table(
        "login_throttle",
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("address", "username"),
    )
    op.create_index("ix_login_throttle_updated", "login_throttle", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_login_throttle_updated", table_name="login_throttle")
    op.drop_table("login_throttle")
    op.create_table(
        "login_throttle",
        sa.Column("username", sa.String(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("username"),
    )
