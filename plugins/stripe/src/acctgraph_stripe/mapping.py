"""Stripe objects -> canonical records (as dicts the engine validates).

Stripe fields the canonical schemas lack are kept under ``stripe_*`` names (stored in ``extra``).
Amounts are already integer minor units in Stripe; prices are normalised to a per-month unit price.

MRR follows ChartMogul's rules (docs/metrics.md, "Stripe"): a trial is not MRR (a line takes effect
when the trial ends), a paused subscription is not MRR (its lines carry quantity 0, the subscribed
quantity kept as ``stripe_quantity``), and the discounts on a subscription or item reduce the unit
price (the list price kept as ``stripe_list_unit_price_minor``). Stripe's period ends are instants
when the next period starts; a contract's end date is the last day served, the day before.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
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


def is_paused(subscription: dict[str, Any]) -> bool:
    """Paused (status ``paused``, when a trial ends without a payment method) or collection paused."""
    return subscription["status"] == "paused" or bool(subscription.get("pause_collection"))


def coupon_of(discount: dict[str, Any] | str) -> dict[str, Any]:
    """The coupon of an expanded discount: ``source.coupon`` since API version 2025-09-30, ``coupon`` before."""
    if isinstance(discount, str):
        raise ValueError(f"discount {discount} is not expanded: list subscriptions with expand[]=data.discounts")
    coupon = (discount.get("source") or {}).get("coupon") or discount.get("coupon")
    if not isinstance(coupon, dict):
        raise ValueError(f"discount {discount['id']} has no expanded coupon: expand data.discounts.source.coupon")
    return coupon


def discounted_prices(lines: list[tuple[dict[str, Any], int]], subscription: dict[str, Any]) -> list[int]:
    """Monthly unit prices after the discounts now on the subscription and on each item.

    ``lines`` holds (item, list unit price per month). A percentage applies to each price it covers; a
    fixed amount off an invoice is turned into a monthly amount (by the billing interval) and shared
    between the items in proportion to their MRR. Stripe lists only the discounts that still apply.
    """
    prices = [Fraction(price) for _, price in lines]
    for index, (item, _) in enumerate(lines):
        for coupon in map(coupon_of, item.get("discounts") or ()):
            prices[index] = _after_coupon([prices[index]], [item["quantity"] or 1], coupon, item["price"])[0]
    quantities = [item.get("quantity") or 1 for item, _ in lines]
    for coupon in map(coupon_of, subscription.get("discounts") or ()):
        prices = _after_coupon(prices, quantities, coupon, lines[0][0]["price"] if lines else {})
    return [max(0, round(price)) for price in prices]


def _after_coupon(
    prices: list[Fraction], quantities: list[int], coupon: dict[str, Any], price: dict[str, Any]
) -> list[Fraction]:
    if coupon.get("percent_off") is not None:
        kept = 1 - Fraction(str(coupon["percent_off"])) / 100
        return [unit * kept for unit in prices]
    total = sum(unit * quantity for unit, quantity in zip(prices, quantities, strict=True))
    if not coupon.get("amount_off") or not total:
        return prices
    recurring = price.get("recurring") or {"interval": "month", "interval_count": 1}
    months = MONTHS_PER_INTERVAL[recurring["interval"]] * (recurring.get("interval_count") or 1)
    kept = max(Fraction(0), 1 - Fraction(coupon["amount_off"]) / months / total)
    return [unit * kept for unit in prices]


def contract_line(subscription: dict[str, Any], item: dict[str, Any], unit_price_minor: int) -> dict[str, Any]:
    """A subscription item as a line, effective from when it was added or, later, when the trial ends."""
    price = item["price"]
    starts = day(item.get("created") or subscription["start_date"])
    if subscription.get("trial_end"):
        starts = max(starts, day(subscription["trial_end"]))
    quantity = item.get("quantity") or 1
    return {
        "external_id": item["id"],
        "product_external_id": object_id(price["product"]),
        "quantity": 0 if is_paused(subscription) else quantity,
        "unit_price_minor": unit_price_minor,
        "effective_from": starts,
        "stripe_price": price["id"],
        "stripe_quantity": quantity,
        "stripe_list_unit_price_minor": monthly_unit_price(price),
    }


def contract(subscription: dict[str, Any], items: list[dict[str, Any]]) -> dict[str, Any]:
    """A subscription is a contract; its items (all of them, not only the 10 embedded) are its lines.

    The end date is the day before it ended or is set to cancel, else before the end of the current
    period (on the item since API version 2025-03-31, on the subscription before).
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
    start = day(subscription["start_date"])
    prices = discounted_prices([(item, monthly_unit_price(item["price"])) for item in items], subscription)
    return {
        "external_id": subscription["id"],
        "account_external_id": object_id(subscription["customer"]),
        "number": subscription["id"],
        "status": status,
        "start_date": start,
        "end_date": max(day(end) - timedelta(days=1), start),
        "auto_renew": status is ContractStatus.ACTIVE
        and not subscription.get("cancel_at_period_end")
        and not subscription.get("cancel_at"),
        "currency": subscription["currency"],
        "billing_period": billing_period(items[0]["price"]) if items else BillingPeriod.MONTHLY,
        "lines": [contract_line(subscription, item, price) for item, price in zip(items, prices, strict=True)],
        "stripe_status": subscription["status"],
        "stripe_paused": is_paused(subscription),
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
        "voided_at": moment(transitions.get("voided_at")),
        "status": stripe_invoice["status"],
        "stripe_amount_remaining": stripe_invoice.get("amount_remaining"),
        "stripe_created": moment(stripe_invoice["created"]),
    }
