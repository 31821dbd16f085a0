"""``auditLog``: the audit trail, newest first, filtered by entity, actor and time (admins only)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from sqlalchemy import ColumnElement, select

from acctgraph import models
from acctgraph.graphql.connections import Connection, RootList, paginated
from acctgraph.graphql.errors import InvalidArgument
from acctgraph.graphql.ids import decode_id, parse_global_id
from acctgraph.graphql.keyset import Ordering, SortKey
from acctgraph.graphql.types.audit import AuditEntry

AUDIT_ORDER = Ordering(
    (
        SortKey("occurred", models.AuditRecord.occurred_at, descending=True, value_type=datetime),
        SortKey("id", models.AuditRecord.id, descending=True),
    )
)


@strawberry.input(description="Narrow the audit log; every given condition must hold.")
class AuditFilter:
    entity_type: str | None = strawberry.field(default=None, description="e.g. Account, Contact, Quote.")
    entity_id: strawberry.ID | None = strawberry.field(default=None, description="The global id of one entity.")
    actor_id: strawberry.ID | None = None
    operation: str | None = strawberry.field(default=None, description="A mutation name, e.g. transferAccounts.")
    since: datetime | None = None
    until: datetime | None = None


def _conditions(where: AuditFilter) -> list[ColumnElement[bool]]:
    record = models.AuditRecord
    conditions: list[ColumnElement[bool]] = []
    if where.entity_type is not None:
        conditions.append(record.entity_type == where.entity_type)
    if where.entity_id is not None:
        global_id = parse_global_id(where.entity_id)
        conditions += [
            record.entity_type == global_id.type_name,
            record.entity_id == decode_id(global_id, global_id.type_name),
        ]
    if where.actor_id is not None:
        conditions.append(record.actor_id == decode_id(where.actor_id, "User"))
    if where.operation is not None:
        conditions.append(record.operation == where.operation)
    if where.since and where.until and where.since > where.until:
        raise InvalidArgument("`since` is after `until`; swap them")
    if where.since is not None:
        conditions.append(record.occurred_at >= where.since)
    if where.until is not None:
        conditions.append(record.occurred_at < where.until)
    return conditions


@strawberry.type
class AuditQueries:
    @paginated("Every change made through the API, newest first (admins only).", Connection[AuditEntry])
    def audit_log(self, filter: AuditFilter | None = None) -> RootList:
        statement = select(models.AuditRecord).where(*_conditions(filter or AuditFilter()))
        return RootList(statement, AUDIT_ORDER, AuditEntry.from_row)
