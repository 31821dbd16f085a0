"""The renewal desk: renewal opportunities with their risk, likelihood, timing and notice dates, and the
forecast weighted by likelihood beside the stage-probability forecast."""

from __future__ import annotations

from datetime import date

import strawberry

from acctgraph import models
from acctgraph.domain import renewal_risk as domain
from acctgraph.domain.renewal_risk import RenewalTiming
from acctgraph.graphql.types.enums import HealthBand, OpportunityStatus
from acctgraph.graphql.types.money import Money
from acctgraph.graphql.types.opportunities import Opportunity
from acctgraph.graphql.types.scalars import BigInt

strawberry.enum(
    RenewalTiming, description="When a renewal was signed against its contract's term end, or where an open one stands."
)


def _money(amount_minor: int, currency: str) -> Money:
    return Money(amount_minor=BigInt(amount_minor), currency=currency)


@strawberry.type(description="What the renewal's likelihood is made of (docs/metrics.md, Renewal likelihood).")
class RenewalRisk:
    band: HealthBand | None = strawberry.field(description="The account's latest health band; null if unscored.")
    trend: int | None = strawberry.field(description="The account's health score change over 30 days, if known.")
    open_alerts: int = strawberry.field(description="Alerts on the account not yet resolved.")
    days_to_term_end: int | None = strawberry.field(
        description="Days from today to the renewed contract's end (negative once it has ended); null without one."
    )
    likelihood_percent: int = strawberry.field(
        description="Percent likely to renew: the band's base, the trend, open alerts and an ended term combined "
        "(100 once won, 0 once lost)."
    )


@strawberry.type(description="A renewal opportunity on the desk.")
class RenewalDeskEntry:
    opportunity: Opportunity = strawberry.field(description="The renewal opportunity.")
    term_end: date | None = strawberry.field(description="The end of the contract it renews; null without one.")
    auto_renew: bool = strawberry.field(description="The contract renews by itself unless cancelled.")
    notice_date: date | None = strawberry.field(
        description="For an auto-renewing contract, the last day it can be cancelled."
    )
    past_notice_date: bool = strawberry.field(
        description="Open, auto-renewing and past its notice date: it renews unless cancelled, too late now."
    )
    timing: RenewalTiming | None = strawberry.field(
        description="EARLY, ON_TIME or LATE once won; UPCOMING or OVERDUE while open; null if lost or no contract."
    )
    risk: RenewalRisk = strawberry.field(description="Band, trend, alerts, days to term end and likelihood.")
    stage_weighted_amount: Money = strawberry.field(description="Amount x stage probability, its currency.")
    risk_weighted_amount: Money = strawberry.field(description="Amount x renewal likelihood, its currency.")

    @classmethod
    def of(cls, entry: domain.RenewalEntry) -> RenewalDeskEntry:
        currency = entry.opportunity.currency
        return cls(
            opportunity=Opportunity.from_row(entry.opportunity),
            term_end=entry.term_end,
            auto_renew=entry.auto_renew,
            notice_date=entry.notice_date,
            past_notice_date=entry.past_notice_date,
            timing=entry.timing,
            risk=RenewalRisk(
                band=entry.risk.band,
                trend=entry.risk.trend,
                open_alerts=entry.risk.open_alerts,
                days_to_term_end=entry.risk.days_to_term_end,
                likelihood_percent=entry.risk.likelihood_percent,
            ),
            stage_weighted_amount=_money(entry.stage_weighted_minor, currency),
            risk_weighted_amount=_money(entry.risk_weighted_minor, currency),
        )


@strawberry.type(description="Renewals soonest term end first, and the forecast two ways.")
class RenewalDesk:
    entries: list[RenewalDeskEntry] = strawberry.field(description="The first `first` renewals that match.")
    total_count: int = strawberry.field(description="How many renewals match in all.")
    amount: Money = strawberry.field(description="What all matching renewals are worth, reporting currency.")
    stage_weighted_forecast: Money = strawberry.field(
        description="Sum of amount x stage probability over all matching renewals, reporting currency."
    )
    risk_weighted_forecast: Money = strawberry.field(
        description="Sum of amount x renewal likelihood over all matching renewals, reporting currency."
    )

    @classmethod
    def of(cls, desk: domain.RenewalDesk) -> RenewalDesk:
        return cls(
            entries=[RenewalDeskEntry.of(entry) for entry in desk.entries],
            total_count=desk.total_count,
            amount=_money(desk.amount_minor, desk.currency),
            stage_weighted_forecast=_money(desk.stage_weighted_minor, desk.currency),
            risk_weighted_forecast=_money(desk.risk_weighted_minor, desk.currency),
        )


@strawberry.input(description="Which renewals: every condition given must hold.")
class RenewalDeskFilter:
    status: OpportunityStatus | None = strawberry.field(
        default=models.OpportunityStatus.OPEN, description="OPEN (default), WON or LOST; null for all."
    )
    timing: RenewalTiming | None = strawberry.field(default=None, description="Only renewals of this timing.")
    at_risk: bool | None = strawberry.field(
        default=None, description=f"Only those less likely than {domain.AT_RISK_BELOW}% to renew (true) or not."
    )
    past_notice_date: bool | None = strawberry.field(
        default=None, description="Only auto-renewing ones past their notice date (true) or not (false)."
    )

    def to_domain(self) -> domain.RenewalDeskFilter:
        return domain.RenewalDeskFilter(
            status=self.status, timing=self.timing, at_risk=self.at_risk, past_notice_date=self.past_notice_date
        )
