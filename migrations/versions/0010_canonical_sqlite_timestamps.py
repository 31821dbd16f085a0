"""canonical sqlite timestamps

Every timestamp on SQLite becomes text in one fixed-width form, ``2026-11-30 15:07:57.620221``: rows
stamped by SQL (``CURRENT_TIMESTAMP``, without a fraction) sorted before equal instants written from
Python, which broke keyset pagination by ``updated_at``. A no-op on PostgreSQL, whose timestamps are
typed.

Revision ID: 0010
Revises: 0006
Create Date: 2026-11-30 17:20:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0006"
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
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    inspector = sa.inspect(bind)
    for table_name in inspector.get_table_names():
        for column in inspector.get_columns(table_name):
            if isinstance(column["type"], sa.DateTime):
                rewrite_column(bind, table_name, column["name"])


def downgrade() -> None:
    """The canonical form is what the previous revision writes from Python: nothing to undo."""
