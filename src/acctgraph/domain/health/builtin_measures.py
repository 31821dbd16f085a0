"""The default health measures, registered through the ``health_measures`` hook like a plugin's.

Seat products: a product is licensed per seat when its ``extra`` JSON has ``"pricing_unit": "seat"``
(connectors map the source's unit there) or its SKU is listed in the adoption measure's ``seat_skus``
parameter (for sources that carry no unit); the licensed seats of an account are the summed quantity
of its per-seat lines on contracts in force.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from pydantic import Field
from sqlalchemy import Row, Select, case, func, null, or_, select, union_all

from acctgraph.domain.contract_history import existed_on, in_force_on
from acctgraph.domain.health.measures import HealthMeasure, MeasureParams, end_of_day
from acctgraph.domain.mrr import line_effective_on
from acctgraph.hookspecs import hookimpl
from acctgraph.models import (
    AccountSentiment,
    Activity,
    ActivityKind,
    ActivityStatus,
    Contract,
    ContractLine,
    Invoice,
    InvoiceStatus,
    NpsResponse,
    Product,
    Sentiment,
    SupportTicket,
    TicketPriority,
    TicketStatus,
    UsageMetric,
)

TICKET_DONE = (TicketStatus.SOLVED, TicketStatus.CLOSED)


def _contract_in_force(as_of: date) -> Any:
    """In force on that day by its dates and the status it had then (contract_history), so a contract
    cancelled later still counted before, and a draft never signed never counts."""
    return Contract.id.in_(in_force_on(as_of))


class UsageParams(MeasureParams):
    """Which daily usage metric to read, over windows of how many days.

    28 days by default rather than 30: whole weeks, so the weekday/weekend pattern of usage does not
    move the score from one day to the next.
    """

    metric: str = "active_users"
    window_days: int = Field(default=28, gt=0)


class UsageTrend(HealthMeasure):
    """Percent change of the metric's daily average: the last window vs the window before."""

    key = "usage_trend"
    label = "Product usage trend"
    params_model = UsageParams

    def rows(self, as_of: date, params: UsageParams) -> Select[*tuple[Any, ...]]:
        recent_from = as_of - timedelta(days=params.window_days - 1)
        recent = func.avg(case((UsageMetric.day >= recent_from, UsageMetric.value)))
        previous = func.avg(case((UsageMetric.day < recent_from, UsageMetric.value)))
        return (
            select(UsageMetric.account_id, recent.label("recent"), previous.label("previous"))
            .where(
                UsageMetric.metric == params.metric,
                UsageMetric.day <= as_of,
                UsageMetric.day >= recent_from - timedelta(days=params.window_days),
            )
            .group_by(UsageMetric.account_id)
        )

    def raw_value(self, row: Row[Any], as_of: date, params: UsageParams) -> float | None:
        if not row.previous or row.recent is None:
            return None
        return (row.recent - row.previous) * 100.0 / row.previous

    def explain(self, row: Row[Any] | None, raw: float, as_of: date, params: UsageParams) -> str:
        assert row is not None
        return (
            f"{params.metric} averaged {row.recent:.1f}/day over the last {params.window_days} days "
            f"vs {row.previous:.1f} before ({raw:+.0f}%)"
        )


class AdoptionParams(UsageParams):
    seat_skus: list[str] = []


