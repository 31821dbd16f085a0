"""ISO 4217 currencies, from the ``iso4217`` package (the ISO maintenance agency's published list).

Only currencies with minor units are money here: the list's funds, precious metals and test codes
(XAU, XTS, XXX, ...) have none and are refused as amounts' currencies.
"""

from __future__ import annotations

import functools

from iso4217 import Currency as Iso4217Currency


@functools.cache
def minor_units(code: str) -> int | None:
    """The number of decimals of ``code`` (2 for USD, 0 for JPY, 3 for KWD); None if it is no currency."""
    try:
        return Iso4217Currency(code.upper()).exponent
    except ValueError:
        return None


def is_currency(code: str) -> bool:
    """Whether ``code`` is an ISO 4217 currency with minor units."""
    return minor_units(code) is not None


@functools.cache
def _minor_units_by_currency() -> dict[str, int]:
    return {currency.code: currency.exponent for currency in Iso4217Currency if currency.exponent is not None}


def minor_units_by_currency() -> dict[str, int]:
    """Every ISO 4217 currency with minor units, with its number of decimals."""
    return dict(_minor_units_by_currency())
