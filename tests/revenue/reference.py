"""An independent, deliberately simple reference for MRR and the MRR bridge, written from docs/metrics.md.

It shares nothing with ``acctgraph.domain``: plain Python over plain data, a day at a time, so that a
property-based test can check the API's ``revenueMetrics`` against it to the cent. Slow by design.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

REPORTING = "USD"
DECIMALS = {"USD": 2, "EUR": 2, "JPY": 0, "KWD": 3}
"""The minor-unit decimals of the currencies the tests use (ISO 4217)."""


@dataclass(frozen=True)
class Line:
    quantity: int
    unit_price_minor: int
    effective_from: date | None = None
    effective_to: date | None = None


@dataclass
class Contract:
    account: int
    currency: str
    start: date
    end: date
    counts: bool = True
    """In force (active, renewed, expired or cancelled), not a draft."""
    renewal_of: int | None = None
    """Index of the contract this one renews, in the book's list."""
    lines: list[Line] = field(default_factory=list)
    signed_on: date | None = None
    """A contract still a draft after it started: not in force before this day."""
    stopped_on: date | None = None
    """Cancelled on this day (as its status history recorded it): not in force from this day."""

    def signed_then(self, day: date) -> bool:
        """Signed and not cancelled on ``day``, by its dated status history."""
        signed = self.signed_on is None or self.signed_on <= day
        return self.counts and signed and (self.stopped_on is None or day < self.stopped_on)


@dataclass
class Book:
    contracts: list[Contract]
    rates: dict[str, list[tuple[date, Decimal]]]
    deleted_on: dict[int, date] = field(default_factory=dict)
    """Accounts deleted upstream, and the day."""

    def accounts(self) -> set[int]:
        return {contract.account for contract in self.contracts}


def _taken_over(book: Book, index: int, day: date) -> bool:
    """A renewal of the contract, signed and not cancelled on ``day``, has started by ``day``."""
    return any(other.renewal_of == index and other.signed_then(day) and other.start <= day for other in book.contracts)


def native_mrr(book: Book, account: int, day: date) -> dict[str, int]:
    """MRR per currency of the account's lines in force on ``day``."""
    if account in book.deleted_on and book.deleted_on[account] <= day:
        return {}
    totals: dict[str, int] = defaultdict(int)
    for index, contract in enumerate(book.contracts):
        if contract.account != account or not contract.signed_then(day):
            continue
        if not contract.start <= day <= contract.end or _taken_over(book, index, day):
            continue
        for line in contract.lines:
            if (line.effective_from or contract.start) <= day <= (line.effective_to or contract.end):
                totals[contract.currency] += line.quantity * line.unit_price_minor
    return {currency: amount for currency, amount in totals.items() if amount}


class NoRate(Exception):
    pass


def rate(book: Book, currency: str, day: date) -> Decimal:
    """The rate with the latest effective day on or before ``day``."""
    if currency == REPORTING:
        return Decimal(1)
    dated = [(since, value) for since, value in book.rates.get(currency, []) if since <= day]
    if not dated:
        raise NoRate(currency, day)
    return max(dated)[1]


def convert(book: Book, native: dict[str, int], day: date) -> int:
    """Per currency: amount x rate x 10^(decimals of USD - decimals of the currency), rounded half up."""
    total = 0
    for currency, amount in native.items():
        scale = Decimal(10) ** (DECIMALS[REPORTING] - DECIMALS[currency])
        total += int((Decimal(amount) * rate(book, currency, day) * scale).quantize(Decimal(1), ROUND_HALF_UP))
    return total


def mrr(book: Book, account: int, day: date) -> int:
    return convert(book, native_mrr(book, account, day), day)


def paid_before(book: Book, account: int, day: date) -> bool:
    """The account had MRR on some day up to ``day``."""
    first = min(contract.start for contract in book.contracts if contract.account == account)
    return any(native_mrr(book, account, first + timedelta(days=n)) for n in range((day - first).days + 1))


@dataclass(frozen=True)
class Bridge:
    starting: int
    new: int
    expansion: int
    contraction: int
    churned: int
    reactivation: int
    fx_effect: int
    ending: int
    accounts_at_start: int
    accounts_churned: int


def bridge(book: Book, opening: date, closing: date) -> Bridge:
    """Each account: opening MRR s; closing MRR at the opening day's rates (constant currency) c; at the
    closing day's rates e. s = 0: new (never paid by the opening day) or reactivation, of e. Otherwise
    churn (c = 0), expansion or contraction by c - s, and an FX effect of e - c."""
    moves: dict[str, int] = defaultdict(int)
    for account in sorted(book.accounts()):
        s = mrr(book, account, opening)
        closing_native = native_mrr(book, account, closing)
        e = convert(book, closing_native, closing)
        moves["starting"] += s
        moves["ending"] += e
        if s == 0:
            if e:
                moves["reactivation" if paid_before(book, account, opening) else "new"] += e
            continue
        c = convert(book, closing_native, opening)
        moves["accounts_at_start"] += 1
        moves["fx_effect"] += e - c
        if c == 0:
            moves["churned"] += s
            moves["accounts_churned"] += 1
        elif c > s:
            moves["expansion"] += c - s
        else:
            moves["contraction"] += s - c
    return Bridge(**{name: moves[name] for name in Bridge.__dataclass_fields__})
