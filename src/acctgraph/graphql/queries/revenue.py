"""``revenueMetrics``, ``book``, ``teamMetrics``, ``forecast`` and ``forecastAccuracy``: the domain's revenue
figures, computed by sync domain code on the request's session off the event loop."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

import strawberry
from sqlalchemy.orm import Session

from acctgraph.domain.quotas import attainment as quota_attainment
from acctgraph.domain.revenue.accuracy import forecast_accuracy
from acctgraph.domain.revenue.book import book
from acctgraph.domain.revenue.churn_reasons import churn_by_reason
from acctgraph.domain.revenue.forecast import forecast
from acctgraph.domain.revenue.metrics import revenue_metrics
from acctgraph.domain.revenue.period import PERIOD_FORMS, Period
from acctgraph.domain.revenue.period import Granularity as GranularityData
from acctgraph.domain.revenue.scope import Scope
from acctgraph.domain.revenue.team import team_metrics
from acctgraph.graphql.connections import ReportConnection, ReportRows, paginated
from acctgraph.graphql.context import Info
from acctgraph.graphql.errors import InvalidArgument
from acctgraph.graphql.ids import decode_id
from acctgraph.graphql.types.enums import Segment
from acctgraph.graphql.types.money import Money
from acctgraph.graphql.types.quotas import QuotaAttainment
from acctgraph.graphql.types.revenue import (
    AccountManagerMetrics,
    Book,
    Forecast,
    Granularity,
    MrrMovements,
    OwnerForecastAccuracy,
    RenewalRates,
    RenewalSaves,
    RevenueMetrics,
    revenue_errors,
)
from acctgraph.graphql.types.revenue import Period as PeriodType
from acctgraph.graphql.types.scalars import BigInt

T = TypeVar("T")
PERIOD_HELP = PERIOD_FORMS


@strawberry.input(
    description="Which accounts: at most one of ownerId, managerId (their whole team) or segment; none for all."
)
class RevenueScope:
    owner_id: strawberry.ID | None = None
    manager_id: strawberry.ID | None = strawberry.field(
        default=None, description="The manager and everyone under them."
    )
    segment: Segment | None = None


def _scope(scope: RevenueScope | None) -> Scope:
    if scope is None:
        return Scope.everything()
    given = [value for value in (scope.owner_id, scope.manager_id, scope.segment) if value is not None]
    if len(given) > 1:
        raise InvalidArgument("scope takes at most one of ownerId, managerId and segment")
    if scope.owner_id is not None:
        return Scope.owner(decode_id(scope.owner_id, "User"))
    if scope.manager_id is not None:
        return Scope.team(decode_id(scope.manager_id, "User"))
    if scope.segment is not None:
        return Scope.of_segment(scope.segment)
    return Scope.everything()


async def _compute(info: Info, function: Callable[[Session], T]) -> T:
    with revenue_errors():
        return await info.context.db.run_sync(function)


def _period(info: Info, text: str) -> Period:
    with revenue_errors():
        return Period.parse(text, info.context.settings.fiscal_year_start_month)


@strawberry.type
class RevenueQueries:
    @strawberry.field(
        description=f"MRR movements, NRR, GRR, logo churn and renewal rates; period: {PERIOD_HELP}. Measured up "
        "to today (period.measuredThrough); a period that has not started is refused (PERIOD_IN_FUTURE)."
    )
    async def revenue_metrics(self, info: Info, period: str, scope: RevenueScope | None = None) -> RevenueMetrics:
        wanted, accounts, currency = _period(info, period), _scope(scope), info.context.settings.reporting_currency
        today = info.context.today
        metrics, reasons = await _compute(
            info,
            lambda session: (
                revenue_metrics(session, wanted, accounts, currency, today),
                churn_by_reason(session, wanted, accounts, currency, today),
            ),
        )
        return RevenueMetrics(
            period=PeriodType.of(metrics.period, metrics.measured_through),
            totals=MrrMovements.of(metrics.totals, currency),
            months=[MrrMovements.of(month, currency) for month in metrics.months],
            renewals=RenewalRates.of(metrics.renewals, currency),
            churn_by_reason=RevenueMetrics.reasons_of(reasons, currency),
            saves=RenewalSaves(
                count=reasons.saves, arr=Money(amount_minor=BigInt(reasons.saved_minor), currency=currency)
            ),
        )

    @strawberry.field(description="An owner's book of business today: ARR, health bands, renewals due, ARR at risk.")
    async def book(self, info: Info, owner_id: strawberry.ID) -> Book:
        owner, today = decode_id(owner_id, "User"), info.context.today
        currency = info.context.settings.reporting_currency
        return Book.of(await _compute(info, lambda session: book(session, owner, today, currency)))

    @paginated(
        f"Per account manager of the manager's team (recursively), by name; period: {PERIOD_HELP}.",
        ReportConnection[AccountManagerMetrics],
    )
    async def team_metrics(
        self, info: Info, manager_id: strawberry.ID, period: str
    ) -> ReportRows[AccountManagerMetrics]:
        manager, wanted, today = decode_id(manager_id, "User"), _period(info, period), info.context.today
        settings = info.context.settings
        currency = settings.reporting_currency

        def read(session: Session) -> list[AccountManagerMetrics]:
            rows = team_metrics(session, manager, wanted, today, currency, settings.strategic_mrr_threshold_minor)
            quotas = quota_attainment(session, [row.user_id for row in rows], wanted, today, currency)
            return [
                replace(
                    AccountManagerMetrics.of(row, currency),
                    quota_attainment=QuotaAttainment.list_of(quotas[row.user_id], currency),
                )
                for row in rows
            ]

        return ReportRows(await _compute(info, read))

    @strawberry.field(
        description=f"Opportunities closing in the period by bucket, column and kind; period: {PERIOD_HELP}."
    )
    async def forecast(
        self,
        info: Info,
        period: str,
        scope: RevenueScope | None = None,
        granularity: Granularity = GranularityData.MONTH,
    ) -> Forecast:
        wanted, accounts, currency = _period(info, period), _scope(scope), info.context.settings.reporting_currency
        return Forecast.of(
            await _compute(info, lambda session: forecast(session, wanted, accounts, granularity, currency))
        )

    @paginated(
        "Per owner (by id): the forecast snapshotted when each period within this one started, vs won.",
        ReportConnection[OwnerForecastAccuracy],
    )
    async def forecast_accuracy(
        self, info: Info, period: str, scope: RevenueScope | None = None
    ) -> ReportRows[OwnerForecastAccuracy]:
        wanted, owners, currency = _period(info, period), _scope(scope), info.context.settings.reporting_currency
        rows = await _compute(info, lambda session: forecast_accuracy(session, wanted, owners, currency))
        return ReportRows([OwnerForecastAccuracy.of(row, currency) for row in rows])
