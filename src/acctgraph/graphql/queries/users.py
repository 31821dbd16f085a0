"""``users`` and ``user(id)``."""

from __future__ import annotations

import strawberry
from sqlalchemy import ColumnElement, func, or_, select

from acctgraph import models
from acctgraph.graphql.connections import Connection, RootList, paginated
from acctgraph.graphql.context import Info
from acctgraph.graphql.errors import NotFound
from acctgraph.graphql.ids import decode_id
from acctgraph.graphql.keyset import Ordering, SortKey
from acctgraph.graphql.loaders import load_by_id
from acctgraph.graphql.search import search_term
from acctgraph.graphql.types.enums import Role
from acctgraph.graphql.types.users import User
from acctgraph.settings import Settings

USER_ORDER = Ordering((SortKey("name", func.lower(models.User.name), value_type=str), SortKey("id", models.User.id)))


@strawberry.input(description="Narrow the users list.")
class UserFilter:
    search: str | None = strawberry.field(default=None, description="Part of the name or email, any case.")
    roles: list[Role] | None = None
    manager_id: strawberry.ID | None = strawberry.field(default=None, description="Direct reports of this user.")
    active: bool | None = None


def _conditions(where: UserFilter, settings: Settings) -> list[ColumnElement[bool]]:
    user = models.User
    conditions: list[ColumnElement[bool]] = []
    if where.search:
        term = search_term(where.search, settings)
        conditions.append(
            or_(
                func.lower(user.name).contains(term, autoescape=True),
                func.lower(user.email).contains(term, autoescape=True),
            )
        )
    if where.roles is not None:
        conditions.append(user.role.in_(where.roles))
    if where.manager_id is not None:
        conditions.append(user.manager_id == decode_id(where.manager_id, "User"))
    if where.active is not None:
        conditions.append(user.active.is_(where.active))
    return conditions


@strawberry.type
class UserQueries:
    @paginated("Users, by name.", Connection[User])
    def users(self, info: Info, filter: UserFilter | None = None) -> RootList:
        statement = select(models.User).where(*_conditions(filter or UserFilter(), info.context.settings))
        return RootList(statement, USER_ORDER, User.from_row)

    @strawberry.field(description="One user by id.")
    async def user(self, info: Info, id: strawberry.ID) -> User | None:
        row = await load_by_id(info.context, models.User, decode_id(id, "User"))
        if row is None:
            raise NotFound(f"no User with id {id!r}")
        return User.from_row(row)
