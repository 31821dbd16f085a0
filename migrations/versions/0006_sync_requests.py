"""sync requests

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 05:34:37.457792
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0006'
down_revision: str | Sequence[str] | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('sync_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('connection_id', sa.Integer(), nullable=False),
    sa.Column('streams', sa.JSON(), nullable=False, comment='Stream names; empty for all'),
    sa.Column('full_refresh', sa.Boolean(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True, comment='When a worker took it; null while waiting'),
    sa.Column('sync_run_id', sa.Integer(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True, comment='Why the worker could not start the sync'),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['connection_id'], ['connections.id'], name=op.f('fk_sync_requests_connection_id_connections'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_sync_requests_requested_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['sync_run_id'], ['sync_runs.id'], name=op.f('fk_sync_requests_sync_run_id_sync_runs'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_requests'))
    )
    with op.batch_alter_table('sync_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_requests_connection_id'), ['connection_id'], unique=False)
        batch_op.create_index('ix_sync_requests_pending', ['claimed_at', 'id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('sync_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_sync_requests_pending')
        batch_op.drop_index(batch_op.f('ix_sync_requests_connection_id'))

    op.drop_table('sync_requests')
