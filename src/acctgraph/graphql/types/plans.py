"""Account plans: goals with their initiatives; whitespace for cross-sell."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

import strawberry
from strawberry import relay

from acctgraph import models
from acctgraph.domain.plans import whitespace as whitespace_query
from acctgraph.graphql.connections import ChildList
from acctgraph.graphql.context import Info
from acctgraph.graphql.keyset import Ordering, SortKey
from acctgraph.graphql.loaders import load_by_id, load_children
from acctgraph.graphql.types.catalog import Product
from acctgraph.graphql.types.enums import PlanItemKind, PlanItemStatus
from acctgraph.graphql.types.node import ModelNode
from acctgraph.graphql.types.users import User


@strawberry.type(description="A goal of an account plan, or an initiative pursuing a goal.")
class PlanItem(ModelNode):
    model = models.PlanItem

    id: relay.NodeID[int]
    kind: PlanItemKind
    title: str
    description: str | None
    status: PlanItemStatus
    due_on: date | None
    version: int = strawberry.field(description="Send it back with updates (optimistic concurrency).")
    created_at: datetime
    updated_at: datetime
    owner_id: strawberry.Private[int | None]
    goal_id: strawberry.Private[int | None]
    account_id: strawberry.Private[int]

    @strawberry.field
    async def owner(self, info: Info) -> User | None:
        row = await load_by_id(info.context, models.User, self.owner_id)
        return None if row is None else User.from_row(row)

    @strawberry.field(description="A goal's initiatives, by due date.")
    async def initiatives(self, info: Info) -> list[PlanItem]:
        item = models.PlanItem
        rows = await load_children(info.context, item.goal_id, self.id, order_by=[item.due_on, item.title])
        return [PlanItem.from_row(row) for row in rows]


PLAN_GOALS = ChildList(
    "account-plan-goals",
    models.PlanItem.account_id,
    Ordering(
        (
            SortKey("due", models.PlanItem.due_on, nullable=True, value_type=date),
            SortKey("title", models.PlanItem.title, value_type=str),
            SortKey("id", models.PlanItem.id),
        )
    ),
    where=(models.PlanItem.kind == models.PlanItemKind.GOAL,),
)
"""An account's goals, by due date (undated last), a page at a time."""


async def whitespace(info: Info, account_id: int) -> list[Product]:
    context = info.context

    async def batch(account_ids: list[int]) -> list[list[Product]]:
        query = whitespace_query(context.today).where(models.Account.id.in_(account_ids))
        rows = await context.db.all(query.order_by(models.Product.name, models.Product.id))
        grouped: dict[int, list[Product]] = defaultdict(list)
        for owner_account_id, product in rows:
            grouped[owner_account_id].append(Product.from_row(product))
        return [grouped[pk] for pk in account_ids]

    return await context.loaders.get("account-whitespace", batch).load(account_id)
