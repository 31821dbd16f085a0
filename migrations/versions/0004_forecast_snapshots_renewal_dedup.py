"""forecast snapshots and one renewal per contract

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 04:15:53.892494
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004'
down_revision: str | Sequence[str] | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('forecast_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('closed_won_minor', sa.BigInteger(), nullable=False),
    sa.Column('commit_minor', sa.BigInteger(), nullable=False),
    sa.Column('best_case_minor', sa.BigInteger(), nullable=False),
    sa.Column('pipeline_minor', sa.BigInteger(), nullable=False),
    sa.Column('weighted_minor', sa.BigInteger(), nullable=False),
    sa.Column('taken_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_forecast_snapshots_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forecast_snapshots')),
    sa.UniqueConstraint('period_start', 'period_end', 'owner_id', name=op.f('uq_forecast_snapshots_period_start_period_end_owner_id'))
    )
    with op.batch_alter_table('forecast_snapshots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_forecast_snapshots_owner_id'), ['owner_id'], unique=False)

    with op.batch_alter_table('opportunities', schema=None) as batch_op:
        batch_op.create_index('uq_opportunities_renewal_contract', ['contract_id'], unique=True, sqlite_where=sa.text("kind = 'renewal'"), postgresql_where=sa.text("kind = 'renewal'"))



def downgrade() -> None:
    with op.batch_alter_table('opportunities', schema=None) as batch_op:
        batch_op.drop_index('uq_opportunities_renewal_contract', sqlite_where=sa.text("kind = 'renewal'"), postgresql_where=sa.text("kind = 'renewal'"))

    with op.batch_alter_table('forecast_snapshots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_forecast_snapshots_owner_id'))

    op.drop_table('forecast_snapshots')
