"""The churn backtest on a hand-built history whose answer is known."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from acctgraph import models as m
from acctgraph.domain.health.backtest import backtest, roc_auc
from tests.fixtures import TODAY

NOW = datetime.now(UTC)
ENDED = TODAY - timedelta(days=10)


def outcome(sample, nps: int, status: m.ContractStatus, renewed_by_successor: bool = False):  # type: ignore[no-untyped-def]
    """An account whose contract ended 10 days ago; its NPS 50 days ago is what the replay can know."""
    account = sample.account(
        lifecycle_stage=m.LifecycleStage.CHURNED if status != m.ContractStatus.RENEWED else m.LifecycleStage.ACTIVE
    )
    contract = sample.contract(account, status=status, start_date=ENDED - timedelta(days=365), end_date=ENDED)
    if renewed_by_successor:
        sample.contract(account, renewal_of_id=contract.id, start_date=ENDED, end_date=ENDED + timedelta(days=365))
    sample.nps(account, nps, responded_at=NOW - timedelta(days=50))
    return account


def test_backtest_reports_auc_band_churn_and_measure_separation(sample, scorecard, catalogue):
    outcome(sample, 2, m.ContractStatus.EXPIRED)  # churned, nps 2 -> 2/6 * 40 = 13.3 -> 13 (red)
    outcome(sample, 7, m.ContractStatus.CANCELLED)  # churned, nps 7 -> 40 + 1/2 * 35 = 57.5 -> 58 (yellow)
    late = outcome(sample, 9, m.ContractStatus.RENEWED)  # renewed, 9 -> 75 + 1/2 * 25 = 87.5 -> 88 (green)
    sample.nps(late, 0, responded_at=NOW - timedelta(days=20))  # after the replay day: must not count
    outcome(sample, 5, m.ContractStatus.EXPIRED, renewed_by_successor=True)  # renewed, 5 -> 33.3 -> 33 (red)
    outcome(sample, 7, m.ContractStatus.RENEWED)  # renewed, 58 (yellow)
    sample.account()  # no outcome
    sample.session.commit()

    report = backtest(sample.session, scorecard({"nps_latest": 1}), catalogue, days_before=30, today=TODAY)

    assert (report.outcomes, report.churned, report.without_data) == (5, 2, 0)
    # pairs churned < renewed: 13 vs (88, 33, 58) = 3; 58 vs 88 = 1, vs 33 = 0, vs 58 tie = 0.5; 4.5 / 6
    assert report.auc == 0.75
    assert [(b.band, b.outcomes, b.churned) for b in report.bands] == [
        (m.HealthBand.GREEN, 1, 0),
        (m.HealthBand.YELLOW, 2, 1),
        (m.HealthBand.RED, 2, 1),
    ]
    assert [(s.key, s.outcomes, s.auc) for s in report.measures] == [("nps_latest", 5, 0.75)]


def test_outcomes_without_data_at_replay_time_are_counted_not_scored(sample, scorecard, catalogue):
    account = sample.account()
    sample.contract(account, status=m.ContractStatus.EXPIRED, start_date=ENDED - timedelta(days=365), end_date=ENDED)
    sample.nps(account, 9, responded_at=NOW - timedelta(days=5))  # only known after the outcome
    sample.session.commit()
    report = backtest(sample.session, scorecard({"nps_latest": 1}), catalogue, days_before=30, today=TODAY)
    assert (report.outcomes, report.without_data, report.auc) == (0, 1, None)


def test_roc_auc_of_perfect_inverse_and_tied_scores():
    assert roc_auc([10, 20, 80, 90], [True, True, False, False]) == 1.0
    assert roc_auc([80, 90, 10, 20], [True, True, False, False]) == 0.0
    assert roc_auc([50, 50, 50], [True, False, False]) == 0.5
    assert roc_auc([50, 60], [False, False]) is None
