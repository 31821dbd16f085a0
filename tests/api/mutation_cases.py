"""For every mutation, a valid input against a given account: the matrix and audit tests run each one.

``World`` is a small organisation: an admin, a manager with one account manager in their team, an account
manager outside it, a viewer; one account owned inside the team and one outside.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from acctgraph import models as m
from acctgraph.graphql.ids import to_global_id
from tests.fixtures import SampleData

TODAY = date.today()


def gid(row: Any) -> str:
    return to_global_id(type(row).__name__, row.id)


@dataclass
class World:
    admin: m.User
    manager: m.User
    team_member: m.User
    outsider: m.User
    viewer: m.User

    @classmethod
    def build(cls, sample: SampleData) -> World:
        manager = sample.user(role=m.Role.MANAGER, name="Manager")
        return cls(
            admin=sample.user(role=m.Role.ADMIN, name="Admin"),
            manager=manager,
            team_member=sample.user(role=m.Role.ACCOUNT_MANAGER, manager_id=manager.id, name="Team member"),
            outsider=sample.user(role=m.Role.ACCOUNT_MANAGER, name="Outsider"),
            viewer=sample.user(role=m.Role.VIEWER, name="Viewer"),
        )

    def account(self, sample: SampleData, owner: m.User) -> m.Account:
        return sample.account(owner_id=owner.id, segment=m.Segment.STRATEGIC)


def quote(sample: SampleData, account: m.Account, **fields: Any) -> m.Quote:
    product = sample.product()
    defaults = {
        "account_id": account.id,
        "title": "Renewal quote",
        "currency": "USD",
        "subtotal_minor": 1_000_00,
        "total_minor": 1_000_00,
    }
    row = sample._add(m.Quote(**{**defaults, **fields}))
    sample._add(
        m.QuoteLine(
            quote_id=row.id,
            account_id=account.id,
            product_id=product.id,
            quantity=1,
            unit_price_minor=row.subtotal_minor,
        )
    )
    return row


def promotion_target(sample: SampleData, account: m.Account) -> m.PromotionTarget:
    promotion = sample._add(
        m.Promotion(name="Spring", offer="10% off", starts_on=TODAY, ends_on=TODAY + timedelta(days=30))
    )
    return sample._add(m.PromotionTarget(promotion_id=promotion.id, account_id=account.id))


Case = Callable[[SampleData, m.Account, World], dict[str, Any]]

CASES: dict[str, Case] = {
    "createAccount": lambda s, a, w: {"name": "New Co", "ownerId": to_global_id("User", a.owner_id)},
    "updateAccount": lambda s, a, w: {"id": gid(a), "version": a.version, "name": "Renamed"},
    "archiveAccount": lambda s, a, w: {"id": gid(a), "version": a.version},
    "setAccountParent": lambda s, a, w: {
        "id": gid(a),
        "version": a.version,
        "parentId": gid(s.account(owner_id=a.owner_id)),
    },
    "transferAccounts": lambda s, a, w: {
        "accountIds": [gid(a)],
        "toOwnerId": gid(w.manager),
        "effectiveOn": TODAY.isoformat(),
        "reason": "yearly rebalancing",
    },
    "createContact": lambda s, a, w: {"accountId": gid(a), "name": "Dana", "buyingRole": "CHAMPION"},
    "updateContact": lambda s, a, w: (lambda c: {"id": gid(c), "version": c.version, "sentiment": "POSITIVE"})(
        s.contact(a)
    ),
    "deactivateContact": lambda s, a, w: (lambda c: {"id": gid(c), "version": c.version})(s.contact(a)),
    "setContactReportsTo": lambda s, a, w: (
        lambda c, boss: {"id": gid(c), "version": c.version, "reportsToId": gid(boss)}
    )(s.contact(a), s.contact(a)),
    "logActivity": lambda s, a, w: {"accountId": gid(a), "kind": "CALL", "subject": "Check-in"},
    "scheduleQbr": lambda s, a, w: {
        "accountId": gid(a),
        "scheduledFor": (datetime.now(UTC) + timedelta(days=7)).isoformat(),
    },
    "completeQbr": lambda s, a, w: (lambda q: {"id": gid(q), "version": q.version, "notes": "Went well"})(
        s.activity(a, kind=m.ActivityKind.QBR, status=m.ActivityStatus.SCHEDULED)
    ),
    "createPlanItem": lambda s, a, w: {"accountId": gid(a), "title": "Expand to EMEA"},
    "updatePlanItem": lambda s, a, w: (lambda p: {"id": gid(p), "version": p.version, "status": "IN_PROGRESS"})(
        s._add(m.PlanItem(account_id=a.id, kind=m.PlanItemKind.GOAL, title="Grow"))
    ),
    "createOpportunity": lambda s, a, w: {
        "accountId": gid(a),
        "name": "Upsell seats",
        "kind": "UPSELL",
        "amountMinor": 5_000_00,
        "currency": "USD",
    },
    "moveOpportunityStage": lambda s, a, w: (lambda o: {"id": gid(o), "version": o.version, "stage": "proposal"})(
        s.opportunity(a)
    ),
    "closeOpportunity": lambda s, a, w: (lambda o: {"id": gid(o), "version": o.version, "won": True})(s.opportunity(a)),
    "createQuote": lambda s, a, w: {
        "accountId": gid(a),
        "title": "Q",
        "currency": "USD",
        "lines": [{"productId": gid(s.product()), "quantity": 2, "unitPriceMinor": 100_00}],
    },
    "updateQuote": lambda s, a, w: (lambda q: {"id": gid(q), "version": q.version, "discountPercent": "5"})(
        quote(s, a)
    ),
    "changeQuoteStatus": lambda s, a, w: (lambda q: {"id": gid(q), "version": q.version, "status": "PENDING_APPROVAL"})(
        quote(s, a)
    ),
    "createPromotion": lambda s, a, w: {
        "name": "Strategic spring",
        "offer": "Free onboarding",
        "startsOn": TODAY.isoformat(),
        "endsOn": (TODAY + timedelta(days=30)).isoformat(),
        "accountIds": [gid(a)],
    },
    "recordPromotionResult": lambda s, a, w: (lambda t: {"id": gid(t), "version": t.version, "outcome": "ENGAGED"})(
        promotion_target(s, a)
    ),
}


def document(mutation: str) -> str:
    input_type = mutation[0].upper() + mutation[1:] + "Input"
    return f"mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ userErrors {{ field message code }} }} }}"


def with_unknown_id(variables: dict[str, Any]) -> dict[str, Any]:
    """The same input with its first id pointing at nothing: the mutation must fail with NOT_FOUND."""
    from strawberry.relay import GlobalID

    for key in ("id", "accountId", "accountIds", "ownerId"):
        if key in variables:
            value = variables[key]
            first = value[0] if isinstance(value, list) else value
            missing = str(GlobalID(GlobalID.from_id(first).type_name, "999999"))
            return {**variables, key: [missing] if isinstance(value, list) else missing}
    raise AssertionError(f"no id to break in {variables}")


async def mutate(client: Any, mutation: str, variables: dict[str, Any], selection: str = "") -> dict[str, Any]:
    """The payload of one mutation (it must not raise a top-level error)."""
    input_type = mutation[0].upper() + mutation[1:] + "Input"
    query = f"mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ {selection} userErrors {{ field message code }} }} }}"
    return (await client.data(query, {"input": variables}))[mutation]


def codes(payload: dict[str, Any]) -> list[tuple[str | None, str]]:
    return [(error["field"], error["code"]) for error in payload["userErrors"]]
