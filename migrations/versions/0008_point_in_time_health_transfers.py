"""point-in-time health, dated transfers, auto-resolved alerts, owner at close, synced sentiment

Contract status history (back-filled from each contract's dates and current status), the close day
and owner at close of opportunities, pending transfers, alerts resolved by an evaluation, and
account sentiments a connector can sync (extra, deleted_at).

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-30 17:30:00.000000
"""

from collections.abc import Sequence
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from alembic import op


revision: str = '0008'
down_revision: str | Sequence[str] | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BACKFILL_BATCH = 2000
TERMINAL = ('expired', 'renewed', 'cancelled')


def upgrade() -> None:
    op.create_table('contract_status_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'active', 'expired', 'cancelled', 'renewed', name='contractstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False, comment='The first day the contract had this status'),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_contract_status_changes_contract_id_contracts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_status_changes'))
    )
    with op.batch_alter_table('contract_status_changes', schema=None) as batch_op:
        batch_op.create_index('ix_contract_status_changes_contract_effective', ['contract_id', 'effective_on'], unique=False)

    with op.batch_alter_table('opportunities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_on', sa.Date(), nullable=True, comment='The day it was won or lost'))
        batch_op.add_column(sa.Column('owner_at_close_id', sa.Integer(), nullable=True, comment='Who owned it when it closed'))
        batch_op.alter_column('owner_id', existing_type=sa.Integer(), comment='Who works it now', existing_nullable=True)
        batch_op.create_index(batch_op.f('ix_opportunities_closed_on'), ['closed_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_opportunities_owner_at_close_id'), ['owner_at_close_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_opportunities_owner_at_close_id_users'), 'users', ['owner_at_close_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('ownership_changes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('moves_open_work', sa.Boolean(), server_default=sa.true(), nullable=False, comment='Open opportunities and alerts follow the account'))
        batch_op.add_column(sa.Column('applied_at', sa.DateTime(timezone=True), nullable=True, comment='When the account moved; null while pending'))
        batch_op.create_index('ix_ownership_changes_pending', ['applied_at', 'effective_on'], unique=False)

    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('auto_resolved', sa.Boolean(), server_default=sa.false(), nullable=False, comment='Resolved by an evaluation that found the condition cleared'))

    with op.batch_alter_table('account_sentiments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('extra', sa.JSON(), nullable=False, server_default=sa.text("'{}'")))
        batch_op.add_column(sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('account_sentiments', schema=None) as batch_op:
        batch_op.alter_column('extra', existing_type=sa.JSON(), server_default=None, existing_nullable=False)

    _backfill()


def _backfill() -> None:
    """Past transfers were applied when made; closed opportunities closed on their ``closed_at`` day
    (else their expected close date) under their owner (else the account's); contracts get the
    history the health engine writes for a contract it sees for the first time (domain/contract_history.py)."""
    bind = op.get_bind()
    now = datetime.now().astimezone()
    bind.execute(sa.text("UPDATE ownership_changes SET applied_at = created_at"))
    opportunities = sa.table(
        'opportunities', sa.column('id'), sa.column('status'), sa.column('closed_at'),
        sa.column('expected_close_date'), sa.column('owner_id'), sa.column('account_id'),
        sa.column('closed_on'), sa.column('owner_at_close_id'),
    )
    accounts = sa.table('accounts', sa.column('id'), sa.column('owner_id'))
    closed = bind.execute(
        sa.select(opportunities.c.id, opportunities.c.closed_at, opportunities.c.expected_close_date,
                  sa.func.coalesce(opportunities.c.owner_id, accounts.c.owner_id).label('owner'))
        .join(accounts, accounts.c.id == opportunities.c.account_id)
        .where(opportunities.c.status != 'open')
    ).all()
    for row in closed:
        closed_on = _day(row.closed_at) or row.expected_close_date
        bind.execute(
            opportunities.update().where(opportunities.c.id == row.id)
            .values(closed_on=closed_on, owner_at_close_id=row.owner)
        )
    contracts = sa.table('contracts', sa.column('id'), sa.column('status'), sa.column('start_date'),
                         sa.column('end_date'), sa.column('updated_at'))
    changes = sa.table('contract_status_changes', sa.column('contract_id'), sa.column('status'),
                       sa.column('effective_on'), sa.column('created_at'), sa.column('updated_at'))
    rows = []
    for contract in bind.execute(sa.select(contracts).order_by(contracts.c.id)):
        seen_on = _day(contract.updated_at) or now.date()
        for status, effective_on in _initial_history(contract.status, contract.start_date, contract.end_date, seen_on):
            rows.append({'contract_id': contract.id, 'status': status, 'effective_on': effective_on,
                         'created_at': now, 'updated_at': now})
    for start in range(0, len(rows), BACKFILL_BATCH):
        bind.execute(changes.insert(), rows[start:start + BACKFILL_BATCH])


def _day(value: object) -> date | None:
    if value is None:
        return None
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    assert isinstance(value, datetime)
    return value.date()


def _initial_history(status: str, start: date, end: date, seen_on: date) -> list[tuple[str, date]]:
    if isinstance(start, str):
        start, end = date.fromisoformat(start), date.fromisoformat(end)
    if status == 'draft':
        return [('draft', seen_on)]
    history = [('active', start)]
    if status in TERMINAL:
        history.append((status, max(start, min(seen_on, end + timedelta(days=1)))))
    return history


def downgrade() -> None:
    with op.batch_alter_table('account_sentiments', schema=None) as batch_op:
        batch_op.drop_column('deleted_at')
        batch_op.drop_column('extra')

    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_column('auto_resolved')

    with op.batch_alter_table('ownership_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_ownership_changes_pending')
        batch_op.drop_column('applied_at')
        batch_op.drop_column('moves_open_work')

    with op.batch_alter_table('opportunities', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_opportunities_owner_at_close_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_opportunities_owner_at_close_id'))
        batch_op.drop_index(batch_op.f('ix_opportunities_closed_on'))
        batch_op.alter_column('owner_id', existing_type=sa.Integer(), comment=None, existing_nullable=True)
        batch_op.drop_column('owner_at_close_id')
        batch_op.drop_column('closed_on')

    with op.batch_alter_table('contract_status_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_contract_status_changes_contract_effective')

    op.drop_table('contract_status_changes')
