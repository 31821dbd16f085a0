"""Invoices per billing period of each signed term: paid on time by healthy accounts, late or not at
all by struggling ones; a churned account's unpaid invoices end up uncollectible."""

from __future__ import annotations

import random
from datetime import date, timedelta

from acctgraph.demo.contracts import Term, add_months
from acctgraph.demo.plan import PlannedRow, Ref, at, stream
from acctgraph.demo.story import Story
from acctgraph.models import BillingPeriod, InvoiceStatus

MONTHS_BILLED = {BillingPeriod.MONTHLY: 1, BillingPeriod.QUARTERLY: 3, BillingPeriod.ANNUAL: 12}
PAYMENT_TERMS = timedelta(days=30)


def invoice_rows(story: Story, seed: int) -> list[PlannedRow]:
    rng = stream(seed, "invoices", story.key)
    months = MONTHS_BILLED[story.profile.billing_period]
    rows = []
    for term in story.history.terms:
        issued, n = term.start, 0
        while issued <= term.end and issued < story.window.today:
            n += 1
            if issued >= story.window.start:
                rows.append(_invoice(story, term, n, issued, months, rng))
            issued = add_months(term.start, months * n)
    return rows


def _invoice(story: Story, term: Term, n: int, issued: date, months: int, rng: random.Random) -> PlannedRow:
    due = issued + PAYMENT_TERMS
    paid_on = _payment_day(issued, due, max(0.0, -story.health(min(due, story.last_day))), rng)
    if paid_on is not None and paid_on >= story.window.today:
        paid_on = None
    return PlannedRow(
        f"{term.key}-inv-{n}",
        {
            "account_id": Ref("accounts", story.key),
            "contract_id": Ref("contracts", term.key),
            "number": f"INV-{term.number.removeprefix('CTR-')}-{n:02d}",
            "amount_minor": term.mrr_minor * months,
            "currency": story.profile.currency,
            "issued_on": issued,
            "due_date": due,
            "paid_at": at(paid_on, rng) if paid_on else None,
            "status": InvoiceStatus.PAID if paid_on else _unpaid_status(story, due),
        },
    )


def _payment_day(issued: date, due: date, trouble: float, rng: random.Random) -> date | None:
    """When the customer pays: within terms, late, or (struggling customers) never."""
    draw = rng.random()
    if draw < 0.01 + 0.2 * trouble:
        return None
    if draw < 0.06 + 0.4 * trouble:
        return due + timedelta(days=rng.randint(5, 120))
    return issued + timedelta(days=rng.randint(2, 28))


def _unpaid_status(story: Story, due: date) -> InvoiceStatus:
    written_off = story.history.churned_on is not None and (story.window.today - due).days > 120
    return InvoiceStatus.UNCOLLECTIBLE if written_off else InvoiceStatus.OPEN