class Adoption(HealthMeasure):
    """Active users (daily average over the window) as a percentage of licensed seats."""

    key = "adoption"
    label = "Adoption (active users / seats)"
    params_model = AdoptionParams

    def rows(self, as_of: date, params: AdoptionParams) -> Select[*tuple[Any, ...]]:
        # One grouped pass over seats and usage together (UNION ALL), rather than joining two
        # aggregates, which planners without fresh statistics turn into a quadratic nested loop.
        seat_lines = (
            select(
                Contract.account_id.label("account_id"),
                ContractLine.quantity.label("seats"),
                null().label("users"),
            )
            .join(ContractLine, ContractLine.contract_id == Contract.id)
            .join(Product, Product.id == ContractLine.product_id)
            .where(_contract_in_force(as_of), existed_on(ContractLine.deleted_at, as_of), line_effective_on(as_of))
            .where(or_(Product.extra["pricing_unit"].as_string() == "seat", Product.sku.in_(params.seat_skus)))
        )
        usage_days = select(
            UsageMetric.account_id.label("account_id"), null().label("seats"), UsageMetric.value.label("users")
        ).where(
            UsageMetric.metric == params.metric,
            UsageMetric.day <= as_of,
            UsageMetric.day > as_of - timedelta(days=params.window_days),
        )
        both = union_all(seat_lines, usage_days).subquery()
        seats = func.sum(both.c.seats)
        return (
            select(both.c.account_id, func.avg(both.c.users).label("users"), seats.label("seats"))
            .group_by(both.c.account_id)
            .having(seats > 0, func.count(both.c.users) > 0)
        )

    def raw_value(self, row: Row[Any], as_of: date, params: AdoptionParams) -> float | None:
        return row.users * 100.0 / row.seats

    def explain(self, row: Row[Any] | None, raw: float, as_of: date, params: AdoptionParams) -> str:
        assert row is not None
        return f"{row.users:.0f} active users on {row.seats} licensed seats ({raw:.0f}%)"


class SupportParams(MeasureParams):
    priority_weights: dict[TicketPriority, float] = {
        TicketPriority.LOW: 1,
        TicketPriority.NORMAL: 2,
        TicketPriority.HIGH: 4,
        TicketPriority.URGENT: 8,
    }
    escalation_weight: float = Field(default=5, ge=0)
    escalation_window_days: int = Field(default=30, gt=0)


class SupportLoad(HealthMeasure):
    """Tickets open on the day weighted by priority, plus a weight per escalation opened recently."""

    key = "support_load"
    label = "Support load"
    params_model = SupportParams
    absent_value = 0.0

    def rows(self, as_of: date, params: SupportParams) -> Select[*tuple[Any, ...]]:
        day_end = end_of_day(as_of)
        is_open = or_(
            SupportTicket.closed_at >= day_end,
            SupportTicket.closed_at.is_(None) & SupportTicket.status.not_in(TICKET_DONE),
        )
        is_recent_escalation = SupportTicket.escalated & (
            SupportTicket.opened_at >= day_end - timedelta(days=params.escalation_window_days)
        )
        weight = case(
            *((SupportTicket.priority == priority, w) for priority, w in params.priority_weights.items()),
            else_=0,
        )
        return (
            select(
                SupportTicket.account_id,
                func.sum(case((is_open, weight), else_=0)).label("open_load"),
                func.sum(case((is_open, 1), else_=0)).label("open_tickets"),
                func.sum(case((is_recent_escalation, 1), else_=0)).label("escalations"),
            )
            .where(
                SupportTicket.opened_at < day_end,
                existed_on(SupportTicket.deleted_at, as_of),
                or_(is_open, is_recent_escalation),
            )
            .group_by(SupportTicket.account_id)
        )

    def raw_value(self, row: Row[Any], as_of: date, params: SupportParams) -> float | None:
        return float(row.open_load) + params.escalation_weight * row.escalations

    def explain(self, row: Row[Any] | None, raw: float, as_of: date, params: SupportParams) -> str:
        if row is None:
            return "no open tickets and no recent escalations"
        return (
            f"{row.open_tickets} open tickets (priority-weighted {row.open_load:g}), "
            f"{row.escalations} escalations in {params.escalation_window_days} days"
        )


class NpsParams(MeasureParams):
    lookback_days: int = Field(default=365, gt=0)


def _nps_in_lookback(as_of: date, params: NpsParams) -> Any:
    day_end = end_of_day(as_of)
    return (
        NpsResponse.responded_at < day_end,
        NpsResponse.responded_at >= day_end - timedelta(days=params.lookback_days),
        existed_on(NpsResponse.deleted_at, as_of),
    )


