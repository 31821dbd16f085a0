"""Dated exchange rates into the reporting currency, so amounts are converted explicitly, never mixed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from acctgraph.models.base import Base, TimestampMixin


class ExchangeRate(TimestampMixin, Base):
    """How many units of the reporting currency one unit (major, e.g. one yen) of ``currency`` is worth,
    from ``effective_from`` until the next rate of the currency takes effect."""

    __tablename__ = "exchange_rates"

    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    effective_from: Mapped[date] = mapped_column(primary_key=True, comment="First day the rate applies")
    rate: Mapped[Decimal] = mapped_column(Numeric(18, 8))
