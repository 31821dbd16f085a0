"""Stripe objects -> canonical records (as dicts the engine validates).

Stripe fields the canonical schemas lack are kept under ``stripe_*`` names (stored in ``extra``).
Amounts are already integer minor units in Stripe; prices are normalised to a per-month unit price.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from fractions import Fraction
from typing import Any, overload

from acctgraph.integration.records import BillingPeriod, ContractStatus

CONTRACT_STATUS = {
    "active": ContractStatus.ACTIVE,
    "trialing": ContractStatus.ACTIVE,
    "past_due": ContractStatus.ACTIVE,
    "unpaid": ContractStatus.ACTIVE,
    "paused": ContractStatus.ACTIVE,
    "canceled": ContractStatus.CANCELLED,
    "incomplete": ContractStatus.DRAFT,
    "incomplete_expired": ContractStatus.EXPIRED,
}
MONTHS_PER_INTERVAL = {"day": Fraction(12, 365), "week": Fraction(12, 52), "month": Fraction(1), "year": Fraction(12)}


@overload
def moment(epoch: int) -> datetime: ...
@overload
def moment(epoch: None) -> None: ...
@overload
def moment(epoch: int | None) -> datetime | None: ...
def moment(epoch: int | None) -> datetime | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC)


def day(epoch: int) -> date:
    return datetime.fromtimestamp(epoch, UTC).date()


def object_id(reference: str | dict[str, Any]) -> str:
    """Stripe references are ids, or whole objects when the request expanded them."""
    return reference if isinstance(reference, str) else reference["id"]


def account(customer: dict[str, Any]) -> dict[str, Any]:
    """A customer is an account; ``metadata.domain`` (if set) links it to the CRM's company."""
    record = {
        "external_id": customer["id"],
        "name": customer.get("name") or customer.get("email") or customer["id"],
        "stripe_email": customer.get("email"),
        "stripe_delinquent": customer.get("delinquent"),
        "stripe_created": moment(customer["created"]),
    }
    if domain := (customer.get("metadata") or {}).get("domain"):
        record["domain"] = domain
    return record


def product(stripe_product: dict[str, Any]) -> dict[str, Any]:
    metadata = stripe_product.get("metadata") or {}
    return {
        "external_id": stripe_product["id"],
        "sku": metadata.get("sku") or stripe_product["id"],
        "name": stripe_product["name"],
        "family": metadata.get("family"),
        "stripe_active": stripe_product.get("active"),
        "stripe_created": moment(stripe_product["created"]),
    }


def monthly_unit_price(price: dict[str, Any]) -> int:
    """A recurring price's unit amount per month, in minor units (a yearly 12,000 is 1,000 a month)."""
    amount = price.get("unit_amount")
    if amount is None:
        if price.get("unit_amount_decimal") is None:
            raise ValueError(f"price {price['id']} has no unit amount (tiered or metered prices are not supported)")
        amount = Fraction(price["unit_amount_decimal"])
    recurring = price.get("recurring") or {"interval": "month", "interval_count": 1}
    per_interval = Fraction(amount) / (recurring.get("interval_count") or 1)
    return round(per_interval / MONTHS_PER_INTERVAL[recurring["interval"]])


def billing_period(price: dict[str, Any]) -> BillingPeriod:
    recurring = price.get("recurring") or {}
    interval, count = recurring.get("interval"), recurring.get("interval_count") or 1
    if interval == "year":
        return BillingPeriod.ANNUAL
    if interval == "month" and count == 3:
        return BillingPeriod.QUARTERLY
    return BillingPeriod.MONTHLY


def contract_line(item: dict[str, Any]) -> dict[str, Any]:
    price = item["price"]
    return {
        "external_id": item["id"],
        "product_external_id": object_id(price["product"]),
        "quantity": item.get("quantity") or 1,
        "unit_price_minor": monthly_unit_price(price),
        "stripe_price": price["id"],
    }


def contract(subscription: dict[str, Any], items: list[dict[str, Any]]) -> dict[str, Any]:
    """A subscription is a contract; its items (all of them, not only the 10 embedded) are its lines.

    The end date is when it ended or is set to cancel, else the end of the current period (on the
    item since API version 2025-03-31, on the subscription before).
    """
    period_ends = [item["current_period_end"] for item in items if item.get("current_period_end")]
    end = (
        subscription.get("ended_at")
        or subscription.get("cancel_at")
        or max(period_ends, default=None)
        or subscription.get("current_period_end")
        or subscription["start_date"]
    )
    status = CONTRACT_STATUS.get(subscription["status"], ContractStatus.ACTIVE)
    return {
        "external_id": subscription["id"],
        "account_external_id": object_id(subscription["customer"]),
        "number": subscription["id"],
        "status": status,
        "start_date": day(subscription["start_date"]),
        "end_date": max(day(end), day(subscription["start_date"])),
        "auto_renew": status is ContractStatus.ACTIVE
        and not subscription.get("cancel_at_period_end")
        and not subscription.get("cancel_at"),
        "currency": subscription["currency"],
        "billing_period": billing_period(items[0]["price"]) if items else BillingPeriod.MONTHLY,
        "lines": [contract_line(item) for item in items],
        "stripe_status": subscription["status"],
        "stripe_created": moment(subscription["created"]),
    }


def invoice_subscription(invoice: dict[str, Any]) -> str | None:
    """The subscription billed: under ``parent`` since API version 2025-03-31, top-level before."""
    details = (invoice.get("parent") or {}).get("subscription_details") or {}
    reference = details.get("subscription") or invoice.get("subscription")
    return None if reference is None else object_id(reference)


def invoice(stripe_invoice: dict[str, Any]) -> dict[str, Any]:
    """Draft invoices have no number yet: their id stands in until they are finalised."""
    transitions = stripe_invoice.get("status_transitions") or {}
    issued = day(transitions.get("finalized_at") or stripe_invoice["created"])
    return {
        "external_id": stripe_invoice["id"],
        "account_external_id": object_id(stripe_invoice["customer"]),
        "number": stripe_invoice.get("number") or stripe_invoice["id"],
        "contract_external_id": invoice_subscription(stripe_invoice),
        "amount_minor": stripe_invoice["total"],
        "currency": stripe_invoice["currency"],
        "issued_on": issued,
        "due_date": day(stripe_invoice["due_date"]) if stripe_invoice.get("due_date") else issued,
        "paid_at": moment(transitions.get("paid_at")),
        "status": stripe_invoice["status"],
        "stripe_amount_remaining": stripe_invoice.get("amount_remaining"),
        "stripe_created": moment(stripe_invoice["created"]),
    }
