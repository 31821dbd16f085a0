"""``alerts(filter)``: risk alerts across the book."""

from __future__ import annotations

from datetime import date

import strawberry
from sqlalchemy import ColumnElement, select

from acctgraph import models
from acctgraph.graphql.connections import Connection, RootList, paginated
from acctgraph.graphql.ids import decode_ids
from acctgraph.graphql.types.alerts import NEWEST_ALERTS_FIRST, Alert, AlertSeverity, AlertStatus


@strawberry.input(description="Narrow the alerts list; every given field must match.")
class AlertFilter:
    statuses: list[AlertStatus] | None = strawberry.field(default=None, description="e.g. [OPEN, ACKNOWLEDGED].")
    rules: list[str] | None = None
    severities: list[AlertSeverity] | None = None
    account_ids: list[strawberry.ID] | None = None
    owner_ids: list[strawberry.ID] | None = strawberry.field(default=None, description="Alerts for these owners.")
    raised_from: date | None = strawberry.field(default=None, description="Evaluated on or after this day.")
    raised_to: date | None = strawberry.field(default=None, description="Evaluated on or before this day.")


def _conditions(where: AlertFilter) -> list[ColumnElement[bool]]:
    alert = models.Alert
    conditions: list[ColumnElement[bool]] = []
    if where.statuses is not None:
        conditions.append(alert.status.in_(where.statuses))
    if where.rules is not None:
        conditions.append(alert.rule.in_(where.rules))
    if where.severities is not None:
        conditions.append(alert.severity.in_(where.severities))
    if where.account_ids is not None:
        conditions.append(alert.account_id.in_(decode_ids(where.account_ids, "Account") or []))
    if where.owner_ids is not None:
        conditions.append(alert.owner_id.in_(decode_ids(where.owner_ids, "User") or []))
    if where.raised_from is not None:
        conditions.append(alert.day >= where.raised_from)
    if where.raised_to is not None:
        conditions.append(alert.day <= where.raised_to)
    return conditions


@strawberry.type
class AlertQueries:
    @paginated("Risk alerts, newest first.", Connection[Alert])
    def alerts(self, filter: AlertFilter | None = None) -> RootList:
        statement = select(models.Alert).where(*_conditions(filter or AlertFilter()))
        return RootList(statement, NEWEST_ALERTS_FIRST, Alert.from_row)
