"""Revenue types: MRR movements and retention, renewal rates, book of business, team metrics, forecast."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import strawberry

from acctgraph import models
from acctgraph.domain.quotas import attainment as quota_attainment
from acctgraph.domain.revenue import accuracy as accuracy_domain
from acctgraph.domain.revenue import book as book_domain
from acctgraph.domain.revenue import churn_reasons as churn_domain
from acctgraph.domain.revenue import forecast as forecast_domain
from acctgraph.domain.revenue.accuracy import NoForecastSnapshot
from acctgraph.domain.revenue.money import MissingExchangeRate
from acctgraph.domain.revenue.movements import MrrMovements as MrrMovementsData
from acctgraph.domain.revenue.period import Granularity as GranularityData
from acctgraph.domain.revenue.period import InvalidPeriod, PeriodInFuture
from acctgraph.domain.revenue.period import Period as PeriodData
from acctgraph.domain.revenue.renewal_rates import RenewalRates as RenewalRatesData
from acctgraph.domain.revenue.scope import ScopeError, UnknownUser
from acctgraph.domain.revenue.team import AccountManagerMetrics as AccountManagerMetricsData
from acctgraph.graphql.context import Info
from acctgraph.graphql.errors import ApiError, ErrorCode, InvalidArgument, NotFound
from acctgraph.graphql.loaders import load_by_id
from acctgraph.graphql.types.enums import HealthBand, OpportunityKind
from acctgraph.graphql.types.money import Money
from acctgraph.graphql.types.quotas import QuotaAttainment
from acctgraph.graphql.types.scalars import BigInt
from acctgraph.graphql.types.users import User

Granularity = GranularityData
ForecastColumn = forecast_domain.ForecastColumn
strawberry.enum(Granularity, description="Calendar buckets of a forecast.")
strawberry.enum(ForecastColumn, description="Closed won or lost once decided, else the forecast category.")


class PeriodNotStarted(ApiError):
    """A revenue period that starts after today: nothing in it can be measured yet."""

    code = ErrorCode.PERIOD_IN_FUTURE


class NoExchangeRate(ApiError):
    """An amount in a currency without a rate in effect on a day the figure needs."""

    code = ErrorCode.MISSING_EXCHANGE_RATE


@contextmanager
def revenue_errors() -> Iterator[None]:
    """Domain errors the client can fix become GraphQL errors with a code, never a traceback or a 0."""
    try:
        yield
    except UnknownUser as error:
        raise NotFound(str(error)) from None
    except PeriodInFuture as error:
        raise PeriodNotStarted(str(error)) from None
    except MissingExchangeRate as error:
        raise NoExchangeRate(str(error)) from None
    except (InvalidPeriod, ScopeError, NoForecastSnapshot) as error:
        raise InvalidArgument(str(error)) from None


def _money(amount_minor: int, currency: str) -> Money:
    return Money(amount_minor=BigInt(amount_minor), currency=currency)


@strawberry.type(description="A reporting period: both days included.")
class Period:
    start: datetime.date
    end: datetime.date
    label: str = strawberry.field(description='e.g. "2026-07", "2026-Q3", or "2026-07-01..2026-07-15".')
    measured_through: datetime.date | None = strawberry.field(
        default=None,
        description="Revenue figures: the last day measured, the period's end or today while it runs "
        "(complete is false then).",
    )

    @strawberry.field(description="Revenue figures: whether the period is over and measured to its end.")
    def complete(self) -> bool | None:
        return None if self.measured_through is None else self.measured_through == self.end

    @classmethod
    def of(cls, period: PeriodData, measured_through: datetime.date | None = None) -> Period:
        return cls(start=period.start, end=period.end, label=period.label, measured_through=measured_through)


@strawberry.type(
    description="A period's MRR bridge: starting + new + reactivation + expansion - contraction - churned "
    "+ fxEffect = ending."
)
class MrrMovements:
    period: Period
    starting_mrr: Money
    new: Money
    expansion: Money
    contraction: Money
    churned: Money
    reactivation: Money
    fx_effect: Money = strawberry.field(
        description="The change from exchange rates: the starting accounts' closing MRR at the closing day's "
        "rates minus at the opening day's rates (movements are in constant currency)."
    )
    ending_mrr: Money
    accounts_at_start: int
    accounts_churned: int
    nrr: float | None = strawberry.field(description="(starting + expansion - contraction - churned) / starting.")
    grr: float | None = strawberry.field(description="(starting - contraction - churned) / starting.")
    logo_churn_rate: float | None = strawberry.field(description="Accounts churned / accounts paying at the start.")

    @classmethod
    def of(cls, movements: MrrMovementsData, currency: str) -> MrrMovements:
        return cls(
            period=Period.of(movements.period, movements.closing_day),
            starting_mrr=_money(movements.starting_mrr_minor, currency),
            new=_money(movements.new_minor, currency),
            expansion=_money(movements.expansion_minor, currency),
            contraction=_money(movements.contraction_minor, currency),
            churned=_money(movements.churned_minor, currency),
            reactivation=_money(movements.reactivation_minor, currency),
            fx_effect=_money(movements.fx_effect_minor, currency),
            ending_mrr=_money(movements.ending_mrr_minor, currency),
            accounts_at_start=movements.accounts_at_start,
            accounts_churned=movements.accounts_churned,
            nrr=movements.nrr,
            grr=movements.grr,
            logo_churn_rate=movements.logo_churn_rate,
        )


@strawberry.type(description="Renewal opportunities whose contract ends in the period: ARR due against ARR renewed.")
class RenewalRates:
    due_count: int
    open_count: int = strawberry.field(description="Renewals due but not yet won or lost; they count as not renewed.")
    due_arr: Money
    renewed_arr: Money
    gross_rate: float | None = strawberry.field(description="Renewed ARR, each capped at what was due, / ARR due.")
    net_rate: float | None = strawberry.field(description="Renewed ARR, upsell included, / ARR due.")

    @classmethod
    def of(cls, rates: RenewalRatesData, currency: str) -> RenewalRates:
        return cls(
            due_count=rates.due_count,
            open_count=rates.open_count,
            due_arr=_money(rates.due_arr_minor, currency),
            renewed_arr=_money(rates.renewed_arr_minor, currency),
            gross_rate=rates.gross_rate,
            net_rate=rates.net_rate,
        )


@strawberry.type(description="Renewal ARR lost and downsold for one churn reason in a period.")
class ChurnReasonArr:
    reason: str = strawberry.field(description="The churn reason key (churnReasons).")
    churned_arr: Money = strawberry.field(description="Amount of the renewals lost for this reason.")
    lost_renewals: int = strawberry.field(description="How many renewals were lost for this reason.")
    contracted_arr: Money = strawberry.field(
        description="Won renewals' shrink (first amount minus amount won) for this reason."
    )
    downsold_renewals: int = strawberry.field(description="How many renewals were downsold for this reason.")


@strawberry.type(description="Renewals won in a period although at risk when they opened.")
class RenewalSaves:
    count: int = strawberry.field(description="How many saves.")
    arr: Money = strawberry.field(description="What the saved renewals were won for.")


@strawberry.type(description="Revenue metrics of a period and a scope; formulas in docs/metrics.md.")
class RevenueMetrics:
    period: Period
    totals: MrrMovements = strawberry.field(description="The whole period, opening against closing MRR.")
    months: list[MrrMovements] = strawberry.field(description="Each calendar month of the period.")
    renewals: RenewalRates
    churn_by_reason: list[ChurnReasonArr] = strawberry.field(
        description="Renewals lost (churn) and won for less (contraction) in the period, per churn reason."
    )
    saves: RenewalSaves = strawberry.field(description="At-risk renewals won in the period.")

    @staticmethod
    def reasons_of(figures: churn_domain.ChurnByReason, currency: str) -> list[ChurnReasonArr]:
        return [
            ChurnReasonArr(
                reason=row.reason,
                churned_arr=_money(row.churned_minor, currency),
                lost_renewals=row.lost_renewals,
                contracted_arr=_money(row.contracted_minor, currency),
                downsold_renewals=row.downsold_renewals,
            )
            for row in figures.reasons
        ]


@strawberry.type(description="ARR of the accounts whose latest health snapshot has this band.")
class BandArr:
    band: HealthBand | None = strawberry.field(description="Null for accounts without a health snapshot.")
    arr: Money


@strawberry.type(description="ARR of active contracts ending within this many days.")
class RenewingArr:
    within_days: int
    arr: Money


@strawberry.type(description="An owner's book of business, as of today.")
class Book:
    owner_id: strawberry.Private[int]
    account_count: int
    arr: Money
    arr_by_currency: list[Money] = strawberry.field(description="ARR per contract currency, unconverted.")
    arr_by_band: list[BandArr]
    renewing_arr: list[RenewingArr] = strawberry.field(
        description="Within 30, 60 and 90 days, each including the shorter."
    )
    at_risk_arr: Money = strawberry.field(description="ARR renewing within 90 days on red or yellow accounts.")
    open_alerts: int = strawberry.field(description="Alerts on the owner's accounts not yet resolved.")

    @strawberry.field
    async def owner(self, info: Info) -> User:
        return User.from_row(await load_by_id(info.context, models.User, self.owner_id))

    @strawberry.field(
        description="Net new and renewal ARR won against the owner's quotas lying within the period (default: "
        "the current fiscal quarter), measured up to today."
    )
    async def quota_attainment(
        self,
        info: Info,
        period: Annotated[
            str | None,
            strawberry.argument(description="FY2027-Q1, FY2027, 2026-Q3, ...; default: this fiscal quarter."),
        ] = None,
    ) -> list[QuotaAttainment]:
        context, owner_id = info.context, self.owner_id
        settings, today = context.settings, context.today
        with revenue_errors():
            wanted = (
                PeriodData.fiscal_quarter_containing(today, settings.fiscal_year_start_month)
                if period is None
                else PeriodData.parse(period, settings.fiscal_year_start_month)
            )
            rows = await context.db.run_sync(
                lambda session: quota_attainment(session, [owner_id], wanted, today, settings.reporting_currency)
            )
        return QuotaAttainment.list_of(rows[owner_id], settings.reporting_currency)

    @classmethod
    def of(cls, book: book_domain.Book) -> Book:
        currency = book.currency
        return cls(
            owner_id=book.owner_id,
            account_count=book.account_count,
            arr=_money(book.arr_minor, currency),
            arr_by_currency=[_money(arr, code) for code, arr in sorted(book.arr_by_currency.items())],
            arr_by_band=[
                BandArr(
                    band=None if band == book_domain.UNSCORED else models.HealthBand(band),
                    arr=_money(arr, currency),
                )
                for band, arr in book.arr_by_band.items()
            ],
            renewing_arr=[
                RenewingArr(within_days=days, arr=_money(arr, currency))
                for days, arr in book.renewing_arr_minor.items()
            ],
            at_risk_arr=_money(book.at_risk_arr_minor, currency),
            open_alerts=book.open_alerts,
        )


@strawberry.type(description="One account manager of a team: book, coverage, retention, renewals and forecast.")
class AccountManagerMetrics:
    user_id: strawberry.Private[int]
    account_count: int
    arr: Money
    strategic_accounts: int = strawberry.field(description="Strategic segment, or MRR at the strategic threshold.")
    strategic_with_recent_qbr: int
    qbr_coverage: float | None = strawberry.field(
        description="Strategic accounts with a QBR in 90 days / strategic accounts."
    )
    untouched_30_days: int = strawberry.field(description="Accounts without a call, meeting or QBR in 30 days.")
    untouched_90_days: int
    nrr: float | None
    grr: float | None
    renewals: RenewalRates
    forecast_accuracy: float | None = strawberry.field(
        description="1 - |won - forecast| / forecast over the periods snapshotted within the period."
    )
    open_alerts: int = strawberry.field(description="Alerts on their accounts not yet resolved.")
    median_days_to_resolve: float | None = strawberry.field(
        description="Median days from raised to resolved, over alerts on their accounts resolved in the period."
    )
    quota_attainment: list[QuotaAttainment] = strawberry.field(
        default_factory=list,
        description="Net new and renewal ARR won in the period against their quotas lying within it.",
    )

    @strawberry.field
    async def user(self, info: Info) -> User:
        return User.from_row(await load_by_id(info.context, models.User, self.user_id))

    @classmethod
    def of(cls, row: AccountManagerMetricsData, currency: str) -> AccountManagerMetrics:
        return cls(
            user_id=row.user_id,
            account_count=row.account_count,
            arr=_money(row.arr_minor, currency),
            strategic_accounts=row.strategic_accounts,
            strategic_with_recent_qbr=row.strategic_with_recent_qbr,
            qbr_coverage=row.qbr_coverage,
            untouched_30_days=row.untouched[30],
            untouched_90_days=row.untouched[90],
            nrr=row.nrr,
            grr=row.grr,
            renewals=RenewalRates.of(row.renewals, currency),
            forecast_accuracy=row.forecast_accuracy,
            open_alerts=row.open_alerts,
            median_days_to_resolve=row.median_days_to_resolve,
        )


@strawberry.type(description="Opportunities of one forecast column or kind.")
class ForecastTotals:
    count: int
    amount: Money
    weighted: Money = strawberry.field(description="Won 100%, lost 0%, open amount x probability.")

    @classmethod
    def of(cls, totals: forecast_domain.Totals, currency: str) -> ForecastTotals:
        return cls(
            count=totals.count,
            amount=_money(totals.amount_minor, currency),
            weighted=_money(totals.weighted_minor, currency),
        )


@strawberry.type
class ForecastColumnTotals:
    column: ForecastColumn
    totals: ForecastTotals


@strawberry.type
class ForecastKindTotals:
    kind: OpportunityKind
    totals: ForecastTotals


@strawberry.type(description="Opportunities expected to close in one month or quarter.")
class ForecastBucket:
    period: Period
    totals: ForecastTotals
    by_column: list[ForecastColumnTotals]
    by_kind: list[ForecastKindTotals]

    @classmethod
    def of(cls, bucket: forecast_domain.ForecastBucket, currency: str) -> ForecastBucket:
        return cls(
            period=Period.of(bucket.period),
            totals=ForecastTotals.of(bucket.totals, currency),
            by_column=[
                ForecastColumnTotals(column=column, totals=ForecastTotals.of(totals, currency))
                for column, totals in bucket.by_column.items()
            ],
            by_kind=[
                ForecastKindTotals(kind=kind, totals=ForecastTotals.of(totals, currency))
                for kind, totals in bucket.by_kind.items()
            ],
        )


@strawberry.type(description="The forecast of a period, by month or quarter.")
class Forecast:
    granularity: Granularity
    total: ForecastBucket = strawberry.field(description="The whole period.")
    buckets: list[ForecastBucket]

    @classmethod
    def of(cls, forecast: forecast_domain.Forecast) -> Forecast:
        return cls(
            granularity=forecast.granularity,
            total=ForecastBucket.of(forecast.whole_period, forecast.currency),
            buckets=[ForecastBucket.of(bucket, forecast.currency) for bucket in forecast.buckets],
        )


@strawberry.type(description="An owner's forecast snapshotted at period start against what closed won.")
class OwnerForecastAccuracy:
    owner_id: strawberry.Private[int]
    forecast: Money = strawberry.field(description="Closed won plus commit at the snapshot.")
    weighted: Money
    actual: Money = strawberry.field(description="Closed won in the period.")
    accuracy: float | None = strawberry.field(description="max(0, 1 - |actual - forecast| / forecast).")

    @strawberry.field
    async def owner(self, info: Info) -> User:
        return User.from_row(await load_by_id(info.context, models.User, self.owner_id))

    @classmethod
    def of(cls, row: accuracy_domain.OwnerAccuracy, currency: str) -> OwnerForecastAccuracy:
        return cls(
            owner_id=row.owner_id,
            forecast=_money(row.forecast_minor, currency),
            weighted=_money(row.weighted_minor, currency),
            actual=_money(row.actual_minor, currency),
            accuracy=row.accuracy,
        )