class NpsLatest(HealthMeasure):
    """The score (0-10) of the account's most recent NPS response within the look-back."""

    key = "nps_latest"
    label = "NPS (latest response)"
    params_model = NpsParams

    def rows(self, as_of: date, params: NpsParams) -> Select[*tuple[Any, ...]]:
        ranked = (
            select(
                NpsResponse.account_id,
                NpsResponse.score,
                NpsResponse.responded_at,
                func.row_number()
                .over(
                    partition_by=NpsResponse.account_id,
                    order_by=(NpsResponse.responded_at.desc(), NpsResponse.id.desc()),
                )
                .label("rank"),
            )
            .where(*_nps_in_lookback(as_of, params))
            .subquery()
        )
        return select(ranked.c.account_id, ranked.c.score, ranked.c.responded_at).where(ranked.c.rank == 1)

    def raw_value(self, row: Row[Any], as_of: date, params: NpsParams) -> float | None:
        return float(row.score)

    def explain(self, row: Row[Any] | None, raw: float, as_of: date, params: NpsParams) -> str:
        assert row is not None
        return f"latest NPS response {raw:.0f}/10 on {row.responded_at.date().isoformat()}"


class NpsAverage(HealthMeasure):
    """The average NPS score (0-10) of the account's responses within the look-back."""

    key = "nps_average"
    label = "NPS (average)"
    params_model = NpsParams

    def rows(self, as_of: date, params: NpsParams) -> Select[*tuple[Any, ...]]:
        return (
            select(
                NpsResponse.account_id, func.avg(NpsResponse.score).label("average"), func.count().label("responses")
            )
            .where(*_nps_in_lookback(as_of, params))
            .group_by(NpsResponse.account_id)
        )

    def raw_value(self, row: Row[Any], as_of: date, params: NpsParams) -> float | None:
        return float(row.average)

    def explain(self, row: Row[Any] | None, raw: float, as_of: date, params: NpsParams) -> str:
        assert row is not None
        return f"average NPS {raw:.1f}/10 over {row.responses} responses in {params.lookback_days} days"


class BillingParams(MeasureParams):
    grace_days: int = Field(default=0, ge=0)


class Billing(HealthMeasure):
    """Days the oldest unpaid invoice is overdue (0 when nothing is overdue). On a past day, an invoice
    paid or voided later was still unpaid (``paid_at``, ``voided_at``); a void with no date counts as void."""

    key = "billing"
    label = "Billing (overdue invoices)"
    params_model = BillingParams
    absent_value = 0.0

    def rows(self, as_of: date, params: BillingParams) -> Select[*tuple[Any, ...]]:
        unpaid_statuses = (InvoiceStatus.OPEN, InvoiceStatus.UNCOLLECTIBLE, InvoiceStatus.VOID)
        unpaid_then = or_(
            Invoice.paid_at >= end_of_day(as_of), Invoice.paid_at.is_(None) & Invoice.status.in_(unpaid_statuses)
        )
        not_void_then = (Invoice.status != InvoiceStatus.VOID) | (Invoice.voided_at >= end_of_day(as_of))
        return (
            select(
                Invoice.account_id,
                func.min(Invoice.due_date).label("oldest_due"),
                func.count().label("overdue"),
            )
            .where(
                Invoice.issued_on <= as_of,
                Invoice.due_date < as_of - timedelta(days=params.grace_days),
                Invoice.status != InvoiceStatus.DRAFT,
                not_void_then,
                existed_on(Invoice.deleted_at, as_of),
                unpaid_then,
            )
            .group_by(Invoice.account_id)
        )

    def raw_value(self, row: Row[Any], as_of: date, params: BillingParams) -> float | None:
        return float((as_of - row.oldest_due).days)

    def explain(self, row: Row[Any] | None, raw: float, as_of: date, params: BillingParams) -> str:
        if row is None:
            return "no overdue invoices"
        return f"{row.overdue} overdue invoices, the oldest due {raw:.0f} days ago"


class EngagementParams(MeasureParams):
    meaningful_kinds: list[ActivityKind] = [ActivityKind.CALL, ActivityKind.MEETING, ActivityKind.QBR]


