"""The demo book: what it loads, that it loads the same way twice, once only, all or nothing, and that
its churned accounts carry the signals the health engine is meant to find."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from acctgraph import migrations
from acctgraph import models as m
from acctgraph.cli import app
from acctgraph.db import create_sync_engine, sync_sessionmaker
from acctgraph.demo import (
    ADMIN_EMAIL,
    SOURCE,
    BookPlan,
    DemoConflict,
    UnsupportedReportingCurrency,
    load_book,
    plan_book,
)
from acctgraph.demo.loader import object_types
from acctgraph.domain.account_facts import account_mrr
from acctgraph.domain.mrr import mrr_by_account
from acctgraph.domain.tasks.playbook_config import load_playbooks
from acctgraph.domain.tasks.playbooks import run_playbooks
from acctgraph.settings import get_settings
from tests.fixtures import SampleData

ACCOUNTS = 40
SEED = 7
DAY = date(2026, 6, 15)
"""A fixed 'today' so the tests read the same book every day; the CLI test uses the real today."""


@pytest.fixture(scope="module")
def plan() -> BookPlan:
    return plan_book(ACCOUNTS, SEED, DAY)


@pytest.fixture(scope="module")
def demo_engine(backend: str, new_database_url, plan: BookPlan) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    """A database of its own per backend, holding the small demo book, for the read-only checks."""
    url = new_database_url(backend)
    migrations.upgrade(url)
    engine = create_sync_engine(url)
    with sync_sessionmaker(engine)() as session:
        load_book(session, plan)
    yield engine
    engine.dispose()


@pytest.fixture
def demo(demo_engine: Engine) -> Iterator[Session]:
    with sync_sessionmaker(demo_engine)() as session:
        yield session


def count(session: Session, table: Any) -> int:
    return session.scalar(select(func.count()).select_from(table)) or 0


def canonical_dump(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows with database ids replaced by demo keys and load timestamps left out, sorted:
    equal for two loads of the same book whatever ids the databases handed out."""
    keys: dict[str, dict[int, str]] = {}
    table_of = {object_type: table for table, object_type in object_types().items()}
    for ref in session.scalars(select(m.ExternalRef)):
        keys.setdefault(table_of[ref.object_type], {})[ref.internal_id] = ref.external_id
    dump = {}
    for table in m.Base.metadata.sorted_tables:
        if table.name == m.ExternalRef.__tablename__:
            continue
        unkeyed = ("created_at", "updated_at") if table.name in keys else ("created_at", "updated_at", "id")
        columns = [c for c in table.columns if c.name not in unkeyed]
        rows = []
        for row in session.execute(select(*columns)):
            rows.append(tuple(_canonical(column, value, keys) for column, value in zip(columns, row, strict=True)))
        dump[table.name] = sorted(rows, key=repr)
    return dump


TRIGGER_TABLES = {"renewal": "opportunities", "nps": "nps_responses"}
"""Playbook run triggers that name another row's database id: compared by that row's demo key."""


def _canonical(column: Any, value: Any, keys: dict[str, dict[int, str]]) -> Any:
    if value is None:
        return None
    if column is m.PlaybookRun.__table__.c.trigger and value.partition(":")[0] in TRIGGER_TABLES:
        kind, _, row_id = value.partition(":")
        return f"{kind}:{keys[TRIGGER_TABLES[kind]][int(row_id)]}"
    if column.name == "id":
        return keys[column.table.name][value]
    foreign_key = next(iter(column.foreign_keys), None)
    return value if foreign_key is None else keys[foreign_key.column.table.name][value]


def test_load_inserts_exactly_the_planned_rows(demo: Session, plan: BookPlan) -> None:
    planned = plan.counts()
    assert planned["accounts"] == ACCOUNTS
    assert planned["usage_metrics"] > ACCOUNTS * 365
    for table, rows in planned.items():
        assert count(demo, m.Base.metadata.tables[table]) == rows, table
    in_memory = [table for table in planned if table != "usage_metrics"]
    keyed = sum(1 for table in in_memory for row in plan.rows(table) if row.key)
    assert count(demo, m.ExternalRef) == keyed
    assert set(demo.scalars(select(m.ExternalRef.source).distinct())) == {SOURCE}


