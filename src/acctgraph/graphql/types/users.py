"""Users: account managers, their managers and reports, and their book of accounts."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from acctgraph import models
from acctgraph.graphql.connections import ChildList, ChildPage, Connection, paginated
from acctgraph.graphql.context import Info
from acctgraph.graphql.keyset import Ordering, SortKey
from acctgraph.graphql.loaders import load_by_id
from acctgraph.graphql.types.enums import Role
from acctgraph.graphql.types.node import ModelNode

if TYPE_CHECKING:
    from acctgraph.graphql.types.accounts import Account

AccountRef = Annotated["Account", strawberry.lazy("acctgraph.graphql.types.accounts")]

BOOK = ChildList(
    "user-accounts",
    models.Account.owner_id,
    Ordering((SortKey("name", models.Account.name, value_type=str), SortKey("id", models.Account.id))),
    where=(models.Account.archived_at.is_(None),),
)

REPORTS = ChildList(
    "user-reports",
    models.User.manager_id,
    Ordering((SortKey("name", models.User.name, value_type=str), SortKey("id", models.User.id))),
)


@strawberry.type(description="A person using acctgraph: admin, manager, account manager or viewer.")
class User(ModelNode):
    model = models.User

    id: relay.NodeID[int]
    name: str
    email: str
    role: Role
    active: bool
    created_at: datetime
    updated_at: datetime
    manager_id: strawberry.Private[int | None]

    @strawberry.field(description="The user's manager in the team hierarchy.")
    async def manager(self, info: Info) -> User | None:
        row = await load_by_id(info.context, models.User, self.manager_id)
        return None if row is None else User.from_row(row)

    @paginated("The user's direct reports, by name.", Connection["User"])
    def reports(self) -> ChildPage:
        return ChildPage(REPORTS, self.id, User.from_row)

    @paginated("The user's book: the accounts they own, by name.", Connection[AccountRef])
    def accounts(self) -> ChildPage:
        from acctgraph.graphql.types.accounts import Account

        return ChildPage(BOOK, self.id, Account.from_row)
