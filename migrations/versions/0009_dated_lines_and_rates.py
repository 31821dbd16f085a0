"""effective-dated contract lines and dated exchange rates

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 17:20:00

Existing lines become effective from their contract's start; existing rates from 1970-01-01 (they
applied to all history until now).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0009'
down_revision: str | Sequence[str] | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('contract_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('effective_from', sa.Date(), nullable=True, comment="First day this quantity and price applied; null: the contract's start"))
        batch_op.add_column(sa.Column('effective_to', sa.Date(), nullable=True, comment='Last day this quantity and price applied; null: until the contract ends'))
        batch_op.create_check_constraint('effective_to_after_from', 'effective_to >= effective_from')
    op.execute(
        "UPDATE contract_lines SET effective_from = "
        "(SELECT contracts.start_date FROM contracts WHERE contracts.id = contract_lines.contract_id)"
    )
    with op.batch_alter_table('exchange_rates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('effective_from', sa.Date(), nullable=False, server_default='1970-01-01', comment='First day the rate applies'))
    with op.batch_alter_table('exchange_rates', schema=None) as batch_op:
        batch_op.alter_column('effective_from', server_default=None, existing_type=sa.Date(), existing_nullable=False, existing_comment='First day the rate applies')
        batch_op.drop_constraint('pk_exchange_rates', type_='primary')
        batch_op.create_primary_key('pk_exchange_rates', ['currency', 'effective_from'])


def downgrade() -> None:
    # Keep each currency's latest rate: the single rate the old schema could hold.
    op.execute(
        "DELETE FROM exchange_rates WHERE effective_from < "
        "(SELECT MAX(newer.effective_from) FROM exchange_rates AS newer WHERE newer.currency = exchange_rates.currency)"
    )
    with op.batch_alter_table('exchange_rates', schema=None) as batch_op:
        batch_op.drop_constraint('pk_exchange_rates', type_='primary')
        batch_op.create_primary_key('pk_exchange_rates', ['currency'])
        batch_op.drop_column('effective_from')
    # Closed (historical) lines have no place in the old schema: only the open ones remain.
    op.execute("DELETE FROM contract_lines WHERE effective_to IS NOT NULL")
    with op.batch_alter_table('contract_lines', schema=None) as batch_op:
        batch_op.drop_constraint('effective_to_after_from', type_='check')
        batch_op.drop_column('effective_to')
        batch_op.drop_column('effective_from')