def test_same_seed_and_day_give_identical_books_in_two_databases(demo: Session, session: Session) -> None:
    load_book(session, plan_book(ACCOUNTS, SEED, DAY))
    first, second = canonical_dump(demo), canonical_dump(session)
    assert first == second
    assert len(first["usage_metrics"]) > 0 and len(first["contracts"]) > ACCOUNTS


def test_another_seed_gives_another_book(plan: BookPlan) -> None:
    other = plan_book(ACCOUNTS, SEED + 1, DAY)
    names = {row.values["name"] for row in plan.rows("accounts")}
    assert names != {row.values["name"] for row in other.rows("accounts")}


def test_a_reporting_currency_without_demo_rates_is_refused_with_the_supported_ones() -> None:
    with pytest.raises(UnsupportedReportingCurrency, match="USD, EUR, GBP only, not JPY"):
        plan_book(ACCOUNTS, SEED, DAY, reporting_currency="JPY")


def test_second_run_adds_nothing(demo: Session, plan: BookPlan) -> None:
    before = {table: count(demo, m.Base.metadata.tables[table]) for table in plan.counts()}
    result = load_book(demo, plan_book(ACCOUNTS, SEED, DAY))
    assert result.already_loaded and result.accounts == ACCOUNTS and result.inserted == {}
    assert {table: count(demo, m.Base.metadata.tables[table]) for table in plan.counts()} == before


