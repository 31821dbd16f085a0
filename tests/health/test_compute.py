"""The daily computation: missing data, segment scorecards, snapshots and history, idempotence, statement count."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event, func, select

from acctgraph import models as m
from acctgraph.domain.health.compute import compute_health
from tests.fixtures import TODAY
from tests.health.conftest import score_all


def overdue_detractor(sample, **fields):  # type: ignore[no-untyped-def]
    """An account whose latest NPS is 4 (score 27) with an invoice 20 days overdue (score 60)."""
    account = sample.account(**fields)
    sample.nps(account, 4)
    sample.invoice(account, due_date=TODAY - timedelta(days=20))
    return account


def test_missing_measures_are_left_out_and_the_weights_renormalised(sample, scorecard, catalogue):
    account = sample.account()
    sample.nps(account, 4)
    health = score_all(
        sample.session, scorecard({"usage_trend": 20, "nps_latest": 10, "billing": 10}), catalogue, TODAY
    )[account.id]
    assert health.missing == ("usage_trend",)
    # nps 27 and billing (nothing overdue) 100, each 10 / (10 + 10) = 0.5: (27 + 100) / 2 = 63.5 -> 64
    assert [(r.key, r.score, r.weight) for r in health.measures] == [("nps_latest", 27, 0.5), ("billing", 100, 0.5)]
    assert (health.score, health.band) == (64, m.HealthBand.YELLOW)


def test_an_account_without_any_data_gets_no_score(sample, scorecard, catalogue):
    sample.account()
    assert score_all(sample.session, scorecard({"usage_trend": 1, "nps_latest": 1}), catalogue, TODAY) == {}


def test_segments_are_judged_by_their_own_scorecard_and_bands(sample, scorecard, catalogue):
    smb = overdue_detractor(sample, segment=m.Segment.SMB)
    mid = overdue_detractor(sample, segment=m.Segment.MID_MARKET)
    config = scorecard({"billing": 1}, smb={"weights": {"nps_latest": 1}, "bands": {"green": 20, "yellow": 10}})
    scores = score_all(sample.session, config, catalogue, TODAY)
    # smb: nps 4 -> 27, green from 20; mid market (default): billing 20 days -> 60, yellow (40..69)
    assert (scores[smb.id].scorecard, scores[smb.id].score, scores[smb.id].band) == ("smb", 27, m.HealthBand.GREEN)
    assert (scores[mid.id].scorecard, scores[mid.id].score, scores[mid.id].band) == ("default", 60, m.HealthBand.YELLOW)


def test_compute_writes_one_snapshot_per_account_and_day_with_per_measure_history(sample, scorecard, catalogue):
    account = overdue_detractor(sample)
    churned = overdue_detractor(sample, lifecycle_stage=m.LifecycleStage.CHURNED)
    sample.health(account, 80, m.HealthBand.GREEN, day=TODAY - timedelta(days=30))
    sample.session.commit()
    config = scorecard({"nps_latest": 1, "billing": 1})
    for _ in range(2):  # idempotent per day
        run = compute_health(sample.session, config, catalogue, TODAY)
    assert run.accounts == 1
    snapshot = sample.session.scalars(select(m.HealthSnapshot).where(m.HealthSnapshot.day == TODAY)).one()
    # (27 + 60) / 2 = 43.5 -> 44; trend against 80 thirty days ago: 44 - 80 = -36
    assert (snapshot.account_id, snapshot.score, snapshot.band) == (account.id, 44, m.HealthBand.YELLOW)
    assert snapshot.measures["trend"] == -36
    assert snapshot.measures["missing"] == []
    assert snapshot.measures["measures"][0] == {
        "key": "nps_latest",
        "label": "NPS (latest response)",
        "raw_value": 4.0,
        "score": 27,
        "weight": 0.5,
        "explanation": snapshot.measures["measures"][0]["explanation"],
    }
    history = sample.session.execute(
        select(m.HealthMeasureScore.measure, m.HealthMeasureScore.raw_value, m.HealthMeasureScore.score).order_by(
            m.HealthMeasureScore.measure
        )
    ).all()
    assert [tuple(row) for row in history] == [("billing", 20.0, 60), ("nps_latest", 4.0, 27)]
    assert churned.id not in {snapshot.account_id}


def test_statement_count_does_not_grow_with_the_number_of_accounts(sample, scorecard, catalogue, engine):
    config = scorecard({"usage_trend": 1, "adoption": 1, "support_load": 1, "nps_latest": 1, "billing": 1})

    def statements_for(accounts: int) -> int:
        for _ in range(accounts):
            overdue_detractor(sample)
        sample.session.commit()
        count = 0

        def count_statement(*_args: object) -> None:
            nonlocal count
            count += 1

        event.listen(engine, "before_cursor_execute", count_statement)
        try:
            compute_health(sample.session, config, catalogue, TODAY)
        finally:
            event.remove(engine, "before_cursor_execute", count_statement)
        return count

    assert statements_for(2) == statements_for(20)
    assert sample.session.scalar(select(func.count()).select_from(m.HealthSnapshot)) == 22
