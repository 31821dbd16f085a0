"""Book of business on 2026-06-01 for one owner, computed by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from acctgraph import models as m
from acctgraph.domain.revenue.book import book
from acctgraph.domain.revenue.scope import UnknownUser
from tests.fixtures import SampleData

TODAY = date(2026, 6, 1)


def _renewing(sample: SampleData, account: m.Account, mrr: int, end: str, **fields: object) -> m.Contract:
    return sample.contract(account, mrr, start_date=date(2025, 6, 1), end_date=date.fromisoformat(end), **fields)


def test_book_of_business_by_band_and_renewal_window(session: Session, sample: SampleData) -> None:
    owner, someone_else = sample.user(), sample.user()
    p, q, r, s, t = (sample.account(owner_id=owner.id) for _ in range(5))
    _renewing(sample, p, 10_000, "2026-06-20")  # ARR 120_000, ends in 19 days
    _renewing(sample, q, 20_000, "2026-07-25")  # ARR 240_000, ends in 54 days
    _renewing(sample, r, 5_000, "2026-08-20", currency="EUR")  # ARR 60_000 EUR = 72_000 USD, ends in 80 days
    _renewing(sample, s, 40_000, "2027-05-31")  # ARR 480_000, not renewing soon
    _renewing(sample, sample.account(owner_id=someone_else.id), 99_000, "2026-06-15")  # not this book
    sample.exchange_rate("EUR", "1.2")
    sample.health(p, 80, m.HealthBand.GREEN, day=date(2026, 5, 1))
    sample.health(p, 30, m.HealthBand.RED, day=date(2026, 5, 31))  # the latest counts
    sample.health(q, 55, m.HealthBand.YELLOW, day=date(2026, 5, 31))
    sample.health(r, 90, m.HealthBand.GREEN, day=date(2026, 5, 30))
    sample.health(t, 20, m.HealthBand.RED, day=date(2026, 5, 31))  # no contract: ARR 0
    sample.alert(p)
    sample.alert(q, status=m.AlertStatus.ACKNOWLEDGED)
    sample.alert(q, status=m.AlertStatus.RESOLVED, resolved_at=datetime(2026, 5, 30, tzinfo=UTC))
    sample.alert(sample.account(owner_id=someone_else.id))
    sample.session.commit()

    result = book(session, owner.id, TODAY, "USD")

    assert result.account_count == 5  # p, q, r, s, t
    assert result.arr_minor == 912_000  # 120_000 + 240_000 + 72_000 + 480_000
    assert result.arr_by_currency == {"USD": 840_000, "EUR": 60_000}
    assert result.arr_by_band == {"green": 72_000, "yellow": 240_000, "red": 120_000, "unscored": 480_000}
    # within 30 days: p; 60: p + q; 90: p + q + r
    assert result.renewing_arr_minor == {30: 120_000, 60: 360_000, 90: 432_000}
    assert result.at_risk_arr_minor == 360_000  # p (red) + q (yellow); r is green
    assert result.open_alerts == 2  # p's open and q's acknowledged; not the resolved one nor another book's


def test_book_of_an_unknown_owner_is_an_error(session: Session) -> None:
    with pytest.raises(UnknownUser):
        book(session, 424_242, TODAY, "USD")
