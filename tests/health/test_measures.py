"""Every built-in measure against hand-computed raw values and scores (shipped thresholds).

Interpolation: between points (r0, s0) and (r1, s1) a raw r scores s0 + (r - r0) / (r1 - r0) * (s1 - s0).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from acctgraph import models as m
from tests.fixtures import TODAY
from tests.health.conftest import score_all

NOW = datetime.now(UTC)


def measure(health, key):  # type: ignore[no-untyped-def]
    return next(result for result in health.measures if result.key == key)


def test_usage_trend_compares_daily_averages_of_the_last_28_days_with_the_28_before(sample, scorecard, catalogue):
    account = sample.account()
    # previous window: 28..55 days ago; recent window: 0..27 days ago
    for days_ago, value in [(28, 10), (40, 8), (55, 12), (1, 8), (27, 9), (56, 1000)]:
        sample.usage(account, "active_users", TODAY - timedelta(days=days_ago), value)
    sample.usage(account, "active_users", TODAY + timedelta(days=1), 1000)  # not known yet
    sample.usage(account, "api_calls", TODAY, 1000)  # another metric
    health = score_all(sample.session, scorecard({"usage_trend": 1}), catalogue, TODAY)[account.id]
    result = measure(health, "usage_trend")
    # previous (10 + 8 + 12) / 3 = 10, recent (8 + 9) / 2 = 8.5: (8.5 - 10) / 10 = -15 %
    assert result.raw_value == -15.0
    # points (-30, 0) .. (-10, 40): 0 + 15/20 * 40 = 30
    assert result.score == 30
    assert "8.5/day" in result.explanation


def test_usage_trend_is_missing_without_a_previous_window(sample, scorecard, catalogue):
    account = sample.account()
    sample.usage(account, "active_users", TODAY, 5)
    sample.nps(account, 9)
    health = score_all(sample.session, scorecard({"usage_trend": 1, "nps_latest": 1}), catalogue, TODAY)[account.id]
    assert health.missing == ("usage_trend",)


def test_adoption_divides_active_users_by_seats_of_per_seat_products(sample, scorecard, catalogue):
    account = sample.account()
    contract = sample.contract(account)
    sample.line(contract, product=sample.product(extra={"pricing_unit": "seat"}), quantity=20)
    sample.line(contract, product=sample.product(), quantity=5)  # a platform fee, not seats
    cancelled = sample.contract(account, status=m.ContractStatus.CANCELLED)
    sample.line(cancelled, product=sample.product(extra={"pricing_unit": "seat"}), quantity=100)
    sample.usage(account, "active_users", TODAY - timedelta(days=2), 10)
    sample.usage(account, "active_users", TODAY - timedelta(days=1), 14)
    sample.usage(account, "active_users", TODAY - timedelta(days=28), 1000)  # outside the 28-day window
    result = measure(score_all(sample.session, scorecard({"adoption": 1}), catalogue, TODAY)[account.id], "adoption")
    # (10 + 14) / 2 = 12 users on 20 seats = 60 %
    assert result.raw_value == 60.0
    # points (40, 40) .. (70, 80): 40 + 20/30 * 40 = 66.67 -> 67
    assert result.score == 67


def test_adoption_is_missing_without_seat_products_unless_the_sku_is_named(sample, scorecard, catalogue):
    account = sample.account()
    sample.contract(account, mrr_minor=100_00, product=sample.product(sku="PLT-SEAT"))
    sample.usage(account, "active_users", TODAY, 10)
    assert score_all(sample.session, scorecard({"adoption": 1}), catalogue, TODAY) == {}
    named = scorecard({"adoption": 1}, params={"adoption": {"seat_skus": ["PLT-SEAT"]}})
    # 10 users on 1 seat: 1000 %
    assert measure(score_all(sample.session, named, catalogue, TODAY)[account.id], "adoption").raw_value == 1000.0


def test_support_load_weights_open_tickets_by_priority_and_adds_recent_escalations(sample, scorecard, catalogue):
    account = sample.account()
    quiet = sample.account()
    sample.ticket(account, priority=m.TicketPriority.URGENT, status=m.TicketStatus.OPEN)
    sample.ticket(account, priority=m.TicketPriority.NORMAL, status=m.TicketStatus.PENDING)
    sample.ticket(
        account, priority=m.TicketPriority.HIGH, status=m.TicketStatus.CLOSED, closed_at=NOW - timedelta(days=1)
    )
    sample.ticket(
        account,
        priority=m.TicketPriority.LOW,
        status=m.TicketStatus.SOLVED,
        escalated=True,
        opened_at=NOW - timedelta(days=5),
        closed_at=NOW - timedelta(days=3),
    )
    sample.ticket(
        account,
        escalated=True,
        status=m.TicketStatus.CLOSED,
        opened_at=NOW - timedelta(days=40),
        closed_at=NOW - timedelta(days=35),
    )
    sample.nps(quiet, 9)
    scores = score_all(sample.session, scorecard({"support_load": 1, "nps_latest": 1}), catalogue, TODAY)
    result = measure(scores[account.id], "support_load")
    # open: urgent 8 + normal 2; one escalation in 30 days x 5: 8 + 2 + 5 = 15
    assert result.raw_value == 15.0
    # points (10, 50) .. (20, 0): 50 - 5/10 * 50 = 25
    assert result.score == 25
    # an account without tickets has a load of 0, which scores 100, not "missing"
    assert measure(scores[quiet.id], "support_load").score == 100
    assert scores[quiet.id].missing == ()


def test_nps_latest_and_average_read_the_last_365_days(sample, scorecard, catalogue):
    account = sample.account()
    sample.nps(account, 9, responded_at=NOW - timedelta(days=100))
    sample.nps(account, 4, responded_at=NOW - timedelta(days=3))
    sample.nps(account, 10, responded_at=NOW - timedelta(days=400))
    health = score_all(sample.session, scorecard({"nps_latest": 1, "nps_average": 1}), catalogue, TODAY)[account.id]
    # latest 4: points (0, 0) .. (6, 40): 4/6 * 40 = 26.67 -> 27
    assert (measure(health, "nps_latest").raw_value, measure(health, "nps_latest").score) == (4.0, 27)
    # average (9 + 4) / 2 = 6.5: points (6, 40) .. (8, 75): 40 + 0.5/2 * 35 = 48.75 -> 49
    assert (measure(health, "nps_average").raw_value, measure(health, "nps_average").score) == (6.5, 49)


def test_billing_counts_days_the_oldest_unpaid_invoice_is_overdue(sample, scorecard, catalogue):
    account = sample.account()
    sample.invoice(account, due_date=TODAY - timedelta(days=20))
    sample.invoice(account, due_date=TODAY - timedelta(days=5))
    sample.invoice(
        account, due_date=TODAY - timedelta(days=40), status=m.InvoiceStatus.PAID, paid_at=NOW - timedelta(days=35)
    )
    sample.invoice(account, due_date=TODAY - timedelta(days=50), status=m.InvoiceStatus.VOID)
    result = measure(score_all(sample.session, scorecard({"billing": 1}), catalogue, TODAY)[account.id], "billing")
    assert result.raw_value == 20.0
    # points (15, 70) .. (30, 40): 70 - 5/15 * 30 = 60
    assert result.score == 60
    assert result.explanation == "2 overdue invoices, the oldest due 20 days ago"


def test_engagement_counts_days_since_the_last_call_meeting_or_qbr(sample, scorecard, catalogue):
    account = sample.account()
    sample.activity(account, kind=m.ActivityKind.CALL, occurred_at=NOW - timedelta(days=45))
    sample.activity(account, kind=m.ActivityKind.QBR, occurred_at=NOW - timedelta(days=12))
    sample.activity(account, kind=m.ActivityKind.EMAIL, occurred_at=NOW - timedelta(days=2))
    sample.activity(
        account, kind=m.ActivityKind.QBR, occurred_at=NOW - timedelta(days=3), status=m.ActivityStatus.SCHEDULED
    )  # scheduled for three days ago but never held: no touch
    result = measure(
        score_all(sample.session, scorecard({"engagement": 1}), catalogue, TODAY)[account.id], "engagement"
    )
    assert result.raw_value == 12.0
    # points (0, 100) .. (30, 70): 100 - 12/30 * 30 = 88
    assert result.score == 88


def test_renewal_proximity_uses_the_soonest_contract_in_force(sample, scorecard, catalogue):
    account = sample.account()
    sample.contract(account, end_date=TODAY + timedelta(days=60))
    sample.contract(account, end_date=TODAY + timedelta(days=200))
    sample.contract(account, end_date=TODAY + timedelta(days=10), status=m.ContractStatus.CANCELLED)
    result = measure(
        score_all(sample.session, scorecard({"renewal_proximity": 1}), catalogue, TODAY)[account.id],
        "renewal_proximity",
    )
    assert result.raw_value == 60.0
    # points (30, 50) .. (90, 80): 50 + 30/60 * 30 = 65
    assert result.score == 65


def test_manager_sentiment_counts_while_valid_and_is_missing_once_stale(sample, scorecard, catalogue):
    valid = sample.account()
    stale = sample.account()
    sample.sentiment(
        valid, m.Sentiment.POSITIVE, recorded_on=TODAY - timedelta(days=60), valid_until=TODAY - timedelta(days=30)
    )
    sample.sentiment(valid, m.Sentiment.NEUTRAL)
    sample.sentiment(
        stale, m.Sentiment.POSITIVE, recorded_on=TODAY - timedelta(days=40), valid_until=TODAY - timedelta(days=10)
    )
    sample.nps(stale, 10)
    scores = score_all(sample.session, scorecard({"am_sentiment": 1, "nps_latest": 1}), catalogue, TODAY)
    # neutral = 50, points (0, 0) .. (50, 50) -> 50
    assert (measure(scores[valid.id], "am_sentiment").raw_value, measure(scores[valid.id], "am_sentiment").score) == (
        50.0,
        50,
    )
    assert scores[stale.id].missing == ("am_sentiment",)
