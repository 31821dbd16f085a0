"""``accounts`` (filtered, ordered, keyset-paginated) and ``account(id)``."""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta

import strawberry
from sqlalchemy import ColumnElement, Select, exists, func, or_, select
from sqlalchemy.orm import defer

from acctgraph import models
from acctgraph.domain.account_facts import (
    active_contracts_ending_from,
    latest_health,
    next_renewal_date,
    require_rates_in_force,
)
from acctgraph.domain.mrr import mrr_by_account
from acctgraph.graphql.connections import Connection, RootList, paginated
from acctgraph.graphql.context import RequestContext
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


def _conditions(
    statement: Select[models.Account], where: AccountFilter, today: date, settings: Settings
) -> Select[models.Account]:
    account = models.Account
    conditions: list[ColumnElement[bool]] = []
    if where.search:
        term = search_term(where.search, settings)
        in_domain = exists().where(
            models.AccountDomain.account_id == account.id,
            func.lower(models.AccountDomain.domain).contains(term, autoescape=True),
        )
        conditions.append(or_(func.lower(account.name).contains(term, autoescape=True), in_domain))
    if where.segments is not None:
        conditions.append(account.segment.in_(where.segments))
    if where.owner_ids is not None:
        conditions.append(account.owner_id.in_(decode_ids(where.owner_ids, "User") or []))
    if where.lifecycle_stages is not None:
        conditions.append(account.lifecycle_stage.in_(where.lifecycle_stages))
    if not where.include_archived:
        conditions.append(account.archived_at.is_(None))
    if where.parent_id is not None:
        conditions.append(account.parent_id == decode_id(where.parent_id, "Account"))
    if where.renewal_within_days is not None:
        if where.renewal_within_days < 0:
            raise InvalidArgument("renewalWithinDays must be 0 or more")
        horizon = today + timedelta(days=where.renewal_within_days)
        renewing = active_contracts_ending_from(today).with_only_columns(models.Contract.id)
        conditions.append(
            renewing.where(models.Contract.account_id == account.id, models.Contract.end_date <= horizon).exists()
        )
    if where.health_bands is not None:
        health = latest_health().subquery()
        conditions.append(exists().where(health.c.account_id == account.id, health.c.band.in_(where.health_bands)))
    if where.min_arr is not None:
        revenue = mrr_by_account(today, settings.reporting_currency).subquery()
        arr = select(func.coalesce(func.max(revenue.c.mrr_minor), 0) * 12).where(revenue.c.account_id == account.id)
        conditions.append(arr.scalar_subquery() >= where.min_arr)
    return statement.where(*conditions)


def _ordered(
    statement: Select[models.Account], order: AccountOrder, today: date, currency: str
) -> tuple[Select[models.Account], Ordering]:
    """Join what the order needs and return the ordering, ending in the id for a total order."""
    account = models.Account
    descending = order.direction is OrderDirection.DESC
    if order.field is AccountOrderField.ARR:
        revenue = mrr_by_account(today, currency).subquery()
        statement = statement.outerjoin(revenue, revenue.c.account_id == account.id)
        key = SortKey("arr", func.coalesce(revenue.c.mrr_minor, 0) * 12, descending)
    elif order.field is AccountOrderField.HEALTH_SCORE:
        health = latest_health().subquery()
        statement = statement.outerjoin(health, health.c.account_id == account.id)
        key = SortKey("health", health.c.score, descending, nullable=True)
    elif order.field is AccountOrderField.RENEWAL_DATE:
        renewal = next_renewal_date(today).subquery()
        statement = statement.outerjoin(renewal, renewal.c.account_id == account.id)
        key = SortKey("renewal", renewal.c.renewal_date, descending, nullable=True, value_type=date)
    elif order.field is AccountOrderField.UPDATED_AT:
        key = SortKey("updated", account.updated_at, descending, value_type=datetime)
    else:
        key = SortKey("name", func.lower(account.name), descending, value_type=str)
    return statement, Ordering((key, SortKey("id", account.id, descending)))


@strawberry.type
class AccountQueries:
    @paginated("The book of accounts, filtered and ordered.", Connection[Account])
    async def accounts(
        self,
        info: strawberry.Info[RequestContext, None],
        filter: AccountFilter | None = None,
        order_by: AccountOrder | None = None,
    ) -> RootList:
        context = info.context
        currency, today = context.settings.reporting_currency, context.today
        if (order_by and order_by.field is AccountOrderField.ARR) or (filter and filter.min_arr is not None):
            with revenue_errors():  # ARR in SQL would count an amount without a rate as 0
                await context.db.run_sync(lambda session: require_rates_in_force(session, today, currency))
        # ``extra`` (a JSON document connectors keep) is not served: not read either.
        statement = (
            select(models.Account).options(defer(models.Account.extra)).where(models.Account.deleted_at.is_(None))
        )
        statement = _conditions(statement, filter or AccountFilter(), context.today, context.settings)
        statement, ordering = _ordered(statement, order_by or AccountOrder(), context.today, currency)
        return RootList(statement, ordering, Account.from_row, account_look_ahead(info))

    @strawberry.field(description="One account by id.")
    async def account(self, info: strawberry.Info[RequestContext, None], id: strawberry.ID) -> Account | None:
        row = await load_by_id(info.context, models.Account, decode_id(id, "Account"))
        if row is None:
            raise NotFound(f"no Account with id {id!r}")
        return Account.from_row(row)
