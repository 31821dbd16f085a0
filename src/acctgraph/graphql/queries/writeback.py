"""``crmWritebacks``: the write-back outbox, newest first, by status (admins only): failures to look at."""

from __future__ import annotations

import strawberry
from sqlalchemy import select

from acctgraph import models
from acctgraph.graphql.connections import Connection, RootList, paginated
from acctgraph.graphql.keyset import Ordering, SortKey
from acctgraph.graphql.types.writeback import CrmWriteback, WritebackStatus

NEWEST_FIRST = Ordering((SortKey("id", models.CrmWriteback.id, descending=True),))


@strawberry.type
class WritebackQueries:
    @paginated(
        "Write-backs to CRMs, newest first, e.g. the FAILED and REFUSED ones (admins only).",
        Connection[CrmWriteback],
    )
    def crm_writebacks(self, statuses: list[WritebackStatus] | None = None) -> RootList:
        statement = select(models.CrmWriteback)
        if statuses:
            statement = statement.where(models.CrmWriteback.status.in_(statuses))
        return RootList(statement, NEWEST_FIRST, CrmWriteback.from_row)
