"""How accounts of each segment look and behave: size, terms, billing, churn, touch and ticket rates."""

from __future__ import annotations

from dataclasses import dataclass

from acctgraph.models import BillingPeriod, Segment


@dataclass(frozen=True)
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


SEGMENTS = {
    Segment.SMB: SegmentTraits(
        0.40, (5, 40), (0.0, 0.05), (0, 1), 0.5, (12,),
        (BillingPeriod.MONTHLY, BillingPeriod.MONTHLY, BillingPeriod.ANNUAL), 0.24, (3, 5), 0.8, 0.6, 0.0,
    ),
    Segment.MID_MARKET: SegmentTraits(
        0.28, (40, 200), (0.05, 0.15), (1, 2), 1.0, (12, 12, 24),
        (BillingPeriod.ANNUAL, BillingPeriod.QUARTERLY), 0.15, (5, 8), 1.5, 1.4, 0.3,
    ),
    Segment.ENTERPRISE: SegmentTraits(
        0.17, (200, 800), (0.15, 0.25), (2, 4), 2.0, (12, 24, 24),
        (BillingPeriod.ANNUAL, BillingPeriod.QUARTERLY), 0.08, (8, 14), 3.0, 3.0, 1.0,
    ),
    Segment.STRATEGIC: SegmentTraits(
        0.07, (1200, 3000), (0.25, 0.35), (4, 6), 4.0, (12, 24, 36),
        (BillingPeriod.ANNUAL, BillingPeriod.QUARTERLY), 0.05, (12, 20), 5.0, 5.0, 1.0,
    ),
    Segment.PARTNER: SegmentTraits(
        0.08, (20, 120), (0.30, 0.40), (0, 2), 0.7, (12,),
        (BillingPeriod.QUARTERLY,), 0.16, (4, 6), 1.5, 1.0, 0.2,
    ),
}


def allocate_segments(accounts: int) -> list[Segment]:
    """Exactly ``accounts`` segments in the book's proportions (largest remainder), biggest share first."""
    exact = {segment: traits.share * accounts for segment, traits in SEGMENTS.items()}
    counts = {segment: int(value) for segment, value in exact.items()}
    by_remainder = sorted(exact, key=lambda segment: exact[segment] - counts[segment], reverse=True)
    for segment in by_remainder[: accounts - sum(counts.values())]:
        counts[segment] += 1
    return [segment for segment in SEGMENTS for _ in range(counts[segment])]
