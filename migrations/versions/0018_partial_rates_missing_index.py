"""the rates-missing index holds only the summaries missing a rate

``ix_account_summaries_rates_missing`` indexed every summary's flag, one repeated value: once a book is
analysed, SQLite's planner judged it useless and answered "is any rate missing?" (asked by every list
ordered or filtered by ARR) by scanning the whole table, 15 ms at 100,000 accounts. A partial index of the
rows missing a rate (usually none) answers it from an empty index.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 11:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0018'
down_revision: str | Sequence[str] | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('account_summaries', schema=None) as batch_op:
        batch_op.drop_index('ix_account_summaries_rates_missing')
        batch_op.create_index(
            'ix_account_summaries_rates_missing',
            ['account_id'],
            unique=False,
            sqlite_where=sa.text('rates_missing = 1'),
            postgresql_where=sa.text('rates_missing'),
        )


def downgrade() -> None:
    with op.batch_alter_table('account_summaries', schema=None) as batch_op:
        batch_op.drop_index('ix_account_summaries_rates_missing')
        batch_op.create_index('ix_account_summaries_rates_missing', ['rates_missing'], unique=False)
