"""Conversion into the reporting currency through ``exchange_rates``, refusing to mix when a rate is missing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from acctgraph.domain.mrr import currencies_without_rate
from acctgraph.models import ExchangeRate


class MissingExchangeRate(ValueError):
    """Amounts in these currencies cannot be converted, so no total is given rather than a wrong one."""

    def __init__(self, currencies: Iterable[str], reporting_currency: str) -> None:
        self.currencies = sorted(set(currencies))
        self.reporting_currency = reporting_currency
        super().__init__(
            f"no exchange rate from {', '.join(self.currencies)} into {reporting_currency}: add a row per "
            f"currency to exchange_rates (units of {reporting_currency} per unit) and ask again"
        )


@dataclass(frozen=True)
class Rates:
    """The rate table as of now, for converting amounts fetched row by row."""

    reporting_currency: str
    per_unit: dict[str, Decimal]

    @classmethod
    def load(cls, session: Session, reporting_currency: str) -> Rates:
        rows = session.execute(select(ExchangeRate.currency, ExchangeRate.rate))
        per_unit = {currency: Decimal(str(rate)) for currency, rate in rows}
        per_unit[reporting_currency] = Decimal(1)
        return cls(reporting_currency, per_unit)

    def require(self, currencies: Iterable[str]) -> None:
        missing = {currency for currency in currencies if currency not in self.per_unit}
        if missing:
            raise MissingExchangeRate(missing, self.reporting_currency)

    def convert(self, amount_minor: int, currency: str) -> int:
        """``amount_minor`` of ``currency`` in minor units of the reporting currency, rounded half up."""
        self.require([currency])
        return int((amount_minor * self.per_unit[currency]).to_integral_value(ROUND_HALF_UP))


def require_mrr_rates(session: Session, days: Iterable[date], reporting_currency: str) -> None:
    """Refuse MRR figures on ``days`` while a contract in force on one of them has no rate."""
    missing = {currency for day in days for currency in currencies_without_rate(session, day, reporting_currency)}
    if missing:
        raise MissingExchangeRate(missing, reporting_currency)
