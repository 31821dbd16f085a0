"""Churn and contraction of renewals by reason, and saves, over a period (docs/metrics.md, Churn reasons).

A renewal lost in the period churns its amount under its reason; a renewal won in the period for less than
it was first worth (its amount before the first edit of ``updateOpportunity``) contracts by the difference
under its reason. Amounts are converted to the reporting currency at the rate of the day each closed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from acctgraph.domain.revenue.money import Rates
from acctgraph.domain.revenue.period import Period
from acctgraph.domain.revenue.scope import Scope, account_ids
from acctgraph.models import Opportunity, OpportunityFieldChange, OpportunityKind, OpportunityStatus


@dataclass(frozen=True)
class ReasonFigures:
    reason: str
    churned_minor: int
    lost_renewals: int
    contracted_minor: int
    downsold_renewals: int


@dataclass(frozen=True)
class ChurnByReason:
    reasons: list[ReasonFigures]
    """One entry per reason with a lost or downsold renewal in the period, by reason key."""
    saves: int
    """Renewals won in the period that were at risk when they opened."""
    saved_minor: int


def _first_amounts(session: Session, opportunity_ids: list[int]) -> dict[int, int]:
    """Each opportunity's amount before its first recorded amount edit."""
    first_edit = (
        select(OpportunityFieldChange.opportunity_id, func.min(OpportunityFieldChange.id).label("id"))
        .where(
            OpportunityFieldChange.field == "amount_minor", OpportunityFieldChange.opportunity_id.in_(opportunity_ids)
        )
        .group_by(OpportunityFieldChange.opportunity_id)
        .subquery()
    )
    rows = session.execute(
        select(OpportunityFieldChange.opportunity_id, OpportunityFieldChange.before).join(
            first_edit, first_edit.c.id == OpportunityFieldChange.id
        )
    )
    return {opportunity_id: int(before) for opportunity_id, before in rows if before is not None}


def churn_by_reason(
    session: Session, period: Period, scope: Scope, reporting_currency: str, today: date
) -> ChurnByReason:
    """Lost and downsold renewal ARR per churn reason, and saves, of renewals closed in ``period`` (up to
    today) on the accounts of ``scope``. Three statements."""
    through = period.measured_through(today)
    closed = session.scalars(
        select(Opportunity).where(
            Opportunity.kind == OpportunityKind.RENEWAL,
            Opportunity.status != OpportunityStatus.OPEN,
            Opportunity.closed_on.between(period.start, through),
            Opportunity.account_id.in_(account_ids(scope, with_deleted=True)),
        )
    ).all()
    rates = Rates.load(session, reporting_currency)
    first = _first_amounts(
        session, [row.id for row in closed if row.status is OpportunityStatus.WON and row.churn_reason]
    )
    churned: dict[str, list[int]] = defaultdict(list)
    contracted: dict[str, list[int]] = defaultdict(list)
    saved: list[int] = []
    for row in closed:
        assert row.closed_on is not None
        rates.require([row.currency], row.closed_on)

        def converted(amount: int, row: Opportunity = row) -> int:
            return rates.convert(amount, row.currency, row.closed_on)

        if row.status is OpportunityStatus.LOST and row.churn_reason:
            churned[row.churn_reason].append(converted(row.amount_minor))
        elif row.status is OpportunityStatus.WON:
            if row.saved:
                saved.append(converted(row.amount_minor))
            shrink = first.get(row.id, row.amount_minor) - row.amount_minor
            if row.churn_reason and shrink > 0:
                contracted[row.churn_reason].append(converted(shrink))
    return ChurnByReason(
        reasons=[
            ReasonFigures(
                reason=reason,
                churned_minor=sum(churned[reason]),
                lost_renewals=len(churned[reason]),
                contracted_minor=sum(contracted[reason]),
                downsold_renewals=len(contracted[reason]),
            )
            for reason in sorted(set(churned) | set(contracted))
        ],
        saves=len(saved),
        saved_minor=sum(saved),
    )
