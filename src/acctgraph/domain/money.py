"""Amounts in minor units of an ISO 4217 currency, and how people read them."""

from __future__ import annotations

from decimal import Decimal

from acctgraph.domain.currencies import minor_units, minor_units_by_currency

MAX_AMOUNT_MINOR = 10**15
"""The largest amount accepted in any money input, in minor units (10^13 dollars): far beyond any
contract, and small enough that sums of a whole book stay exact within 64 bits."""


def exponents_other_than_two() -> dict[str, int]:
    """Currency -> exponent, for the ISO 4217 currencies whose minor unit is not a hundredth."""
    return {code: exponent for code, exponent in minor_units_by_currency().items() if exponent != 2}


def currency_exponent(currency: str) -> int:
    """Decimals of the currency's minor unit: 2 for USD (cents), 0 for JPY, 3 for KWD (ISO 4217); 2 for
    a code not in the list (rows written before currencies were checked)."""
    exponent = minor_units(currency)
    return 2 if exponent is None else exponent


def format_money(amount_minor: int, currency: str) -> str:
    """``1234567, "USD"`` -> ``"12,345.67 USD"``: grouped, with the currency's own number of decimals."""
    exponent = currency_exponent(currency)
    major = Decimal(amount_minor).scaleb(-exponent)
    return f"{major:,.{exponent}f} {currency.upper()}"
