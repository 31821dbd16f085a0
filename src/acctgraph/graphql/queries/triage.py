"""``rejectedRecords`` and ``quarantinedRecords``: what syncs could not write, newest first (admins only)."""

from __future__ import annotations

import strawberry
from sqlalchemy import ColumnElement, select

from acctgraph import models
from acctgraph.graphql.connections import Connection, RootList, paginated
from acctgraph.graphql.ids import decode_id
from acctgraph.graphql.keyset import Ordering, SortKey
from acctgraph.graphql.types.triage import QuarantinedRecord, RejectedRecord

NEWEST_REJECTED_FIRST = Ordering((SortKey("id", models.RejectedRecord.id, descending=True),))
NEWEST_QUARANTINED_FIRST = Ordering((SortKey("id", models.QuarantinedRecord.id, descending=True),))


@strawberry.input(description="Narrow the records a sync could not write.")
class TriageFilter:
    connection_id: strawberry.ID | None = strawberry.field(default=None, description="Of this connection.")
    stream: str | None = strawberry.field(default=None, description="Of this stream.")


def _conditions(
    model: type[models.RejectedRecord] | type[models.QuarantinedRecord], where: TriageFilter
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if where.connection_id is not None:
        conditions.append(model.connection_id == decode_id(where.connection_id, "DataSource"))
    if where.stream is not None:
        conditions.append(model.stream == where.stream)
    return conditions


@strawberry.type
class TriageQueries:
    @paginated("Records syncs rejected as invalid, newest first (admins only).", Connection[RejectedRecord])
    def rejected_records(self, filter: TriageFilter | None = None) -> RootList:
        model = models.RejectedRecord
        statement = select(model).where(*_conditions(model, filter or TriageFilter()))
        return RootList(statement, NEWEST_REJECTED_FIRST, RejectedRecord.from_row)

    @paginated(
        "Records waiting for a record they reference, newest first (admins only).", Connection[QuarantinedRecord]
    )
    def quarantined_records(self, filter: TriageFilter | None = None) -> RootList:
        model = models.QuarantinedRecord
        statement = select(model).where(*_conditions(model, filter or TriageFilter()))
        return RootList(statement, NEWEST_QUARANTINED_FIRST, QuarantinedRecord.from_row)
