"""Risk alerts as the API serves them, and the per-measure health history behind a trend."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from sqlalchemy import ColumnElement
from strawberry import relay
from strawberry.scalars import JSON

from acctgraph import models
from acctgraph.graphql.connections import ChildList, FilterKey
from acctgraph.graphql.context import Info
from acctgraph.graphql.keyset import Ordering, SortKey
from acctgraph.graphql.loaders import load_by_id
from acctgraph.graphql.types.node import ModelNode
from acctgraph.graphql.types.users import User

if TYPE_CHECKING:
    from acctgraph.graphql.types.accounts import Account

AccountRef = Annotated["Account", strawberry.lazy("acctgraph.graphql.types.accounts")]
AlertStatus = models.AlertStatus
AlertSeverity = models.AlertSeverity
strawberry.enum(AlertStatus)
strawberry.enum(AlertSeverity)

NEWEST_ALERTS_FIRST = Ordering(
    (
        SortKey("raised_at", models.Alert.raised_at, descending=True, value_type=datetime),
        SortKey("id", models.Alert.id, descending=True),
    )
)


@strawberry.type(description="A risk alert raised for an account's owner, with the evidence that raised it.")
class Alert(ModelNode):
    model = models.Alert

    id: relay.NodeID[int]
    rule: str = strawberry.field(description="The rule that raised it, e.g. band_dropped, invoice_overdue.")
    subject: str = strawberry.field(
        description="What it is about within the account, e.g. invoice:42; empty for the account."
    )
    severity: AlertSeverity
    status: AlertStatus
    title: str
    evidence: JSON = strawberry.field(description="The values that met the rule's condition.")
    day: date = strawberry.field(description="The day the condition was evaluated on.")
    raised_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    resolution_note: str | None
    auto_resolved: bool = strawberry.field(
        description="Resolved by an evaluation that found the condition cleared (the note says why)."
    )
    account_id: strawberry.Private[int]
    owner_id: strawberry.Private[int | None]
    resolved_by_id: strawberry.Private[int | None]

    @strawberry.field(description="The account the alert is about.")
    async def account(self, info: Info) -> AccountRef | None:
        from acctgraph.graphql.types.accounts import Account

        row = await load_by_id(info.context, models.Account, self.account_id)
        return None if row is None else Account.from_row(row)

    @strawberry.field(
        description="Who should act: the account's owner when the alert was raised, or the new owner a "
        "transfer moved it to."
    )
    async def owner(self, info: Info) -> User | None:
        row = await load_by_id(info.context, models.User, self.owner_id)
        return None if row is None else User.from_row(row)

    @strawberry.field(description="Who resolved it.")
    async def resolved_by(self, info: Info) -> User | None:
        row = await load_by_id(info.context, models.User, self.resolved_by_id)
        return None if row is None else User.from_row(row)


def _statuses(key: FilterKey) -> list[ColumnElement[bool]]:
    return [models.Alert.status.in_(key)] if key else []


ACCOUNT_ALERTS = ChildList("account-alerts", models.Alert.account_id, NEWEST_ALERTS_FIRST, filters=_statuses)


@strawberry.type(description="One measure's raw value and score on a day: the history a trend is read from.")
class HealthMeasurePoint:
    day: date
    measure: str
    raw_value: float
    score: int
    weight: float = strawberry.field(description="Its share of the total that day, after renormalisation.")

    @classmethod
    def from_row(cls, row: Any) -> HealthMeasurePoint:
        return cls(day=row.day, measure=row.measure, raw_value=row.raw_value, score=row.score, weight=row.weight)
