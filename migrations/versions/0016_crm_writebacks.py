"""crm write-back outbox

The outbox of changes owed to a CRM (activities, completed QBRs, tasks), committed with each change and
delivered exactly once by `acctgraph writeback deliver`.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 20:13:25.556859
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "crm_writebacks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "entity",
            sa.Enum(
                "activity", "qbr", "task", name="writebackentity", native_enum=False, create_constraint=True, length=32
            ),
            nullable=False,
        ),
        sa.Column("entity_id", sa.Integer(), nullable=False, comment="The activity's or the task's id"),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False, comment="The CRM the account came from"),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "delivered",
                "failed",
                "refused",
                name="writebackstatus",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=255), nullable=True, comment="The CRM's id of the written record"),
        sa.Column("last_error", sa.Text(), nullable=True, comment="Why the last attempt failed, or the CRM's refusal"),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False, comment="Not tried again before this"),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_crm_writebacks_account_id_accounts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connections.id"],
            name=op.f("fk_crm_writebacks_connection_id_connections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crm_writebacks")),
        sa.UniqueConstraint(
            "entity", "entity_id", "connection_id", name=op.f("uq_crm_writebacks_entity_entity_id_connection_id")
        ),
    )
    with op.batch_alter_table("crm_writebacks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_crm_writebacks_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_crm_writebacks_connection_id"), ["connection_id"], unique=False)
        batch_op.create_index("ix_crm_writebacks_status_next_attempt", ["status", "next_attempt_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("crm_writebacks", schema=None) as batch_op:
        batch_op.drop_index("ix_crm_writebacks_status_next_attempt")
        batch_op.drop_index(batch_op.f("ix_crm_writebacks_connection_id"))
        batch_op.drop_index(batch_op.f("ix_crm_writebacks_account_id"))

    op.drop_table("crm_writebacks")
