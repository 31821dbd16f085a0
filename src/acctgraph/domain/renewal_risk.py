"""The renewal desk's reads: each renewal opportunity with its risk (health band and trend, open alerts,
days to term end) combined into a likelihood to renew, its timing (early, late, overdue) and its contract's
notice date, and the forecast weighted by that likelihood beside the stage-probability forecast.

The likelihood is documented in docs/metrics.md ("Renewal likelihood"); ``renewal_likelihood`` is the one
place it is computed. Every list here is read with a constant number of statements, whatever its length.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from acctgraph.domain.revenue.money import Rates
from acctgraph.domain.revenue.scope import Scope, account_ids
from acctgraph.models import (
    Alert,
    AlertStatus,
    Contract,
    HealthBand,
    HealthSnapshot,
    Opportunity,
    OpportunityKind,
    OpportunityStatus,
)

BAND_BASE = {HealthBand.GREEN: 90, HealthBand.YELLOW: 65, HealthBand.RED: 35, None: 70}
"""Percent likely to renew by health band (None: the account has no health snapshot)."""
TREND_CAP = 20
"""A 30-day score trend counts up to this many points either way, at half weight."""
ALERT_FACTOR = Decimal("0.85")
ALERTS_COUNTED = 4
OVERDUE_FACTOR = Decimal("0.8")
FLOOR, CEILING = 5, 95


class RenewalTiming(enum.StrEnum):
    UPCOMING = "upcoming"
    OVERDUE = "overdue"
    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"


def renewal_likelihood(
    band: HealthBand | None, trend: int | None, open_alerts: int, days_to_term_end: int | None
) -> int:
    """Percent likely to renew (docs/metrics.md): the band's base plus half the 30-day trend (capped at
    +-10 points), kept within 5-95, times 0.85 per open alert (at most 4) and times 0.8 once the term has
    ended without a renewal; rounded half up to a whole percent."""
    capped_trend = max(-TREND_CAP, min(TREND_CAP, trend or 0))
    base = max(Decimal(FLOOR), min(Decimal(CEILING), BAND_BASE[band] + Decimal(capped_trend) / 2))
    factor = ALERT_FACTOR ** min(open_alerts, ALERTS_COUNTED)
    if days_to_term_end is not None and days_to_term_end < 0:
        factor *= OVERDUE_FACTOR
    return int((base * factor).to_integral_value(ROUND_HALF_UP))


def weighted(amount_minor: int, percent: int) -> int:
    """``amount_minor`` x ``percent`` / 100, rounded half up (exact for any amount)."""
    return int((Decimal(amount_minor) * percent / 100).to_integral_value(ROUND_HALF_UP))


def renewal_timing(
    status: OpportunityStatus, closed_on: date | None, term_end: date | None, today: date
) -> RenewalTiming | None:
    """Won: early (signed before the term ended), on time (the day it ended) or late (after). Open:
    overdue once the term has ended, else upcoming. Lost, or no contract: None."""
    if term_end is None or status is OpportunityStatus.LOST:
        return None
    if status is OpportunityStatus.OPEN:
        return RenewalTiming.OVERDUE if today > term_end else RenewalTiming.UPCOMING
    assert closed_on is not None
    if closed_on < term_end:
        return RenewalTiming.EARLY
    return RenewalTiming.ON_TIME if closed_on == term_end else RenewalTiming.LATE


def notice_date(term_end: date, notice_period_days: int) -> date:
    """The last day an auto-renewing contract can still be cancelled: its notice period before its end."""
    return term_end - timedelta(days=notice_period_days)


@dataclass(frozen=True)
class RenewalRisk:
    band: HealthBand | None
    trend: int | None
    open_alerts: int
    days_to_term_end: int | None
    likelihood_percent: int


@dataclass(frozen=True)
class RenewalEntry:
    opportunity: Opportunity
    term_end: date | None
    auto_renew: bool
    notice_date: date | None
    past_notice_date: bool
    """An active auto-renewing contract past its notice date: it renews unless cancelled, and can no longer be."""
    timing: RenewalTiming | None
    risk: RenewalRisk
    stage_weighted_minor: int
    risk_weighted_minor: int


@dataclass(frozen=True)
class RenewalDeskFilter:
    status: OpportunityStatus | None = OpportunityStatus.OPEN
    timing: RenewalTiming | None = None
    at_risk: bool | None = None
    """Only renewals whose likelihood is below ``AT_RISK_BELOW`` (True), or at or above it (False)."""
    past_notice_date: bool | None = None


AT_RISK_BELOW = 60
"""A renewal less likely than this to renew is at risk."""


@dataclass(frozen=True)
class RenewalDesk:
    currency: str
    entries: list[RenewalEntry]
    total_count: int
    amount_minor: int
    stage_weighted_minor: int
    risk_weighted_minor: int


RenewalRow = tuple[Opportunity, date | None, bool | None, int | None]


def _renewals(scope: Scope) -> Select[Opportunity, date, bool, int]:
    return (
        select(Opportunity, Contract.end_date, Contract.auto_renew, Contract.notice_period_days)
        .outerjoin(Contract, Contract.id == Opportunity.contract_id)
        .where(
            Opportunity.kind == OpportunityKind.RENEWAL,
            Opportunity.deleted_at.is_(None),
            Opportunity.account_id.in_(account_ids(scope)),
        )
        .order_by(Contract.end_date.is_(None), Contract.end_date, Opportunity.id)
    )


def _health(session: Session, accounts: set[int]) -> dict[int, tuple[HealthBand, int | None]]:
    newest = (
        select(HealthSnapshot.account_id, func.max(HealthSnapshot.day).label("day"))
        .where(HealthSnapshot.account_id.in_(accounts))
        .group_by(HealthSnapshot.account_id)
        .subquery()
    )
    rows = session.execute(
        select(HealthSnapshot.account_id, HealthSnapshot.band, HealthSnapshot.measures).join(
            newest, (newest.c.account_id == HealthSnapshot.account_id) & (newest.c.day == HealthSnapshot.day)
        )
    )
    return {account_id: (band, (measures or {}).get("trend")) for account_id, band, measures in rows}


def _open_alerts(session: Session, accounts: set[int]) -> dict[int, int]:
    rows = session.execute(
        select(Alert.account_id, func.count())
        .where(Alert.account_id.in_(accounts), Alert.status != AlertStatus.RESOLVED)
        .group_by(Alert.account_id)
    )
    return defaultdict(int, {account_id: count for account_id, count in rows})


def _entry(
    row: RenewalRow,
    health: dict[int, tuple[HealthBand, int | None]],
    alerts: dict[int, int],
    today: date,
) -> RenewalEntry:
    opportunity, term_end, auto_renew, notice_days = row
    band, trend = health.get(opportunity.account_id, (None, None))
    days = None if term_end is None else (term_end - today).days
    likelihood = renewal_likelihood(band, trend, alerts[opportunity.account_id], days)
    if opportunity.status is not OpportunityStatus.OPEN:
        likelihood = 100 if opportunity.status is OpportunityStatus.WON else 0
    notice = None if term_end is None or not auto_renew else notice_date(term_end, notice_days or 0)
    return RenewalEntry(
        opportunity=opportunity,
        term_end=term_end,
        auto_renew=bool(auto_renew),
        notice_date=notice,
        past_notice_date=notice is not None and opportunity.status is OpportunityStatus.OPEN and today > notice,
        timing=renewal_timing(opportunity.status, opportunity.closed_on, term_end, today),
        risk=RenewalRisk(band, trend, alerts[opportunity.account_id], days, likelihood),
        stage_weighted_minor=weighted(opportunity.amount_minor, opportunity.probability),
        risk_weighted_minor=weighted(opportunity.amount_minor, likelihood),
    )


def _kept(entry: RenewalEntry, wanted: RenewalDeskFilter) -> bool:
    return (
        (wanted.status is None or entry.opportunity.status is wanted.status)
        and (wanted.timing is None or entry.timing is wanted.timing)
        and (wanted.at_risk is None or (entry.risk.likelihood_percent < AT_RISK_BELOW) is wanted.at_risk)
        and (wanted.past_notice_date is None or entry.past_notice_date is wanted.past_notice_date)
    )


def renewal_desk(
    session: Session,
    scope: Scope,
    wanted: RenewalDeskFilter,
    today: date,
    reporting_currency: str,
    first: int,
) -> RenewalDesk:
    """The renewals in ``scope`` that pass ``wanted``, soonest term end first (the first ``first``), and
    the totals of all of them in the reporting currency (converted at today's rates). Four statements."""
    query = _renewals(scope)
    if wanted.status is not None:
        query = query.where(Opportunity.status == wanted.status)
    rows: list[RenewalRow] = [tuple(row) for row in session.execute(query)]  # type: ignore[misc]
    accounts = {row[0].account_id for row in rows}
    health, alerts = _health(session, accounts), _open_alerts(session, accounts)
    entries = [entry for entry in (_entry(row, health, alerts, today) for row in rows) if _kept(entry, wanted)]
    rates = Rates.load(session, reporting_currency)
    rates.require({entry.opportunity.currency for entry in entries}, today)

    def total(amount: list[tuple[int, str]]) -> int:
        return sum(rates.convert(minor, currency, today) for minor, currency in amount)

    return RenewalDesk(
        currency=reporting_currency,
        entries=entries[:first],
        total_count=len(entries),
        amount_minor=total([(e.opportunity.amount_minor, e.opportunity.currency) for e in entries]),
        stage_weighted_minor=total([(e.stage_weighted_minor, e.opportunity.currency) for e in entries]),
        risk_weighted_minor=total([(e.risk_weighted_minor, e.opportunity.currency) for e in entries]),
    )
