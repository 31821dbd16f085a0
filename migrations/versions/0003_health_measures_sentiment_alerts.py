"""health measures sentiment alerts

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 04:14:32.396756
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0003'
down_revision: str | Sequence[str] | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('account_sentiments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('sentiment', sa.Enum('positive', 'neutral', 'negative', name='sentiment', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('valid_until >= recorded_on', name=op.f('ck_account_sentiments_valid_after_recorded')),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_account_sentiments_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_account_sentiments_author_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_sentiments'))
    )
    with op.batch_alter_table('account_sentiments', schema=None) as batch_op:
        batch_op.create_index('ix_account_sentiments_account_recorded', ['account_id', 'recorded_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_account_sentiments_author_id'), ['author_id'], unique=False)

    op.create_table('alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('rule', sa.String(length=80), nullable=False),
    sa.Column('subject', sa.String(length=120), nullable=False),
    sa.Column('severity', sa.Enum('info', 'warning', 'critical', name='alertseverity', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status', sa.Enum('open', 'acknowledged', 'resolved', name='alertstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False, comment='The day the condition was evaluated on'),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolution_note', sa.String(length=1000), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_alerts_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_alerts_owner_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_alerts_resolved_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alerts'))
    )
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.create_index('ix_alerts_account_status', ['account_id', 'status'], unique=False)
        batch_op.create_index('ix_alerts_owner_status', ['owner_id', 'status'], unique=False)
        batch_op.create_index('uq_alerts_unresolved_condition', ['rule', 'account_id', 'subject'], unique=True, sqlite_where=sa.text("status != 'resolved'"), postgresql_where=sa.text("status != 'resolved'"))

    op.create_table('health_measure_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('measure', sa.String(length=80), nullable=False),
    sa.Column('raw_value', sa.Float(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False, comment='The weight after renormalisation over present measures'),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('score BETWEEN 0 AND 100', name=op.f('ck_health_measure_scores_score_0_to_100')),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_health_measure_scores_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_health_measure_scores')),
    sa.UniqueConstraint('account_id', 'day', 'measure', name=op.f('uq_health_measure_scores_account_id_day_measure'))
    )
    with op.batch_alter_table('health_measure_scores', schema=None) as batch_op:
        batch_op.create_index('ix_health_measure_scores_day_measure', ['day', 'measure'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('health_measure_scores', schema=None) as batch_op:
        batch_op.drop_index('ix_health_measure_scores_day_measure')

    op.drop_table('health_measure_scores')
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_index('uq_alerts_unresolved_condition', sqlite_where=sa.text("status != 'resolved'"), postgresql_where=sa.text("status != 'resolved'"))
        batch_op.drop_index('ix_alerts_owner_status')
        batch_op.drop_index('ix_alerts_account_status')

    op.drop_table('alerts')
    with op.batch_alter_table('account_sentiments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_sentiments_author_id'))
        batch_op.drop_index('ix_account_sentiments_account_recorded')

    op.drop_table('account_sentiments')
