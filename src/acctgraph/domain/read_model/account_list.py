"""The book of accounts as a list: filtered, ordered and keyset-paged on ``account_summaries``.

Every ordering is one index of the read model ending in ``account_id`` (the tie-breaker), so the first
page of any ordering reads about a page of index entries whatever the size of the book; the common
filters (owner, the book rule, segment, lifecycle stage, band, renewal window, ARR floor) are columns of
the same table. The API, the CLI and the worker share this one definition of the list.
"""

from __future__ import annotations

import enum
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Exists, Select, exists, false, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from acctgraph.domain.revenue.money import MissingExchangeRate
from acctgraph.models import Account, AccountDomain, AccountSummary, HealthBand, LifecycleStage, Segment


class AccountOrderKey(enum.StrEnum):
    """What the list can be ordered by (missing health or renewal sorts last in both directions)."""

    NAME = "name"
    ARR = "arr"
    HEALTH_SCORE = "health_score"
    RENEWAL_DATE = "renewal_date"
    UPDATED_AT = "updated_at"


@dataclass(frozen=True)
class AccountListFilter:
    """Conditions that must all hold. ``search`` is an already normalised, lower-case term.

    ``book_owner_ids`` is the book rule: when set, only accounts of these owners exist for the caller,
    whatever the other conditions say (None: every account)."""

    search: str | None = None
    segments: Collection[Segment] | None = None
    owner_ids: Collection[int] | None = None
    lifecycle_stages: Collection[LifecycleStage] | None = None
    health_bands: Collection[HealthBand] | None = None
    renewal_within_days: int | None = None
    min_arr_minor: int | None = None
    parent_id: int | None = None
    include_archived: bool = False
    book_owner_ids: Collection[int] | None = None


@dataclass(frozen=True)
class SortColumn:
    """One column of a list's ordering; ``value_type`` is the type of its values (for cursors)."""

    name: str
    column: InstrumentedAttribute[Any]
    descending: bool
    value_type: type


@dataclass(frozen=True)
class AccountList:
    """``select(Account)`` filtered, and the ordering to page it by (ending in the account id)."""

    statement: Select[Account]
    order: tuple[SortColumn, ...]


def account_list(where: AccountListFilter, order_by: AccountOrderKey, descending: bool, today: date) -> AccountList:
    """The accounts matching ``where``, to be ordered by ``order_by`` (then id), as of ``today``.

    Ordering or filtering by ARR needs :func:`require_list_rates` first: an amount without a rate has no
    ARR, and would otherwise sort as if it had one."""
    summary = AccountSummary
    statement = (
        select(Account)
        .join(summary, summary.account_id == Account.id)
        .where(summary.deleted.is_(False), *_conditions(where, today))
    )
    return AccountList(
        statement, (_sort_column(order_by, descending), SortColumn("id", summary.account_id, descending, int))
    )


def _conditions(where: AccountListFilter, today: date) -> list[ColumnElement[bool]]:
    summary = AccountSummary
    conditions: list[ColumnElement[bool]] = []
    if where.book_owner_ids is not None:
        conditions.append(summary.owner_id.in_(sorted(where.book_owner_ids)))
    if where.search:
        in_domain = exists().where(
            AccountDomain.account_id == summary.account_id,
            func.lower(AccountDomain.domain).contains(where.search, autoescape=True),
        )
        conditions.append(summary.name_key.contains(where.search, autoescape=True) | in_domain)
    if where.segments is not None:
        conditions.append(summary.segment.in_(list(where.segments)) if where.segments else false())
    if where.owner_ids is not None:
        conditions.append(summary.owner_id.in_(sorted(where.owner_ids)) if where.owner_ids else false())
    if where.lifecycle_stages is not None:
        stages = list(where.lifecycle_stages)
        conditions.append(summary.lifecycle_stage.in_(stages) if stages else false())
    if not where.include_archived:
        conditions.append(summary.archived.is_(False))
    if where.parent_id is not None:
        conditions.append(Account.parent_id == where.parent_id)
    if where.renewal_within_days is not None:
        horizon = today + timedelta(days=where.renewal_within_days)
        conditions.append(summary.next_renewal_on.between(today, horizon))
    if where.health_bands is not None:
        bands = list(where.health_bands)
        conditions.append(summary.health_band.in_(bands) if bands else false())
    if where.min_arr_minor is not None:
        conditions.append(summary.arr_minor >= where.min_arr_minor)
    return conditions


def _sort_column(order_by: AccountOrderKey, descending: bool) -> SortColumn:
    summary = AccountSummary
    if order_by is AccountOrderKey.ARR:
        return SortColumn("arr", summary.arr_minor, descending, int)
    if order_by is AccountOrderKey.HEALTH_SCORE:
        health = summary.health_order_desc if descending else summary.health_order_asc
        return SortColumn("health", health, descending, int)
    if order_by is AccountOrderKey.RENEWAL_DATE:
        renewal = summary.renewal_order_desc if descending else summary.renewal_order_asc
        return SortColumn("renewal", renewal, descending, date)
    if order_by is AccountOrderKey.UPDATED_AT:
        return SortColumn("updated", summary.updated_at, descending, datetime)
    return SortColumn("name", summary.name_key, descending, str)


def needs_rates(where: AccountListFilter, order_by: AccountOrderKey) -> bool:
    return order_by is AccountOrderKey.ARR or where.min_arr_minor is not None


def require_list_rates(session: Session, reporting_currency: str) -> None:
    """Refuse (:class:`MissingExchangeRate`) to order or filter by ARR while an account's MRR lacks a rate
    (it has no ARR, and would sort as if it had one): one indexed look-up on the read model."""
    missing = session.execute(
        select(AccountSummary.missing_currencies, AccountSummary.as_of).where(AccountSummary.rates_missing).limit(50)
    ).all()
    if missing:
        currencies = {currency for listed, _day in missing for currency in (listed or "").split(",") if currency}
        raise MissingExchangeRate(currencies, reporting_currency, min(day for _listed, day in missing))


def list_rates_missing() -> Exists:
    """EXISTS an account whose MRR lacks a rate: what :func:`require_list_rates` refuses, for a statement
    that checks it in passing (and then leaves the refusal to ``require_list_rates``)."""
    return exists().where(AccountSummary.rates_missing)


def count_of(statement: Select[Any]) -> Select[int]:
    """SELECT the number of rows ``statement`` (a list, unordered) holds."""
    return select(func.count()).select_from(statement.order_by(None).subquery())