class Engagement(HealthMeasure):
    """Days since the last meaningful touch (by default a call, meeting or QBR)."""

    key = "engagement"
    label = "Engagement (days since last touch)"
    params_model = EngagementParams

    def rows(self, as_of: date, params: EngagementParams) -> Select[*tuple[Any, ...]]:
        return (
            select(Activity.account_id, func.max(Activity.occurred_at).label("last_touch"))
            .where(
                Activity.occurred_at < end_of_day(as_of),
                Activity.kind.in_(params.meaningful_kinds),
                Activity.status == ActivityStatus.DONE,
                existed_on(Activity.deleted_at, as_of),
            )
            .group_by(Activity.account_id)
        )

    def raw_value(self, row: Row[Any], as_of: date, params: EngagementParams) -> float | None:
        return float(max((as_of - row.last_touch.date()).days, 0))

    def explain(self, row: Row[Any] | None, raw: float, as_of: date, params: EngagementParams) -> str:
        return f"last meaningful touch {raw:.0f} days ago"


class RenewalProximity(HealthMeasure):
    """Days until the soonest end of a contract in force: a close renewal leaves less room to recover."""

    key = "renewal_proximity"
    label = "Renewal proximity (days)"

    def rows(self, as_of: date, params: MeasureParams) -> Select[*tuple[Any, ...]]:
        return (
            select(Contract.account_id, func.min(Contract.end_date).label("renews_on"))
            .where(_contract_in_force(as_of))
            .group_by(Contract.account_id)
        )

    def raw_value(self, row: Row[Any], as_of: date, params: MeasureParams) -> float | None:
        return float((row.renews_on - as_of).days)

    def explain(self, row: Row[Any] | None, raw: float, as_of: date, params: MeasureParams) -> str:
        assert row is not None
        return f"renews on {row.renews_on.isoformat()}, in {raw:.0f} days"


SENTIMENT_VALUES = {Sentiment.POSITIVE: 100.0, Sentiment.NEUTRAL: 50.0, Sentiment.NEGATIVE: 0.0}


class ManagerSentiment(HealthMeasure):
    """The account manager's latest sentiment (positive 100, neutral 50, negative 0) while still valid.

    A sentiment past its ``valid_until`` is stale: the measure counts as missing and the
    ``sentiment_stale`` alert reminds the owner to record a new one.
    """

    key = "am_sentiment"
    label = "Account manager sentiment"

    def rows(self, as_of: date, params: MeasureParams) -> Select[*tuple[Any, ...]]:
        return latest_sentiments(as_of)

    def raw_value(self, row: Row[Any], as_of: date, params: MeasureParams) -> float | None:
        return SENTIMENT_VALUES[row.sentiment] if row.valid_until >= as_of else None

    def explain(self, row: Row[Any] | None, raw: float, as_of: date, params: MeasureParams) -> str:
        assert row is not None
        recorded, valid_until = row.recorded_on.isoformat(), row.valid_until.isoformat()
        return f"{row.sentiment.value} as recorded on {recorded}, valid until {valid_until}"


def latest_sentiments(as_of: date) -> Select[*tuple[Any, ...]]:
    """Each account's most recent sentiment recorded on or before ``as_of`` (valid or stale)."""
    ranked = (
        select(
            AccountSentiment.id,
            AccountSentiment.account_id,
            AccountSentiment.sentiment,
            AccountSentiment.recorded_on,
            AccountSentiment.valid_until,
            func.row_number()
            .over(
                partition_by=AccountSentiment.account_id,
                order_by=(AccountSentiment.recorded_on.desc(), AccountSentiment.id.desc()),
            )
            .label("rank"),
        )
        .where(AccountSentiment.recorded_on <= as_of, existed_on(AccountSentiment.deleted_at, as_of))
        .subquery()
    )
    return select(
        ranked.c.account_id, ranked.c.id, ranked.c.sentiment, ranked.c.recorded_on, ranked.c.valid_until
    ).where(ranked.c.rank == 1)


BUILTIN_MEASURES: tuple[HealthMeasure, ...] = (
    UsageTrend(),
    Adoption(),
    SupportLoad(),
    NpsLatest(),
    NpsAverage(),
    Billing(),
    Engagement(),
    RenewalProximity(),
    ManagerSentiment(),
)


@hookimpl
def health_measures() -> list[HealthMeasure]:
    return list(BUILTIN_MEASURES)
