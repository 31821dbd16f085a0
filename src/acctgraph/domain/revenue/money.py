"""Conversion into the reporting currency at dated rates, refusing to mix when a rate is missing.

A rate is "units of the reporting currency per unit of the currency", in major units (yen, dinars),
effective from a day until the currency's next rate. An amount of ``m`` minor units of currency C on
day d is ``m x rate(C, d) x 10^(e(R) - e(C))`` minor units of the reporting currency R, where e is the
ISO 4217 minor-unit exponent (JPY 0, USD 2, KWD 3), rounded half up to a whole minor unit.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from acctgraph.domain.money import currency_exponent
from acctgraph.domain.mrr import NativeMrr
from acctgraph.models import ExchangeRate


class MissingExchangeRate(ValueError):
    """Amounts in these currencies cannot be converted, so no total is given rather than a wrong one."""

    def __init__(self, currencies: Iterable[str], reporting_currency: str, day: date | None = None) -> None:
        self.currencies = sorted(set(currencies))
        self.reporting_currency = reporting_currency
        self.day = day
        on = f" in effect on {day.isoformat()}" if day else ""
        super().__init__(
            f"no exchange rate{on} from {', '.join(self.currencies)} into {reporting_currency}: add a row per "
            f"currency to exchange_rates (units of {reporting_currency} per unit, effective from a day on or "
            "before it) and ask again"
        )


@dataclass(frozen=True)
class Rates:
    """Every dated rate, loaded once, for converting amounts fetched row by row."""

    reporting_currency: str
    history: dict[str, list[tuple[date, Decimal]]]
    """Per currency, (effective from, rate) sorted by day."""

    @classmethod
    def load(cls, session: Session, reporting_currency: str) -> Rates:
        rows = session.execute(
            select(ExchangeRate.currency, ExchangeRate.effective_from, ExchangeRate.rate).order_by(
                ExchangeRate.currency, ExchangeRate.effective_from
            )
        )
        history: dict[str, list[tuple[date, Decimal]]] = defaultdict(list)
        for currency, effective_from, rate in rows:
            history[currency].append((effective_from, Decimal(str(rate))))
        return cls(reporting_currency, dict(history))

    def rate_on(self, currency: str, day: date | None) -> Decimal | None:
        """The rate in effect on ``day`` (the latest rate when ``day`` is None), or None if there is none."""
        if currency == self.reporting_currency:
            return Decimal(1)
        dated = self.history.get(currency)
        if not dated:
            return None
        if day is None:
            return dated[-1][1]
        index = bisect.bisect_right(dated, day, key=lambda entry: entry[0])
        return dated[index - 1][1] if index else None

    def require(self, currencies: Iterable[str], day: date | None = None) -> None:
        missing = {currency for currency in currencies if self.rate_on(currency, day) is None}
        if missing:
            raise MissingExchangeRate(missing, self.reporting_currency, day)

    def convert(self, amount_minor: int, currency: str, day: date | None = None) -> int:
        """``amount_minor`` of ``currency`` in minor units of the reporting currency at the rate in effect on
        ``day`` (the latest rate when None), rounded half up."""
        rate = self.rate_on(currency, day)
        if rate is None:
            raise MissingExchangeRate([currency], self.reporting_currency, day)
        scale = Decimal(10) ** (currency_exponent(self.reporting_currency) - currency_exponent(currency))
        return int((amount_minor * rate * scale).to_integral_value(ROUND_HALF_UP))

    def convert_mrr(self, native: NativeMrr, day: date, fallback_day: date | None = None) -> int:
        """An account's MRR (per currency) on ``day``: each currency's sum converted and rounded, then added.

        With ``fallback_day``, a currency without a rate on ``day`` converts at its rate on that day instead.
        """
        total = 0
        for currency, amount in native.items():
            at = day if fallback_day is None or self.rate_on(currency, day) is not None else fallback_day
            total += self.convert(amount, currency, at)
        return total


def converted_mrr(rates: Rates, by_day: dict[date, dict[int, NativeMrr]]) -> dict[date, dict[int, int]]:
    """Each day's MRR per account in the reporting currency; :class:`MissingExchangeRate` names every
    currency without a rate on a day it is needed (the first such day)."""
    for day, accounts in sorted(by_day.items()):
        rates.require({currency for native in accounts.values() for currency in native}, day)
    return {
        day: {account: rates.convert_mrr(native, day) for account, native in accounts.items()}
        for day, accounts in by_day.items()
    }
