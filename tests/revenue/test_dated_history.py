"""Past periods are measured with what was true then (issue 10, the brief's gaps 1 and 2), on SQLite and
PostgreSQL: a contract's status on each day from its dated status history (a contract cancelled later
counts on the days it was active; a renewal still a draft does not count as renewed), and an owner's or
a team's figures by the owner at the time (a transfer does not move the past with the account)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from acctgraph import models as m
from acctgraph.domain.accounts import TransferAccounts, transfer_accounts
from acctgraph.domain.actors import Actor
from acctgraph.domain.contract_history import record_contract_status_changes
from acctgraph.domain.revenue.alerts import alert_figures_by_owner
from acctgraph.domain.revenue.metrics import RevenueMetrics, revenue_metrics
from acctgraph.domain.revenue.movements import MrrMovements
from acctgraph.domain.revenue.period import Period
from acctgraph.domain.revenue.scope import Scope
from acctgraph.domain.revenue.team import team_metrics
from tests.fixtures import SampleData

TODAY = date(2026, 11, 30)


def metrics(session: Session, period: str, scope: Scope | None = None) -> RevenueMetrics:
    return revenue_metrics(session, Period.parse(period), scope or Scope.everything(), "USD", TODAY)


def month(result: RevenueMetrics, label: str) -> MrrMovements:
    (movements,) = [movements for movements in result.months if movements.period.label == label]
    return movements


def bridge(movements: MrrMovements) -> dict[str, int]:
    return {
        "starting": movements.starting_mrr_minor,
        "churned": movements.churned_minor,
        "reactivation": movements.reactivation_minor,
        "new": movements.new_minor,
        "ending": movements.ending_mrr_minor,
    }


def test_a_contract_cancelled_mid_year_counts_until_then_and_churns_that_month(
    session: Session, sample: SampleData
) -> None:
    contract = sample.contract(sample.account(), 100_000, start_date=date(2026, 1, 1), end_date=date(2026, 12, 31))
    session.commit()
    record_contract_status_changes(session, date(2026, 2, 1))
    contract.status = m.ContractStatus.CANCELLED  # terminated early; the end date stays the agreed one
    record_contract_status_changes(session, date(2026, 6, 15))
    session.commit()

    result = metrics(session, "2026")
    assert bridge(month(result, "2026-05")) == {
        "starting": 100_000,
        "churned": 0,
        "reactivation": 0,
        "new": 0,
        "ending": 100_000,
    }
    assert bridge(month(result, "2026-06")) == {
        "starting": 100_000,
        "churned": 100_000,
        "reactivation": 0,
        "new": 0,
        "ending": 0,
    }
    assert bridge(month(result, "2026-07"))["ending"] == 0


def test_a_contract_cancelled_today_still_counts_on_every_earlier_day(session: Session, sample: SampleData) -> None:
    contract = sample.contract(sample.account(), 70_000, start_date=date(2026, 1, 1), end_date=date(2026, 12, 31))
    session.commit()
    record_contract_status_changes(session, date(2026, 1, 10))
    contract.status = m.ContractStatus.CANCELLED
    session.commit()  # not yet recorded: dated today when it is

    result = metrics(session, "2026")
    assert bridge(month(result, "2026-10"))["ending"] == 70_000
    assert bridge(month(result, "2026-11")) == {
        "starting": 70_000,
        "churned": 70_000,
        "reactivation": 0,
        "new": 0,
        "ending": 0,
    }
    record_contract_status_changes(session, TODAY)
    session.commit()
    assert metrics(session, "2026") == result  # recording the change dates it today: nothing moves


def test_a_renewal_signed_after_it_started_was_no_renewal_while_a_draft(session: Session, sample: SampleData) -> None:
    account = sample.account()
    old = sample.contract(account, 100_000, start_date=date(2026, 1, 1), end_date=date(2026, 3, 31))
    renewal = sample.contract(
        account,
        100_000,
        start_date=date(2026, 4, 1),
        end_date=date(2027, 3, 31),
        status=m.ContractStatus.DRAFT,
        renewal_of_id=old.id,
    )
    session.commit()
    record_contract_status_changes(session, date(2026, 3, 15))
    old.status, renewal.status = m.ContractStatus.RENEWED, m.ContractStatus.ACTIVE
    record_contract_status_changes(session, date(2026, 5, 10))  # signed six weeks late
    session.commit()

    result = metrics(session, "2026")
    assert bridge(month(result, "2026-04")) == {
        "starting": 100_000,
        "churned": 100_000,
        "reactivation": 0,
        "new": 0,
        "ending": 0,
    }
    assert bridge(month(result, "2026-05")) == {
        "starting": 0,
        "churned": 0,
        "reactivation": 100_000,
        "new": 0,
        "ending": 100_000,
    }


def test_a_contract_with_no_recorded_history_counts_as_its_dates_say(session: Session, sample: SampleData) -> None:
    account = sample.account()
    sample.contract(account, 30_000, start_date=date(2026, 1, 1), end_date=date(2026, 3, 31))
    sample.contract(
        account, 99_000, start_date=date(2026, 1, 1), end_date=date(2026, 12, 31), status=m.ContractStatus.DRAFT
    )
    session.commit()
    result = metrics(session, "2026-Q1")
    assert bridge(result.totals) == {"starting": 0, "churned": 0, "reactivation": 0, "new": 30_000, "ending": 30_000}


def _two_owner_book(session: Session, sample: SampleData) -> tuple[m.User, m.User, m.Account, m.Account]:
    """am1 holds ``moved`` (100_000 all year) and ``lost`` (40_000, ends March 15); ``moved`` goes to am2 on
    June 15."""
    lead = sample.user(role=m.Role.MANAGER)
    am1, am2 = sample.user(manager_id=lead.id), sample.user()
    moved, lost = sample.account(owner_id=am1.id), sample.account(owner_id=am1.id)
    sample.contract(moved, 100_000, start_date=date(2026, 1, 1), end_date=date(2026, 12, 31))
    sample.contract(
        lost, 40_000, start_date=date(2025, 1, 1), end_date=date(2026, 3, 15), status=m.ContractStatus.EXPIRED
    )
    sample.contract(sample.account(owner_id=am1.id), 5_000, start_date=date(2025, 1, 1), end_date=date(2026, 12, 31))
    session.commit()
    command = TransferAccounts(
        account_ids=[moved.id], to_owner_id=am2.id, effective_on=date(2026, 6, 15), reason="rebalancing"
    )
    transfer_accounts(session, Actor(lead.id, m.Role.MANAGER), command, today=date(2026, 6, 15))
    session.commit()
    return am1, am2, moved, lost


def test_an_owners_past_quarter_keeps_the_accounts_they_held_then(session: Session, sample: SampleData) -> None:
    am1, am2, *_ = _two_owner_book(session, sample)

    first_quarter = metrics(session, "2026-Q1", Scope.owner(am1.id))
    assert bridge(first_quarter.totals) == {
        "starting": 45_000,
        "churned": 40_000,
        "reactivation": 0,
        "new": 100_000,
        "ending": 105_000,
    }
    assert bridge(metrics(session, "2026-Q1", Scope.owner(am2.id)).totals)["ending"] == 0
    june = metrics(session, "2026-06", Scope.owner(am1.id)).totals  # held on May 31: the book am1 started with
    assert (june.starting_mrr_minor, june.churned_minor, june.nrr) == (105_000, 0, 1.0)
    july = metrics(session, "2026-07", Scope.owner(am2.id)).totals
    assert (july.starting_mrr_minor, july.ending_mrr_minor) == (100_000, 100_000)
    assert metrics(session, "2026-07", Scope.owner(am1.id)).totals.starting_mrr_minor == 5_000


def test_a_team_keeps_the_revenue_of_accounts_that_left_it_for_the_months_it_held_them(
    session: Session, sample: SampleData
) -> None:
    am1, am2, *_ = _two_owner_book(session, sample)
    lead_id = am1.manager_id
    assert lead_id is not None
    team = metrics(session, "2026-Q1", Scope.team(lead_id)).totals
    assert (team.starting_mrr_minor, team.new_minor, team.ending_mrr_minor) == (45_000, 100_000, 105_000)

    rows = {row.user_id: row for row in team_metrics(session, lead_id, Period.parse("2026-Q1"), TODAY, "USD", 10**9)}
    assert rows[am1.id].nrr == round(5_000 / 45_000, 4)  # lost churned; moved was new in Q1
    assert rows[am1.id].account_count == 2  # today's book: moved is am2's now
    assert am2.id not in rows


def test_resolved_alerts_stay_with_the_owner_who_resolved_them(session: Session, sample: SampleData) -> None:
    am1, am2, moved, _ = _two_owner_book(session, sample)
    resolved = sample.alert(moved, owner_id=am1.id, status=m.AlertStatus.RESOLVED)
    resolved.raised_at, resolved.resolved_at = resolved.created_at, resolved.created_at
    sample.alert(moved, owner_id=am2.id)
    session.commit()
    figures = alert_figures_by_owner(session, select(m.User.id), Period.parse(f"{TODAY.year}"))
    assert (figures[am1.id].open_count, len(figures[am1.id].days_to_resolve)) == (0, 1)
    assert (figures[am2.id].open_count, len(figures[am2.id].days_to_resolve)) == (1, 0)


def test_a_first_contract_signed_after_it_started_is_new_business_when_signed(
    session: Session, sample: SampleData
) -> None:
    contract = sample.contract(
        sample.account(), 60_000, start_date=date(2026, 4, 1), end_date=date(2027, 3, 31), status=m.ContractStatus.DRAFT
    )
    session.commit()
    record_contract_status_changes(session, date(2026, 3, 20))
    contract.status = m.ContractStatus.ACTIVE
    record_contract_status_changes(session, date(2026, 5, 12))
    session.commit()

    result = metrics(session, "2026")
    assert bridge(month(result, "2026-04"))["ending"] == 0
    assert bridge(month(result, "2026-05")) == {
        "starting": 0,
        "churned": 0,
        "reactivation": 0,
        "new": 60_000,
        "ending": 60_000,
    }
