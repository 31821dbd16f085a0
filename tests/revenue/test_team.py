"""Team metrics of the director's team over the hand-computed first quarter of 2026 (conftest.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from acctgraph import models as m
from acctgraph.domain.revenue.period import Period
from acctgraph.domain.revenue.team import team_metrics
from tests.fixtures import SampleData
from tests.revenue.conftest import Q1Book

TODAY = date(2026, 3, 31)
STRATEGIC_MRR = 200_000  # B (250_000) and C (200_000) are strategic on Mar 31, A (100_000) is not


def _at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


def test_per_account_manager_rows(session: Session, sample: SampleData, q1_book: Q1Book) -> None:
    a, b, c = (q1_book.accounts[name] for name in "ABC")
    sample.activity(a, kind=m.ActivityKind.EMAIL, occurred_at=_at("2026-03-25"))  # not a meaningful touch
    sample.activity(a, kind=m.ActivityKind.CALL, occurred_at=_at("2026-02-15"))  # 44 days before
    sample.activity(b, kind=m.ActivityKind.QBR, occurred_at=_at("2026-03-10"))
    sample.activity(c, kind=m.ActivityKind.QBR, occurred_at=_at("2025-11-01"))  # 150 days before
    scheduled = m.ActivityStatus.SCHEDULED  # a QBR planned but not held is no touch
    sample.activity(c, kind=m.ActivityKind.QBR, occurred_at=_at("2026-03-30"), status=scheduled)
    sample.account(owner_id=q1_book.users["am3"].id, lifecycle_stage=m.LifecycleStage.CHURNED)  # needs no touch
    resolved = m.AlertStatus.RESOLVED
    for raised, done in (
        ("2026-01-01", "2026-01-03"),  # 2 days
        ("2026-02-01", "2026-02-05T12:00"),  # 4.5 days
        ("2026-03-01", "2026-03-11"),  # 10 days
        ("2025-12-01", "2025-12-30"),  # resolved before the quarter: left out
    ):
        sample.alert(a, status=resolved, raised_at=_at(raised), resolved_at=_at(done))
    sample.alert(b)  # still open
    sample.session.commit()

    rows = team_metrics(session, q1_book.users["director"].id, Period.parse("2026-Q1"), TODAY, "USD", STRATEGIC_MRR)
    by_user = {row.user_id: row for row in rows}
    users = q1_book.users
    assert set(by_user) == {users[name].id for name in ("lead", "am1", "am2", "am3")}  # the director owns nothing

    am1, am2, am3, lead = (by_user[users[name].id] for name in ("am1", "am2", "am3", "lead"))
    assert (am1.account_count, am1.arr_minor) == (2, 4_200_000)  # 12 x (100_000 + 250_000)
    assert (am1.nrr, am1.grr) == (1.1667, 1.0)  # (300_000 + 50_000) / 300_000
    assert (am1.strategic_accounts, am1.strategic_with_recent_qbr, am1.qbr_coverage) == (1, 1, 1.0)
    assert am1.untouched == {30: 1, 90: 0}  # A: last call 44 days ago
    assert (am1.open_alerts, am1.median_days_to_resolve) == (1, 4.5)  # median of 2, 4.5 and 10 days

    assert (am2.nrr, am2.grr) == (0.6667, 0.6667)  # (300_000 - 100_000) / 300_000
    assert am2.qbr_coverage == 0.0 and am2.untouched == {30: 1, 90: 1}
    assert (am2.open_alerts, am2.median_days_to_resolve) == (0, None)
    assert (am2.renewals.gross_rate, am2.renewals.net_rate) == (0.6667, 0.6667)  # 2_400_000 / 3_600_000

    assert (am3.account_count, am3.arr_minor, am3.nrr, am3.grr) == (2, 0, 0.0, 0.0)  # D churned
    assert am3.untouched == {30: 1, 90: 1}  # D; not the account marked churned
    assert (am3.renewals.due_arr_minor, am3.renewals.gross_rate) == (1_800_000, 0.0)

    assert (lead.account_count, lead.nrr) == (1, None)  # E is new: nothing at the start to retain
    assert lead.qbr_coverage is None and lead.forecast_accuracy is None
