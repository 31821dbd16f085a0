"""Point-in-time health: a past day is scored only from what was known on it, and stays as it was."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from acctgraph import models as m
from acctgraph.domain.contract_history import record_contract_status_changes
from acctgraph.domain.health.backtest import backtest
from acctgraph.domain.health.compute import compute_health
from tests.fixtures import TODAY
from tests.health.conftest import score_all
from tests.health.test_measures import measure

NOW = datetime.now(UTC)
PAST = TODAY - timedelta(days=60)


def test_an_account_with_no_data_at_all_gets_no_snapshot_even_with_billing_and_support_measures(
    sample, scorecard, catalogue
):
    sample.account()
    config = scorecard({"billing": 10, "support_load": 10, "am_sentiment": 15})
    assert compute_health(sample.session, config, catalogue, TODAY, today=TODAY).accounts == 0
    assert sample.session.scalars(select(m.HealthSnapshot)).all() == []


def test_a_contract_cancelled_later_was_in_force_on_earlier_days(sample, scorecard, catalogue):
    account = sample.account()
    contract = sample.contract(account, start_date=TODAY - timedelta(days=300), end_date=TODAY + timedelta(days=65))
    config = scorecard({"renewal_proximity": 1})
    before = score_all(sample.session, config, catalogue, PAST)[account.id]
    contract.status = m.ContractStatus.CANCELLED  # cancelled today
    after = score_all(sample.session, config, catalogue, PAST)
    assert after[account.id].measures == before.measures
    assert account.id not in score_all(sample.session, config, catalogue, TODAY)


def test_an_unsigned_draft_renewal_is_never_in_force_nor_a_renewal(sample, scorecard, catalogue):
    account = sample.account(lifecycle_stage=m.LifecycleStage.CHURNED)
    ended = TODAY - timedelta(days=10)
    old = sample.contract(
        account, status=m.ContractStatus.EXPIRED, start_date=ended - timedelta(days=365), end_date=ended
    )
    sample.contract(
        account,
        status=m.ContractStatus.DRAFT,
        renewal_of_id=old.id,
        start_date=ended + timedelta(days=1),
        end_date=ended + timedelta(days=366),
    )
    sample.nps(account, 8, responded_at=NOW - timedelta(days=50))
    sample.session.commit()
    report = backtest(sample.session, scorecard({"nps_latest": 1}), catalogue, days_before=30, today=TODAY)
    assert (report.outcomes, report.churned) == (1, 1)
    scores = score_all(sample.session, scorecard({"renewal_proximity": 1}), catalogue, TODAY)
    assert account.id not in scores


def test_a_past_days_score_does_not_change_when_later_data_arrives(sample, scorecard, catalogue):
    account = sample.account()
    contract = sample.contract(account, start_date=TODAY - timedelta(days=300), end_date=TODAY + timedelta(days=65))
    sample.nps(account, 9, responded_at=NOW - timedelta(days=70))
    ticket = sample.ticket(account, priority=m.TicketPriority.URGENT, opened_at=NOW - timedelta(days=65))
    invoice = sample.invoice(account, due_date=PAST - timedelta(days=20), issued_on=PAST - timedelta(days=50))
    config = scorecard({"nps_latest": 1, "support_load": 1, "billing": 1, "renewal_proximity": 1})
    compute_health(sample.session, config, catalogue, PAST, today=TODAY)
    first = sample.session.scalars(select(m.HealthSnapshot).where(m.HealthSnapshot.day == PAST)).one()
    first_score, first_measures = first.score, first.measures

    contract.status = m.ContractStatus.CANCELLED
    ticket.deleted_at = NOW
    invoice.status, invoice.paid_at = m.InvoiceStatus.PAID, NOW
    sample.nps(account, 0, responded_at=NOW - timedelta(days=1))
    sample.session.commit()
    compute_health(sample.session, config, catalogue, PAST, today=TODAY + timedelta(days=1))

    again = sample.session.scalars(select(m.HealthSnapshot).where(m.HealthSnapshot.day == PAST)).one()
    assert again.measures == first_measures
    assert again.score == first_score


def test_an_account_churned_today_is_still_scored_for_the_days_it_was_a_customer(sample, scorecard, catalogue):
    account = sample.account(lifecycle_stage=m.LifecycleStage.CHURNED)
    sample.contract(
        account,
        status=m.ContractStatus.EXPIRED,
        start_date=TODAY - timedelta(days=400),
        end_date=TODAY - timedelta(days=1),
    )
    sample.nps(account, 5, responded_at=NOW - timedelta(days=90))
    config = scorecard({"nps_latest": 1})
    assert account.id in score_all(sample.session, config, catalogue, PAST)
    assert account.id not in score_all(sample.session, config, catalogue, TODAY)


def test_the_backtest_read_from_stored_snapshots_equals_the_replay(sample, scorecard, catalogue):
    ended = TODAY - timedelta(days=10)
    for nps, status in ((2, m.ContractStatus.EXPIRED), (9, m.ContractStatus.RENEWED), (6, m.ContractStatus.CANCELLED)):
        account = sample.account(
            lifecycle_stage=m.LifecycleStage.ACTIVE if status is m.ContractStatus.RENEWED else m.LifecycleStage.CHURNED
        )
        sample.contract(account, status=status, start_date=ended - timedelta(days=365), end_date=ended)
        sample.nps(account, nps, responded_at=NOW - timedelta(days=50))
    config = scorecard({"nps_latest": 1})
    sample.session.commit()
    compute_health(sample.session, config, catalogue, ended - timedelta(days=30), today=TODAY)

    replayed = backtest(sample.session, config, catalogue, days_before=30, today=TODAY)
    stored = backtest(sample.session, config, catalogue, days_before=30, today=TODAY, from_snapshots=True)
    assert replayed.outcomes == 3
    assert stored == replayed


def test_status_history_is_recorded_once_and_dated_the_day_a_change_is_seen(sample):
    account = sample.account()
    contract = sample.contract(account, start_date=TODAY - timedelta(days=100), end_date=TODAY + timedelta(days=100))
    assert record_contract_status_changes(sample.session, TODAY) == 1
    assert record_contract_status_changes(sample.session, TODAY) == 0
    contract.status = m.ContractStatus.CANCELLED
    sample.session.flush()
    assert record_contract_status_changes(sample.session, TODAY + timedelta(days=3)) == 1
    history = sample.session.execute(
        select(m.ContractStatusChange.status, m.ContractStatusChange.effective_on).order_by(m.ContractStatusChange.id)
    ).all()
    assert [tuple(row) for row in history] == [
        (m.ContractStatus.ACTIVE, TODAY - timedelta(days=100)),
        (m.ContractStatus.CANCELLED, TODAY + timedelta(days=3)),
    ]


def test_an_invoice_voided_later_was_overdue_on_earlier_days(sample, scorecard, catalogue):
    account = sample.account()
    sample.contract(account, start_date=TODAY - timedelta(days=300), end_date=TODAY + timedelta(days=65))
    invoice = sample.invoice(account, issued_on=PAST - timedelta(days=40), due_date=PAST - timedelta(days=10))
    config = scorecard({"billing": 1})
    before = measure(score_all(sample.session, config, catalogue, PAST)[account.id], "billing")
    assert before.raw_value == 10.0
    invoice.status, invoice.voided_at = m.InvoiceStatus.VOID, NOW  # voided today
    after = measure(score_all(sample.session, config, catalogue, PAST)[account.id], "billing")
    assert (after.raw_value, after.score) == (before.raw_value, before.score)
    assert account.id not in score_all(sample.session, config, catalogue, TODAY)  # no billing data left today
    invoice.voided_at = None  # void, date unknown: void on every day, as before voids were dated
    assert account.id not in score_all(sample.session, config, catalogue, PAST)
