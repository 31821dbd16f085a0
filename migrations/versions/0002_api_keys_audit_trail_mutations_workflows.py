"""api keys, audit trail, mutations workflows

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 04:21:02.855949
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0002'
down_revision: str | Sequence[str] | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('api_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False, comment="The token's first characters, to recognise it"),
    sa.Column('token_hash', sa.String(length=64), nullable=False, comment='SHA-256 of the token, hex'),
    sa.Column('integration', sa.Boolean(), nullable=False, comment='May only trigger syncs'),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_keys_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_keys')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_keys_token_hash'))
    )
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_keys_user_id'), ['user_id'], unique=False)

    op.create_table('promotions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('offer', sa.Text(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_promotions_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_promotions'))
    )
    op.create_table('audit_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('api_key_id', sa.Integer(), nullable=True),
    sa.Column('operation', sa.String(length=120), nullable=False, comment='The GraphQL mutation, e.g. updateAccount'),
    sa.Column('entity_type', sa.String(length=60), nullable=False, comment='The table of the changed row'),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False, comment='created, updated or deleted'),
    sa.Column('changes', sa.JSON(), nullable=False, comment='{"field": {"before": x, "after": y}}'),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_records_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['api_key_id'], ['api_keys.id'], name=op.f('fk_audit_records_api_key_id_api_keys'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_records'))
    )
    with op.batch_alter_table('audit_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_records_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index('ix_audit_records_entity', ['entity_type', 'entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_records_occurred_at'), ['occurred_at'], unique=False)

    op.create_table('ownership_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('from_owner_id', sa.Integer(), nullable=True),
    sa.Column('to_owner_id', sa.Integer(), nullable=True),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_ownership_changes_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_ownership_changes_changed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['from_owner_id'], ['users.id'], name=op.f('fk_ownership_changes_from_owner_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['to_owner_id'], ['users.id'], name=op.f('fk_ownership_changes_to_owner_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ownership_changes'))
    )
    with op.batch_alter_table('ownership_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ownership_changes_account_id'), ['account_id'], unique=False)

    op.create_table('plan_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('goal', 'initiative', name='planitemkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('status', sa.Enum('not_started', 'in_progress', 'at_risk', 'done', 'dropped', name='planitemstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_plan_items_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['goal_id'], ['plan_items.id'], name=op.f('fk_plan_items_goal_id_plan_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_plan_items_owner_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_items'))
    )
    with op.batch_alter_table('plan_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_items_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_items_goal_id'), ['goal_id'], unique=False)

    op.create_table('promotion_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('promotion_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.Enum('pending', 'engaged', 'converted', 'declined', name='promotionoutcome', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('revenue_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_promotion_targets_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['promotion_id'], ['promotions.id'], name=op.f('fk_promotion_targets_promotion_id_promotions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_promotion_targets')),
    sa.UniqueConstraint('promotion_id', 'account_id', name=op.f('uq_promotion_targets_promotion_id_account_id'))
    )
    with op.batch_alter_table('promotion_targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_promotion_targets_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_promotion_targets_promotion_id'), ['promotion_id'], unique=False)

    op.create_table('opportunity_stage_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('from_stage', sa.String(length=120), nullable=True),
    sa.Column('to_stage', sa.String(length=120), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_opportunity_stage_changes_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_opportunity_stage_changes_changed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunities.id'], name=op.f('fk_opportunity_stage_changes_opportunity_id_opportunities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opportunity_stage_changes'))
    )
    with op.batch_alter_table('opportunity_stage_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_opportunity_stage_changes_opportunity_id'), ['opportunity_id'], unique=False)

    op.create_table('quotes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('status', sa.Enum('draft', 'pending_approval', 'approved', 'rejected', 'sent', 'accepted', 'declined', name='quotestatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('discount_bp', sa.Integer(), nullable=False, comment='Discount in basis points: 1500 = 15%'),
    sa.Column('subtotal_minor', sa.BigInteger(), nullable=False),
    sa.Column('total_minor', sa.BigInteger(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.String(length=1000), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('discount_bp BETWEEN 0 AND 10000', name=op.f('ck_quotes_discount_basis_points')),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_quotes_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_quotes_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_quotes_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunities.id'], name=op.f('fk_quotes_opportunity_id_opportunities'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quotes'))
    )
    with op.batch_alter_table('quotes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quotes_account_id'), ['account_id'], unique=False)

    op.create_table('quote_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quote_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price_minor', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_quote_lines_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_quote_lines_product_id_products'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['quote_id'], ['quotes.id'], name=op.f('fk_quote_lines_quote_id_quotes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quote_lines'))
    )
    with op.batch_alter_table('quote_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quote_lines_quote_id'), ['quote_id'], unique=False)

    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True, comment='Archived accounts are hidden from lists'))
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False, comment='Optimistic concurrency'))

    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.Enum('scheduled', 'open', 'done', name='activitystatus', native_enum=False, create_constraint=True, length=32), server_default='done', nullable=False))
        batch_op.add_column(sa.Column('outcomes', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('due_on', sa.Date(), nullable=True, comment='Tasks: when it is due'))
        batch_op.add_column(sa.Column('assignee_id', sa.Integer(), nullable=True, comment='Tasks: who must do it'))
        batch_op.add_column(sa.Column('follow_up_of_id', sa.Integer(), nullable=True, comment='Tasks: the QBR that set them'))
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False, comment='Optimistic concurrency'))
        batch_op.create_index(batch_op.f('ix_activities_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activities_follow_up_of_id'), ['follow_up_of_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_activities_follow_up_of_id_activities'), 'activities', ['follow_up_of_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_activities_assignee_id_users'), 'users', ['assignee_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False, comment='Optimistic concurrency'))

    with op.batch_alter_table('opportunities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False, comment='Optimistic concurrency'))



def downgrade() -> None:
    with op.batch_alter_table('opportunities', schema=None) as batch_op:
        batch_op.drop_column('version')

    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_column('version')

    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_activities_assignee_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_activities_follow_up_of_id_activities'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_activities_follow_up_of_id'))
        batch_op.drop_index(batch_op.f('ix_activities_assignee_id'))
        batch_op.drop_constraint(op.f('ck_activities_activitystatus'), type_='check')
        batch_op.drop_column('version')
        batch_op.drop_column('follow_up_of_id')
        batch_op.drop_column('assignee_id')
        batch_op.drop_column('due_on')
        batch_op.drop_column('outcomes')
        batch_op.drop_column('status')

    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_column('version')
        batch_op.drop_column('archived_at')

    with op.batch_alter_table('quote_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quote_lines_quote_id'))

    op.drop_table('quote_lines')
    with op.batch_alter_table('quotes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quotes_account_id'))

    op.drop_table('quotes')
    with op.batch_alter_table('opportunity_stage_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_opportunity_stage_changes_opportunity_id'))

    op.drop_table('opportunity_stage_changes')
    with op.batch_alter_table('promotion_targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_promotion_targets_promotion_id'))
        batch_op.drop_index(batch_op.f('ix_promotion_targets_account_id'))

    op.drop_table('promotion_targets')
    with op.batch_alter_table('plan_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_items_goal_id'))
        batch_op.drop_index(batch_op.f('ix_plan_items_account_id'))

    op.drop_table('plan_items')
    with op.batch_alter_table('ownership_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ownership_changes_account_id'))

    op.drop_table('ownership_changes')
    with op.batch_alter_table('audit_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_records_occurred_at'))
        batch_op.drop_index('ix_audit_records_entity')
        batch_op.drop_index(batch_op.f('ix_audit_records_actor_id'))

    op.drop_table('audit_records')
    op.drop_table('promotions')
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_keys_user_id'))

    op.drop_table('api_keys')
