"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-25 06:26:45.494320
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('companies',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('qbwc_username', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=300), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('owner_id', sa.String(length=40), nullable=False),
    sa.Column('file_id', sa.String(length=40), nullable=False),
    sa.Column('company_file', sa.Text(), nullable=True),
    sa.Column('host_info', sa.JSON(), nullable=True),
    sa.Column('qbxml_version', sa.String(length=10), nullable=True),
    sa.Column('last_session_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_session_result', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('qbwc_username')
    )
    op.create_table('login_throttle',
    sa.Column('username', sa.String(length=200), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('username')
    )
    op.create_table('links',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('company_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('app_id', sa.String(length=200), nullable=False),
    sa.Column('qb_id', sa.String(length=60), nullable=False),
    sa.Column('edit_sequence', sa.String(length=40), nullable=True),
    sa.Column('full_name', sa.Text(), nullable=True),
    sa.Column('qb_time_modified', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_synced_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('company_id', 'kind', 'app_id', name='uq_links_app'),
    sa.UniqueConstraint('company_id', 'kind', 'qb_id', name='uq_links_qb')
    )
    op.create_table('log',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('company_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('level', sa.String(length=8), nullable=False),
    sa.Column('event', sa.String(length=40), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('record_kind', sa.String(length=40), nullable=True),
    sa.Column('record_id', sa.String(length=200), nullable=True),
    sa.Column('request_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('session_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('details', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('log', schema=None) as batch_op:
        batch_op.create_index('ix_log_company_at', ['company_id', 'id'], unique=False)
        batch_op.create_index('ix_log_record', ['company_id', 'record_kind', 'record_id'], unique=False)

    op.create_table('qbwc_sessions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('company_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('ticket_hash', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('company_file', sa.Text(), nullable=True),
    sa.Column('qbxml_version', sa.String(length=10), nullable=True),
    sa.Column('client_version', sa.String(length=40), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('pending_noop', sa.Boolean(), nullable=False),
    sa.Column('noops', sa.Integer(), nullable=False),
    sa.Column('connection_errors', sa.Integer(), nullable=False),
    sa.Column('sets_sent', sa.Integer(), nullable=False),
    sa.Column('done_count', sa.Integer(), nullable=False),
    sa.Column('failed_count', sa.Integer(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('ticket_hash')
    )
    with op.batch_alter_table('qbwc_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_sessions_company_state', ['company_id', 'state'], unique=False)

    op.create_table('records',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('company_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('record_id', sa.String(length=200), nullable=False),
    sa.Column('origin', sa.String(length=16), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('company_id', 'kind', 'record_id', name='uq_records')
    )
    op.create_table('requests',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('company_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('record_kind', sa.String(length=40), nullable=True),
    sa.Column('record_id', sa.String(length=200), nullable=True),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('not_before', sa.DateTime(timezone=True), nullable=False),
    sa.Column('solo', sa.Boolean(), nullable=False),
    sa.Column('session_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('qb_request_id', sa.String(length=50), nullable=True),
    sa.Column('message_set_id', sa.String(length=64), nullable=True),
    sa.Column('status_code', sa.Integer(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], ),
    sa.ForeignKeyConstraint(['session_id'], ['qbwc_sessions.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.create_index('ix_requests_claim', ['company_id', 'state', 'not_before', 'id'], unique=False)
        batch_op.create_index('ix_requests_record', ['company_id', 'record_kind', 'record_id'], unique=False)
        batch_op.create_index('ix_requests_session', ['session_id', 'state'], unique=False)

    op.create_table('request_dependencies',
    sa.Column('request_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('depends_on_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['depends_on_id'], ['requests.id'], ),
    sa.ForeignKeyConstraint(['request_id'], ['requests.id'], ),
    sa.PrimaryKeyConstraint('request_id', 'depends_on_id')
    )
    with op.batch_alter_table('request_dependencies', schema=None) as batch_op:
        batch_op.create_index('ix_dependencies_target', ['depends_on_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('request_dependencies', schema=None) as batch_op:
        batch_op.drop_index('ix_dependencies_target')

    op.drop_table('request_dependencies')
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.drop_index('ix_requests_session')
        batch_op.drop_index('ix_requests_record')
        batch_op.drop_index('ix_requests_claim')

    op.drop_table('requests')
    op.drop_table('records')
    with op.batch_alter_table('qbwc_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_sessions_company_state')

    op.drop_table('qbwc_sessions')
    with op.batch_alter_table('log', schema=None) as batch_op:
        batch_op.drop_index('ix_log_record')
        batch_op.drop_index('ix_log_company_at')

    op.drop_table('log')
    op.drop_table('links')
    op.drop_table('login_throttle')
    op.drop_table('companies')

