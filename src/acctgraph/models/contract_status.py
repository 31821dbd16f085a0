"""Contract status history: which status a contract had from which day, so the past is judged as it was.

A contract's ``status`` column says what it is today; a cancelled contract was still active before
it was cancelled, and a draft renewal was never signed. Each row here says "from ``effective_on``
the contract was ``status``"; the status on a day is the latest row effective on or before it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from acctgraph.models.base import Base, TimestampMixin, enum_type
from acctgraph.models.contracts import ContractStatus


class ContractStatusChange(TimestampMixin, Base):
    __tablename__ = "contract_status_changes"
    __table_args__ = (Index("ix_contract_status_changes_contract_effective", "contract_id", "effective_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"))
    status: Mapped[ContractStatus] = mapped_column(enum_type(ContractStatus))
    effective_on: Mapped[date] = mapped_column(comment="The first day the contract had this status")
