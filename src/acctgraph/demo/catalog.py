"""The product catalogue and its prices: eight products in three families, one of them per seat."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from acctgraph.demo.plan import PlannedRow

SEAT_SKU = "PLT-SEAT"
ACTIVE_USERS = "active_users"
VOLUME_METRIC = "api_calls"
RATES_SINCE = date(1970, 1, 1)
"""The demo's rates apply to all of its history (one rate per currency)."""


@dataclass(frozen=True)
class CatalogProduct:
    sku: str
    name: str
    family: str
    list_price_usd_minor: int
    """Per seat per month for the seat product, per month for the others."""


CATALOG = (
    CatalogProduct(SEAT_SKU, "Platform seat", "Platform", 45_00),
    CatalogProduct("PLT-SSO", "SSO and audit log", "Platform", 900_00),
    CatalogProduct("PLT-SANDBOX", "Sandbox environments", "Platform", 600_00),
    CatalogProduct("ANL-INSIGHTS", "Insights dashboards", "Analytics", 1_500_00),
    CatalogProduct("ANL-WAREHOUSE", "Warehouse sync", "Analytics", 2_500_00),
    CatalogProduct("SVC-PREMIUM", "Premium support", "Services", 1_200_00),
    CatalogProduct("SVC-TAM", "Technical account manager", "Services", 6_000_00),
    CatalogProduct("SVC-TRAINING", "Training credits", "Services", 400_00),
)
ADD_ONS = tuple(product.sku for product in CATALOG if product.sku != SEAT_SKU)
LIST_PRICES = {product.sku: product.list_price_usd_minor for product in CATALOG}

USD_PER_UNIT = {"USD": Decimal(1), "EUR": Decimal("1.08"), "GBP": Decimal("1.27")}
"""What one unit of each currency of the book is worth in US dollars."""


def product_rows() -> list[PlannedRow]:
    """The catalogue; the seat product says so (``pricing_unit``), which health's adoption measure reads."""
    return [
        PlannedRow(
            product.sku,
            {
                "sku": product.sku,
                "name": product.name,
                "family": product.family,
                "extra": {"pricing_unit": "seat"} if product.sku == SEAT_SKU else {},
            },
        )
        for product in CATALOG
    ]


def price_in(currency: str, usd_minor: float) -> int:
    """A USD price in ``currency``, rounded to whole units as price lists are."""
    return round(float(Decimal(str(usd_minor)) / USD_PER_UNIT[currency]) / 100) * 100


def exchange_rate_rows(reporting_currency: str) -> list[PlannedRow]:
    """Rates into the reporting currency for every other currency of the book."""
    if reporting_currency not in USD_PER_UNIT:
        raise UnsupportedReportingCurrency(reporting_currency)
    return [
        PlannedRow(
            None,
            {
                "currency": currency,
                "effective_from": RATES_SINCE,
                "rate": (usd / USD_PER_UNIT[reporting_currency]).quantize(Decimal("1e-8")),
            },
        )
        for currency, usd in USD_PER_UNIT.items()
        if currency != reporting_currency
    ]


class UnsupportedReportingCurrency(ValueError):
    """The demo book's rates cover USD, EUR and GBP only."""

    def __init__(self, currency: str) -> None:
        super().__init__(
            f"the demo book has exchange rates for {', '.join(USD_PER_UNIT)} only, not {currency}; "
            "set ACCTGRAPH_REPORTING_CURRENCY to one of them to load it"
        )
