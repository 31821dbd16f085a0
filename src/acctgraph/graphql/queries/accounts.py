"""``accounts`` (filtered, ordered, keyset-paginated) and ``account(id)``."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from typing import Any

import strawberry
from sqlalchemy import Select
from sqlalchemy.orm import defer

from acctgraph import models
from acctgraph.domain.read_model.account_list import (
    AccountListFilter,
    AccountOrderKey,
    SortColumn,
    account_list,
    needs_rates,
    require_list_rates,
)
from acctgraph.graphql.connections import Connection, RootList, paginated
from acctgraph.graphql.context import Info
from acctgraph.graphql.errors import InvalidArgument, NotFound
from acctgraph.graphql.ids import decode_id, decode_ids
from acctgraph.graphql.keyset import Ordering, SortKey
from acctgraph.graphql.loaders import load_by_id
from acctgraph.graphql.planner import account_look_ahead
from acctgraph.graphql.search import search_term
from acctgraph.graphql.types.accounts import Account
from acctgraph.graphql.types.enums import HealthBand, LifecycleStage, Segment
from acctgraph.graphql.types.revenue import revenue_errors
from acctgraph.graphql.types.scalars import BigInt
from acctgraph.settings import Settings


@strawberry.input(description="Narrow the accounts list; every given condition must hold.")
class AccountFilter:
    search: str | None = strawberry.field(default=None, description="Part of the name or of a domain, any case.")
    segments: list[Segment] | None = None
    owner_ids: list[strawberry.ID] | None = None
    lifecycle_stages: list[LifecycleStage] | None = None
    health_bands: list[HealthBand] | None = strawberry.field(
        default=None, description="Band of the latest health snapshot; accounts without health never match."
    )
    renewal_within_days: int | None = strawberry.field(
        default=None, description="An active contract ends within this many days from today."
    )
    min_arr: BigInt | None = strawberry.field(
        default=None, description="ARR at least this, in minor units of the reporting currency."
    )
    parent_id: strawberry.ID | None = None
    include_archived: bool = strawberry.field(default=False, description="Also list archived accounts.")


@strawberry.enum
class AccountOrderField(enum.Enum):
    NAME = "name"
    ARR = "arr"
    HEALTH_SCORE = "health_score"
    RENEWAL_DATE = "renewal_date"
    UPDATED_AT = "updated_at"


@strawberry.enum
class OrderDirection(enum.Enum):
    ASC = "asc"
    DESC = "desc"


@strawberry.input(description="Sort order; ties break on id. Accounts without health or renewal sort last.")
class AccountOrder:
    field: AccountOrderField = AccountOrderField.NAME
    direction: OrderDirection = OrderDirection.ASC


def _list_filter(where: AccountFilter, settings: Settings) -> AccountListFilter:
    """The API's filter as the domain's: ids decoded, the search term checked and normalised."""
    if where.renewal_within_days is not None and where.renewal_within_days < 0:
        raise InvalidArgument("renewalWithinDays must be 0 or more")
    return AccountListFilter(
        search=search_term(where.search, settings) if where.search else None,
        segments=where.segments,
        owner_ids=None if where.owner_ids is None else decode_ids(where.owner_ids, "User") or [],
        lifecycle_stages=where.lifecycle_stages,
        health_bands=where.health_bands,
        renewal_within_days=where.renewal_within_days,
        min_arr_minor=where.min_arr,
        parent_id=None if where.parent_id is None else decode_id(where.parent_id, "Account"),
        include_archived=where.include_archived,
    )


def _ordering(order: tuple[SortColumn, ...]) -> Ordering:
    return Ordering(tuple(SortKey(c.name, c.column, c.descending, value_type=c.value_type) for c in order))


@dataclass(frozen=True)
class ListedAccounts:
    """The accounts a ``accounts(filter, orderBy)`` list holds: ``select(Account)`` filtered (unordered),
    the keyset ordering to page it by, and whether it must first check that no ARR lacks a rate."""

    statement: Select[Any]
    ordering: Ordering
    needs_rates: bool


def listed_accounts(
    settings: Settings, today: date, filter: AccountFilter | None, order_by: AccountOrder | None
) -> ListedAccounts:
    """The one definition of the list, shared by the resolver and the compiled projection
    (``graphql.projection``): filters, orderings and cursors cannot drift apart. Raises ``ApiError``s."""
    where = _list_filter(filter or AccountFilter(), settings)
    order = order_by or AccountOrder()
    order_key = AccountOrderKey(order.field.value)
    listed = account_list(where, order_key, order.direction is OrderDirection.DESC, today)
    # ``extra`` (a JSON document connectors keep) is not served: not read either.
    statement = listed.statement.options(defer(models.Account.extra))
    return ListedAccounts(statement, _ordering(listed.order), needs_rates(where, order_key))


@strawberry.type
class AccountQueries:
    @paginated("The book of accounts, filtered and ordered.", Connection[Account])
    async def accounts(
        self,
        info: Info,
        filter: AccountFilter | None = None,
        order_by: AccountOrder | None = None,
    ) -> RootList:
        context = info.context
        listed = listed_accounts(context.settings, context.today, filter, order_by)
        if listed.needs_rates:
            currency = context.settings.reporting_currency
            with revenue_errors():  # an amount without a rate has no ARR: refuse rather than sort it as 0
                await context.db.run_sync(lambda session: require_list_rates(session, currency))
        return RootList(listed.statement, listed.ordering, Account.from_row, account_look_ahead(info))

    @strawberry.field(description="One account by id.")
    async def account(self, info: Info, id: strawberry.ID) -> Account | None:
        row = await load_by_id(info.context, models.Account, decode_id(id, "Account"))
        if row is None:
            raise NotFound(f"no Account with id {id!r}")
        return Account.from_row(row)
