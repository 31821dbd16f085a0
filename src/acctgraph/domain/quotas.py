"""Quotas per account manager and period (net new ARR, renewal ARR), set by their managers or admins, and
attainment against them (docs/metrics.md, Quota attainment)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

from pydantic import Field, StringConstraints
from sqlalchemy import select
from sqlalchemy.orm import Session

from acctgraph.domain.actors import Actor
from acctgraph.domain.authorization import NotAuthorized, writable_owner_ids
from acctgraph.domain.commands import Command
from acctgraph.domain.money import MAX_AMOUNT_MINOR
from acctgraph.domain.revenue.money import Rates
from acctgraph.domain.revenue.period import InvalidPeriod, Period
from acctgraph.domain.rules import BusinessRuleError, get_row
from acctgraph.models import Opportunity, OpportunityKind, OpportunityStatus, Quota, QuotaKind, Role, User

PeriodText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=4, max_length=40)]
KINDS_WON = {
    QuotaKind.NET_NEW_ARR: (OpportunityKind.NEW, OpportunityKind.UPSELL, OpportunityKind.CROSS_SELL),
    QuotaKind.RENEWAL_ARR: (OpportunityKind.RENEWAL,),
}
"""Which won opportunities count toward each kind of quota."""


class SetQuota(Command):
    """Set (or replace) ``user_id``'s quota of ``kind`` for ``period``, in the reporting currency."""

    user_id: int
    kind: QuotaKind
    period: PeriodText
    amount_minor: int = Field(ge=0, le=MAX_AMOUNT_MINOR)


def set_quota(
    session: Session, actor: Actor | None, command: SetQuota, fiscal_start_month: int, reporting_currency: str
) -> Quota:
    """Create the quota, or change the amount of the one already set for that user, kind and period.
    Managers set their team's quotas (anyone below them), admins anyone's; viewers have none. ``actor`` is
    None for an operator's CLI command."""
    user = get_row(session, User, command.user_id, "userId")
    allowed = None if actor is None else writable_owner_ids(session, actor)
    if actor is not None and allowed is not None and user.id not in allowed - {actor.user_id}:
        raise NotAuthorized("a manager sets the quotas of the people in their team, not their own or others'")
    if user.role is Role.VIEWER or not user.active:
        raise BusinessRuleError("INVALID_OWNER", f"{user.name} cannot hold a quota (viewer or deactivated)", "userId")
    try:
        period = Period.parse(command.period, fiscal_start_month)
    except InvalidPeriod as error:
        raise BusinessRuleError("INVALID_PERIOD", str(error), "period") from None
    quota = session.scalars(
        select(Quota).where(
            Quota.user_id == user.id,
            Quota.kind == command.kind,
            Quota.starts_on == period.start,
            Quota.ends_on == period.end,
        )
    ).one_or_none()
    if quota is None:
        quota = Quota(user_id=user.id, kind=command.kind, starts_on=period.start, ends_on=period.end)
        session.add(quota)
    quota.period = command.period.upper()
    quota.amount_minor = command.amount_minor
    quota.currency = reporting_currency
    quota.set_by_id = None if actor is None else actor.user_id
    return quota


@dataclass(frozen=True)
class Attainment:
    kind: QuotaKind
    target_minor: int | None
    """The sum of the user's quotas of this kind lying within the period; None when there is none."""
    achieved_minor: int
    percent: float | None
    """achieved / target x 100, to one decimal; None without a target or with a target of 0."""


def attainment(
    session: Session, user_ids: Collection[int], period: Period, today: date, reporting_currency: str
) -> dict[int, list[Attainment]]:
    """Per user, per kind: quota target in ``period`` and ARR won in it (up to today) by the user as owner at
    close, converted at each close day's rate. Three statements whatever the number of users."""
    through = period.measured_through(today)
    targets: dict[tuple[int, QuotaKind], int] = defaultdict(int)
    for quota in session.scalars(
        select(Quota).where(Quota.user_id.in_(user_ids), Quota.starts_on >= period.start, Quota.ends_on <= period.end)
    ):
        targets[(quota.user_id, quota.kind)] += quota.amount_minor
    achieved = _won(session, user_ids, period.start, through, reporting_currency)
    return {
        user_id: [_attainment(kind, targets.get((user_id, kind)), achieved[(user_id, kind)]) for kind in QuotaKind]
        for user_id in user_ids
    }


def _won(
    session: Session, user_ids: Collection[int], start: date, through: date, reporting_currency: str
) -> dict[tuple[int, QuotaKind], int]:
    kind_of = {kind: quota for quota, kinds in KINDS_WON.items() for kind in kinds}
    rates = Rates.load(session, reporting_currency)
    totals: dict[tuple[int, QuotaKind], int] = defaultdict(int)
    rows = session.execute(
        select(
            Opportunity.owner_at_close_id,
            Opportunity.kind,
            Opportunity.amount_minor,
            Opportunity.currency,
            Opportunity.closed_on,
        ).where(
            Opportunity.status == OpportunityStatus.WON,
            Opportunity.owner_at_close_id.in_(user_ids),
            Opportunity.closed_on.between(start, through),
            Opportunity.deleted_at.is_(None),
        )
    )
    for owner_id, kind, amount, currency, closed_on in rows:
        assert owner_id is not None  # selected by owner_at_close_id IN (...)
        rates.require([currency], closed_on)
        totals[(owner_id, kind_of[kind])] += rates.convert(amount, currency, closed_on)
    return totals


def _attainment(kind: QuotaKind, target: int | None, achieved: int) -> Attainment:
    percent = None
    if target:
        percent = float((Decimal(achieved) * 100 / target).quantize(Decimal("0.1"), ROUND_HALF_UP))
    return Attainment(kind=kind, target_minor=target, achieved_minor=achieved, percent=percent)
