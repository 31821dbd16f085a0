"""sync fixes: canonical SQLite timestamps, nested records counted apart

Every timestamp on SQLite becomes text in one fixed-width form, ``2026-11-30 15:07:57.620221``: rows
stamped by SQL (``CURRENT_TIMESTAMP``, without a fraction) sorted before equal instants written from
Python, which broke keyset pagination by ``updated_at``. A no-op on PostgreSQL, whose timestamps are
typed. ``sync_run_streams.nested`` counts the records nested in a stream's records (a contract's lines)
apart from the stream's own.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 17:20:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CANONICAL_LENGTH = len("2026-11-30 15:07:57.620221")


def canonical(stored: str) -> str:
    """The canonical text of a stored timestamp (any ISO 8601 form; an offset is converted to UTC)."""
    value = datetime.fromisoformat(stored)
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


def rewrite_column(bind: sa.Connection, table_name: str, column_name: str) -> None:
    column = sa.column(column_name, sa.String())
    table = sa.table(table_name, column)
    odd = bind.scalars(
        sa.select(column)
        .distinct()
        .where(column.is_not(None), (sa.func.length(column) != CANONICAL_LENGTH) | column.contains("T"))
    ).all()
    for stored in odd:
        bind.execute(sa.update(table).where(column == stored).values({column_name: canonical(stored)}))


def upgrade() -> None:
    with op.batch_alter_table('sync_run_streams', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'nested',
                sa.JSON(),
                server_default='{}',
                nullable=False,
                comment="Counts of the records nested in this stream's records (a contract's lines), by entity",
            )
        )
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    inspector = sa.inspect(bind)
    for table_name in inspector.get_table_names():
        for column in inspector.get_columns(table_name):
            if isinstance(column["type"], sa.DateTime):
                rewrite_column(bind, table_name, column["name"])


def downgrade() -> None:
    """The canonical timestamp form is what the previous revision writes from Python: nothing to undo."""
    with op.batch_alter_table('sync_run_streams', schema=None) as batch_op:
        batch_op.drop_column('nested')
