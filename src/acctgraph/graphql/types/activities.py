"""Activities logged against an account: calls, emails, meetings, QBRs, notes, tasks."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

import strawberry
from sqlalchemy import select
from strawberry import relay

from acctgraph import models
from acctgraph.graphql.context import Info
from acctgraph.graphql.loaders import load_by_id
from acctgraph.graphql.types.contacts import Contact
from acctgraph.graphql.types.enums import ActivityKind, ActivityStatus
from acctgraph.graphql.types.node import ModelNode
from acctgraph.graphql.types.users import User
from acctgraph.graphql.types.writeback import CrmWriteback, load_crm_writeback


@strawberry.type(description="Something that happened with an account.")
class Activity(ModelNode):
    model = models.Activity

    id: relay.NodeID[int]
    kind: ActivityKind
    occurred_at: datetime
    subject: str
    body: str | None
    status: ActivityStatus = strawberry.field(
        description="DONE once it happened; a QBR is SCHEDULED first, a task OPEN."
    )
    outcomes: str | None
    due_on: date | None = strawberry.field(description="Tasks: when it is due.")
    version: int = strawberry.field(description="Send it back with updates (optimistic concurrency).")
    created_at: datetime
    updated_at: datetime
    author_id: strawberry.Private[int | None]
    account_id: strawberry.Private[int]
    assignee_id: strawberry.Private[int | None]

    @strawberry.field(description="Tasks: who must do it.")
    async def assignee(self, info: Info) -> User | None:
        row = await load_by_id(info.context, models.User, self.assignee_id)
        return None if row is None else User.from_row(row)

    @strawberry.field(description="The user who logged it.")
    async def author(self, info: Info) -> User | None:
        row = await load_by_id(info.context, models.User, self.author_id)
        return None if row is None else User.from_row(row)

    @strawberry.field(
        description="Its write-back to the CRM the account came from (status, the CRM's id, the CRM's refusal); "
        "null when nothing is written back (the account came from no CRM that writes activities)."
    )
    async def crm_writeback(self, info: Info) -> CrmWriteback | None:
        entities = (models.WritebackEntity.ACTIVITY, models.WritebackEntity.QBR)
        return await load_crm_writeback(info.context, entities, self.id)

    @strawberry.field(description="The customer's contacts who took part.")
    async def attendees(self, info: Info) -> list[Contact]:
        context = info.context

        async def batch(activity_ids: list[int]) -> list[list[Contact]]:
            attendees = models.activity_attendees
            rows = await context.db.all(
                select(attendees.c.activity_id, models.Contact)
                .join(models.Contact, models.Contact.id == attendees.c.contact_id)
                .where(attendees.c.activity_id.in_(activity_ids), models.Contact.deleted_at.is_(None))
                .order_by(models.Contact.name, models.Contact.id)
            )
            grouped: dict[int, list[Contact]] = defaultdict(list)
            for activity_id, contact in rows:
                grouped[activity_id].append(Contact.from_row(contact))
            return [grouped[activity_id] for activity_id in activity_ids]

        return await context.loaders.get("activity-attendees", batch).load(self.id)
