"""``me``: who the caller is, their role and their book."""

from __future__ import annotations

from datetime import datetime

import strawberry

from acctgraph import models
from acctgraph.graphql.connections import ChildPage, Connection, paginated
from acctgraph.graphql.context import Info
from acctgraph.graphql.errors import Unauthenticated
from acctgraph.graphql.loaders import load_by_id
from acctgraph.graphql.queries.tasks import viewer_tasks
from acctgraph.graphql.types.accounts import Account
from acctgraph.graphql.types.enums import Role
from acctgraph.graphql.types.tasks import Task
from acctgraph.graphql.types.users import BOOK, User


@strawberry.type(description="The API key the request came with.")
class ApiKeyInfo:
    name: str
    prefix: str = strawberry.field(description="The token's first characters, e.g. ag_Xy12Ab3.")
    integration: bool = strawberry.field(description="Integration keys may only trigger syncs.")
    expires_at: datetime | None
    created_at: datetime


@strawberry.type(description="The caller.")
class Viewer:
    user: User
    role: Role
    api_key: ApiKeyInfo | None

    @paginated("The caller's book: the accounts they own, by name.", Connection[Account])
    def book(self) -> ChildPage:
        return ChildPage(BOOK, self.user.id, Account.from_row)

    tasks: Connection[Task] = paginated("The caller's (or their team's) to-do list, overdue first.", Connection[Task])(
        viewer_tasks
    )


@strawberry.type
class MeQueries:
    @strawberry.field(description="The authenticated caller: user, role, key and book.")
    async def me(self, info: Info) -> Viewer:
        actor = info.context.viewer
        if actor is None:
            raise Unauthenticated("send an API key: Authorization: Bearer <key>")
        user = await load_by_id(info.context, models.User, actor.user_id)
        key = await load_by_id(info.context, models.ApiKey, actor.api_key_id)
        api_key = None
        if key is not None:
            api_key = ApiKeyInfo(
                name=key.name,
                prefix=key.prefix,
                integration=key.integration,
                expires_at=key.expires_at,
                created_at=key.created_at,
            )
        return Viewer(user=User.from_row(user), role=actor.role, api_key=api_key)
