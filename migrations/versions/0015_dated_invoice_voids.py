"""dated invoice voids: ``invoices.voided_at``

An invoice voided today was open on every earlier day: the billing measure and the health history of a
past day need to know when it was voided. Invoices already void are dated by their last update (the
latest they can have been voided), the closest to the truth the database holds.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 20:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'voided_at',
                sa.DateTime(timezone=True),
                nullable=True,
                comment='When it was voided (as the source says, else when a sync first saw it void); open before',
            )
        )
    op.execute("UPDATE invoices SET voided_at = updated_at WHERE status = 'void'")


def downgrade() -> None:
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_column('voided_at')
