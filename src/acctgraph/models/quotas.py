"""Quotas: the ARR an account manager is to bring in over a period, new business and renewals apart."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from acctgraph.models.base import Base, TimestampMixin, enum_type


class QuotaKind(enum.StrEnum):
    NET_NEW_ARR = "net_new_arr"
    RENEWAL_ARR = "renewal_arr"


class Quota(TimestampMixin, Base):
    __tablename__ = "quotas"
    __table_args__ = (
        UniqueConstraint("user_id", "kind", "starts_on", "ends_on", name="uq_quotas_user_kind_period"),
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        CheckConstraint("amount_minor >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[QuotaKind] = mapped_column(enum_type(QuotaKind))
    period: Mapped[str] = mapped_column(String(40), comment="The period as the manager wrote it (FY2027-Q1)")
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    amount_minor: Mapped[int] = mapped_column(BigInteger, comment="ARR in minor units of the reporting currency")
    currency: Mapped[str] = mapped_column(String(3))
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1, server_default="1", comment="Optimistic concurrency")

    __mapper_args__ = {"version_id_col": version}
