"""Amounts in minor units of an ISO 4217 currency, and how people read them."""

from __future__ import annotations

from decimal import Decimal

# ISO 4217 minor-unit exponents that are not 2.
_EXPONENTS = {
    **dict.fromkeys(
        (
            "BIF",
            "CLP",
            "DJF",
            "GNF",
            "ISK",
            "JPY",
            "KMF",
            "KRW",
            "PYG",
            "RWF",
            "UGX",
            "VND",
            "VUV",
            "XAF",
            "XOF",
            "XPF",
        ),
        0,
    ),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
}


def currency_exponent(currency: str) -> int:
    return _EXPONENTS.get(currency.upper(), 2)


def format_money(amount_minor: int, currency: str) -> str:
    """``1234567, "USD"`` -> ``"12,345.67 USD"``: grouped, with the currency's own number of decimals."""
    exponent = currency_exponent(currency)
    major = Decimal(amount_minor).scaleb(-exponent)
    return f"{major:,.{exponent}f} {currency.upper()}"
