"""Amounts in minor units of an ISO 4217 currency, and how people read them."""

from __future__ import annotations

from decimal import Decimal

# ISO 4217 minor-unit exponents that are not 2 (every active code; the rest have 2). Kept here until
# the full currency list lands; the exponent decides how minor units convert (docs/metrics.md).
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
            "UYI",
            "VND",
            "VUV",
            "XAF",
            "XOF",
            "XPF",
        ),
        0,
    ),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
    **dict.fromkeys(("CLF", "UYW"), 4),
}


def exponents_other_than_two() -> dict[str, int]:
    """Currency -> exponent, for the currencies whose minor unit is not a hundredth."""
    return dict(_EXPONENTS)


def currency_exponent(currency: str) -> int:
    """Decimals of the currency's minor unit: 2 for USD (cents), 0 for JPY, 3 for KWD."""
    return _EXPONENTS.get(currency.upper(), 2)


def format_money(amount_minor: int, currency: str) -> str:
    """``1234567, "USD"`` -> ``"12,345.67 USD"``: grouped, with the currency's own number of decimals."""
    exponent = currency_exponent(currency)
    major = Decimal(amount_minor).scaleb(-exponent)
    return f"{major:,.{exponent}f} {currency.upper()}"
