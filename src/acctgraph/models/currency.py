"""Exchange rates into the reporting currency, so amounts are converted explicitly, never mixed."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from acctgraph.models.base import Base, TimestampMixin


class ExchangeRate(TimestampMixin, Base):
    """How many units of the reporting currency one unit of ``currency`` is worth."""

    __tablename__ = "exchange_rates"

    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    rate: Mapped[Decimal] = mapped_column(Numeric(18, 8))