def test_cli_loads_the_book_then_says_it_is_already_loaded(
    db_url: str, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACCTGRAPH_DATABASE_URL", db_url)
    get_settings.cache_clear()
    try:
        first = CliRunner().invoke(app, ["demo", "--accounts", "10", "--seed", "3"])
        second = CliRunner().invoke(app, ["demo", "--accounts", "10", "--seed", "3"])
    finally:
        get_settings.cache_clear()
    assert first.exit_code == 0, first.output
    assert "loaded the demo book: 10 accounts" in first.output
    assert second.exit_code == 0 and "demo data is already loaded (10 accounts); nothing to do" in second.output
    assert count(session, m.Account) == 10
    latest_usage = session.scalar(select(func.max(m.UsageMetric.day)))
    assert latest_usage is not None and 0 < (date.today() - latest_usage).days <= 2


def test_a_clash_rolls_back_the_whole_load(sample: SampleData, plan: BookPlan) -> None:
    """The clash comes at the contracts, after users, accounts and contacts were inserted: none stay."""
    taken = plan.rows("contracts")[-1].values["number"]
    sample.contract(sample.account(), number=taken)
    sample.session.commit()
    with pytest.raises(DemoConflict, match="clash with the demo book"):
        load_book(sample.session, plan)
    session = sample.session
    assert (count(session, m.User), count(session, m.Account), count(session, m.Contact)) == (0, 1, 0)
    assert (count(session, m.Contract), count(session, m.ExternalRef), count(session, m.UsageMetric)) == (1, 0, 0)


def test_team_hierarchy_and_account_hierarchies(demo: Session) -> None:
    users = {user.id: user for user in demo.scalars(select(m.User))}
    admin = next(user for user in users.values() if user.email == ADMIN_EMAIL)
    assert admin.role is m.Role.ADMIN
    managers = [user for user in users.values() if user.role is m.Role.MANAGER]
    heads = [user for user in managers if user.manager_id is None]
    assert len(heads) == 1 and len(managers) == 6
    assert all(users[user.manager_id].id == heads[0].id for user in managers if user is not heads[0])
    account_managers = [user for user in users.values() if user.role is m.Role.ACCOUNT_MANAGER]
    assert len(account_managers) >= 20
    assert all(users[user.manager_id].role is m.Role.MANAGER for user in account_managers)
    assert sum(user.role is m.Role.VIEWER for user in users.values()) == 2
    accounts = {account.id: account for account in demo.scalars(select(m.Account))}
    assert {account.segment for account in accounts.values()} == set(m.Segment)
    assert all(
        users[account.owner_id].role is m.Role.ACCOUNT_MANAGER and users[account.owner_id].active
        for account in accounts.values()
    )
    children = [account for account in accounts.values() if account.parent_id]
    assert children and all(accounts[child.parent_id].owner_id == child.owner_id for child in children)


def test_churned_accounts_did_not_renew_and_their_signals_moved_first(demo: Session) -> None:
    churned = {
        a.id: a for a in demo.scalars(select(m.Account).where(m.Account.lifecycle_stage == m.LifecycleStage.CHURNED))
    }
    assert churned
    churn_day = {}
    for account_id in churned:
        contracts = demo.scalars(
            select(m.Contract).where(m.Contract.account_id == account_id).order_by(m.Contract.end_date)
        ).all()
        last = contracts[-1]
        assert last.status in (m.ContractStatus.EXPIRED, m.ContractStatus.CANCELLED)
        assert all(c.status is m.ContractStatus.RENEWED for c in contracts[:-1])
        assert not any(c.renewal_of_id == last.id for c in contracts)
        churn_day[account_id] = last.end_date
    before, year_before = [], []
    for account_id, day in churn_day.items():
        recent = _mean_active_users(demo, account_id, day - timedelta(days=60), day)
        earlier = _mean_active_users(demo, account_id, day - timedelta(days=425), day - timedelta(days=365))
        if recent is not None and earlier is not None:
            before.append(recent)
            year_before.append(earlier)
    assert before, "no churned account has usage a year before its churn"
    assert sum(before) / len(before) < 0.9 * sum(year_before) / len(year_before)


def _mean_active_users(session: Session, account_id: int, first: date, last: date) -> float | None:
    return session.scalar(
        select(func.avg(m.UsageMetric.value)).where(
            m.UsageMetric.account_id == account_id,
            m.UsageMetric.metric == "active_users",
            m.UsageMetric.day.between(first, last),
        )
    )


def test_active_users_never_exceed_the_licensed_seats(demo: Session) -> None:
    seats = (
        select(m.Contract.account_id, func.max(m.ContractLine.quantity).label("seats"))
        .join(m.ContractLine, m.ContractLine.contract_id == m.Contract.id)
        .join(m.Product, m.Product.id == m.ContractLine.product_id)
        .where(m.Product.sku == "PLT-SEAT")
        .group_by(m.Contract.account_id)
        .subquery()
    )
    peak = (
        select(m.UsageMetric.account_id, func.max(m.UsageMetric.value).label("peak"))
        .where(m.UsageMetric.metric == "active_users")
        .group_by(m.UsageMetric.account_id)
        .subquery()
    )
    rows = demo.execute(select(peak.c.peak, seats.c.seats).join(seats, seats.c.account_id == peak.c.account_id)).all()
    assert len(rows) == ACCOUNTS
    assert all(0 < peak_users <= licensed for peak_users, licensed in rows)


def test_book_has_arr_in_three_currencies_all_convertible(demo: Session) -> None:
    mrr = mrr_by_account(DAY, "USD").subquery()
    assert (demo.scalar(select(func.sum(mrr.c.mrr_minor))) or 0) * 12 > 0
    currencies = set(demo.scalars(select(m.Contract.currency).distinct()))
    assert currencies == {"USD", "EUR", "GBP"}
    assert set(demo.scalars(select(m.ExchangeRate.currency))) == {"EUR", "GBP"}
    converted = account_mrr(demo, select(m.Account.id), DAY, "USD")  # raises MissingExchangeRate if one lacks
    assert sum(converted.values()) == demo.scalar(select(func.sum(mrr.c.mrr_minor)))


def test_full_book_has_enough_churn_for_a_backtest_and_neglected_strategic_accounts() -> None:
    plan = plan_book(500, today=DAY)
    accounts = plan.rows("accounts")
    stages = Counter(row.values["lifecycle_stage"] for row in accounts)
    assert 60 <= stages[m.LifecycleStage.CHURNED] <= 90
    assert stages[m.LifecycleStage.AT_RISK] > 0 and stages[m.LifecycleStage.ONBOARDING] > 0
    assert 28 <= len(plan.rows("users")) <= 34
    products = plan.rows("products")
    assert len(products) == 8 and len({row.values["family"] for row in products}) == 3
    strategic = {row.key for row in accounts if row.values["segment"] is m.Segment.STRATEGIC}
    recent_qbr = {
        row.values["account_id"].key
        for row in plan.rows("activities")
        if row.values["kind"] is m.ActivityKind.QBR and row.values["occurred_at"].date() > DAY - timedelta(days=90)
    }
    assert 0 < len(strategic - recent_qbr) < len(strategic) / 2


def test_tasks_follow_qbrs_and_playbooks_and_some_are_overdue(demo: Session, plan: BookPlan) -> None:
    tasks = list(demo.scalars(select(m.Task)))
    today = plan.today
    assert tasks and all(task.owner_id is not None for task in tasks)
    qbr_ids = {task.qbr_id for task in tasks if task.qbr_id is not None}
    assert qbr_ids and set(demo.scalars(select(m.Activity.kind).where(m.Activity.id.in_(qbr_ids)))) == {
        m.ActivityKind.QBR
    }
    open_tasks = [task for task in tasks if task.status is m.TaskStatus.OPEN]
    assert any(task.due_on < today for task in open_tasks), "some open tasks are overdue"
    assert any(task.due_on >= today for task in open_tasks)
    done = [task for task in tasks if task.status is m.TaskStatus.DONE]
    assert done and all(task.closed_at is not None and task.due_on < today for task in done)


def test_playbook_runs_are_the_ones_the_rules_would_start_so_a_refresh_adds_none(demo: Session, plan: BookPlan) -> None:
    runs = list(demo.scalars(select(m.PlaybookRun)))
    assert {run.playbook for run in runs} >= {"renewal_prep", "detractor_follow_up"}
    onboarding = set(demo.scalars(select(m.Account.id).where(m.Account.lifecycle_stage == m.LifecycleStage.ONBOARDING)))
    assert {run.account_id for run in runs if run.playbook == "onboarding"} == onboarding
    for run in runs:
        tasks = list(demo.scalars(select(m.Task).where(m.Task.playbook_run_id == run.id)))
        assert len(tasks) == len(load_playbooks().playbooks[run.playbook].steps)
        linked = {f"renewal:{t.opportunity_id}" if t.opportunity_id else f"nps:{t.nps_response_id}" for t in tasks}
        assert run.trigger == "lifecycle:onboarding" or linked == {run.trigger}
    refresh = run_playbooks(demo, load_playbooks(), plan.today)
    assert refresh.started == []
    demo.rollback()


def test_the_renewal_desk_and_quotas_answer_something_real(demo: Session, plan: BookPlan) -> None:
    from acctgraph.domain.pipeline import record_opportunity_closes
    from acctgraph.domain.quotas import attainment
    from acctgraph.domain.renewal_risk import RenewalDeskFilter, RenewalTiming, renewal_desk
    from acctgraph.domain.revenue.churn_reasons import churn_by_reason
    from acctgraph.domain.revenue.period import Period
    from acctgraph.domain.revenue.scope import Scope

    renewals = [row.values for row in plan.rows("opportunities") if row.values["kind"] is m.OpportunityKind.RENEWAL]
    lost = [values for values in renewals if values["status"] is m.OpportunityStatus.LOST]
    assert lost and all(values["churn_reason"] for values in lost)
    assert any(values["saved"] for values in renewals)
    assert plan.rows("opportunity_field_changes"), "some renewals were downsold"
    assert plan.rows("quotas")
    contracts = [row.values for row in plan.rows("contracts")]
    assert all(bool(values["churn_reason"]) is (values["status"] is m.ContractStatus.CANCELLED) for values in contracts)
    record_opportunity_closes(demo, DAY)  # as the refresh after a load does
    won = renewal_desk(demo, Scope.everything(), RenewalDeskFilter(status=m.OpportunityStatus.WON), DAY, "USD", 500)
    timings = {entry.timing for entry in won.entries}
    assert {RenewalTiming.EARLY, RenewalTiming.LATE} <= timings
    open_desk = renewal_desk(demo, Scope.everything(), RenewalDeskFilter(), DAY, "USD", 500)
    assert open_desk.total_count > 0
    assert all(entry.opportunity.next_step for entry in open_desk.entries)
    reasons = churn_by_reason(demo, Period(DAY.replace(year=DAY.year - 2), DAY), Scope.everything(), "USD", DAY)
    assert any(row.churned_minor for row in reasons.reasons)
    assert any(row.contracted_minor for row in reasons.reasons)
    holder = demo.scalars(select(m.Quota.user_id)).first()
    assert holder is not None
    quarter = Period.fiscal_quarter_containing(DAY, 1)
    assert all(row.target_minor is not None for row in attainment(demo, [holder], quarter, DAY, "USD")[holder])
    demo.rollback()
