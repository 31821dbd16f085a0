"""How accounts of each segment look and behave: size, terms, billing, churn, touch and ticket rates."""

from __future__ import annotations

from dataclasses import dataclass

from acctgraph.models import BillingPeriod, Segment


@dataclass(frozen=True, kw_only=True)
class SegmentTraits:
    share: float
    seats: tuple[int, int]
    seat_discount: tuple[float, float]
    add_ons: tuple[int, int]
    add_on_scale: float
    term_months: tuple[int, ...]
    billing: tuple[BillingPeriod, ...]
    churn_rate: float
    contacts: tuple[int, int]
    touches_per_month: float
    tickets_per_month: float
    holds_qbrs: float
    """The share of accounts that get quarterly business reviews."""


MONTHLY, QUARTERLY, ANNUAL = BillingPeriod.MONTHLY, BillingPeriod.QUARTERLY, BillingPeriod.ANNUAL
SEGMENTS = {
    Segment.SMB: SegmentTraits(
        share=0.40,
        seats=(5, 40),
        seat_discount=(0.0, 0.05),
        add_ons=(0, 1),
        add_on_scale=0.5,
        term_months=(12,),
        billing=(MONTHLY, MONTHLY, ANNUAL),
        churn_rate=0.24,
        contacts=(3, 5),
        touches_per_month=0.8,
        tickets_per_month=0.6,
        holds_qbrs=0.0,
    ),
    Segment.MID_MARKET: SegmentTraits(
        share=0.28,
        seats=(40, 200),
        seat_discount=(0.05, 0.15),
        add_ons=(1, 2),
        add_on_scale=1.0,
        term_months=(12, 12, 24),
        billing=(ANNUAL, QUARTERLY),
        churn_rate=0.15,
        contacts=(5, 8),
        touches_per_month=1.5,
        tickets_per_month=1.4,
        holds_qbrs=0.3,
    ),
    Segment.ENTERPRISE: SegmentTraits(
        share=0.17,
        seats=(200, 800),
        seat_discount=(0.15, 0.25),
        add_ons=(2, 4),
        add_on_scale=2.0,
        term_months=(12, 24, 24),
        billing=(ANNUAL, QUARTERLY),
        churn_rate=0.08,
        contacts=(8, 14),
        touches_per_month=3.0,
        tickets_per_month=3.0,
        holds_qbrs=1.0,
    ),
    Segment.STRATEGIC: SegmentTraits(
        share=0.07,
        seats=(1200, 3000),
        seat_discount=(0.25, 0.35),
        add_ons=(4, 6),
        add_on_scale=4.0,
        term_months=(12, 24, 36),
        billing=(ANNUAL, QUARTERLY),
        churn_rate=0.05,
        contacts=(12, 20),
        touches_per_month=5.0,
        tickets_per_month=5.0,
        holds_qbrs=1.0,
    ),
    Segment.PARTNER: SegmentTraits(
        share=0.08,
        seats=(20, 120),
        seat_discount=(0.30, 0.40),
        add_ons=(0, 2),
        add_on_scale=0.7,
        term_months=(12,),
        billing=(QUARTERLY,),
        churn_rate=0.16,
        contacts=(4, 6),
        touches_per_month=1.5,
        tickets_per_month=1.0,
        holds_qbrs=0.2,
    ),
}
"""Repeated entries in ``term_months`` and ``billing`` weight the random choice."""


def allocate_segments(accounts: int) -> list[Segment]:
    """Exactly ``accounts`` segments in the book's proportions (largest remainder), biggest share first."""
    exact = {segment: traits.share * accounts for segment, traits in SEGMENTS.items()}
    counts = {segment: int(value) for segment, value in exact.items()}
    by_remainder = sorted(exact, key=lambda segment: exact[segment] - counts[segment], reverse=True)
    for segment in by_remainder[: accounts - sum(counts.values())]:
        counts[segment] += 1
    return [segment for segment in SEGMENTS for _ in range(counts[segment])]
