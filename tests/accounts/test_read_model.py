"""The read model (``account_summaries``) equals what the domain computes, after any sequence of writes.

Property-based: hypothesis generates sequences of writes (accounts, contracts and their lines, line
changes through the ORM and through bulk UPDATEs, cancellations, health snapshots, alerts raised and
resolved, exchange-rate changes, a day passing followed by the daily refresh), each committed; after
every commit each account's stored summary must equal an independent computation: MRR from the domain's
``account_mrr`` (None where it refuses for a missing rate), the rest from the rows in Python.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, insert, select, update
from sqlalchemy.orm import Session

from acctgraph import models as m
from acctgraph.db import sync_sessionmaker
from acctgraph.domain.account_facts import account_mrr
from acctgraph.domain.read_model import refresh_account_summaries, stored_summaries, summarise_as_of
from acctgraph.domain.revenue.money import MissingExchangeRate
from acctgraph.testing.databases import empty_all_tables
from tests.fixtures import TODAY, SampleData

CURRENCIES = ("USD", "EUR", "JPY")
STATUSES = (m.ContractStatus.ACTIVE, m.ContractStatus.DRAFT, m.ContractStatus.EXPIRED, m.ContractStatus.RENEWED)

small = st.integers(min_value=0, max_value=10_000)
offset = st.integers(min_value=-380, max_value=30)
write = st.one_of(
    st.tuples(st.just("account"), st.booleans()),
    st.tuples(st.just("contract"), small, st.sampled_from(CURRENCIES), st.sampled_from(STATUSES), offset, small),
    st.tuples(st.just("line"), small, st.integers(min_value=0, max_value=5), small, st.booleans()),
    st.tuples(st.just("cancel"), small),
    st.tuples(st.just("health"), small, st.integers(min_value=0, max_value=100), st.integers(0, 30)),
    st.tuples(st.just("alert"), small, st.booleans()),
    st.tuples(st.just("resolve"), small),
    st.tuples(st.just("rate"), st.sampled_from(("EUR", "JPY")), st.integers(1, 300), offset),
    st.tuples(st.just("archive"), small),
    st.tuples(st.just("day"), st.integers(min_value=1, max_value=200)),
)


class Book:
    """Applies generated writes to a real database, committing each, and remembers the day."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.sample = SampleData(session)
        self.day = TODAY
        self.serial = itertools.count()
        self.owner = self.sample.user()
        self.product = self.sample.product()
        summarise_as_of(session, self.day, "USD")
        for currency in CURRENCIES:  # a book to change from the first write on: an account per currency
            self._account(owned=currency != "JPY")
            self._contract(-1, currency, m.ContractStatus.ACTIVE, -30, 100_00)
        self.sample.exchange_rate("EUR", "1.10")
        session.commit()

    def _pick(self, model: Any, index: int) -> Any | None:
        rows = list(self.session.scalars(select(model).order_by(model.id)))
        return rows[index % len(rows)] if rows else None

    def apply(self, operation: tuple[Any, ...]) -> None:
        kind, *arguments = operation
        getattr(self, f"_{kind}")(*arguments)
        self.session.commit()

    def _account(self, owned: bool) -> None:
        self.sample.account(owner_id=self.owner.id if owned else None)

    def _contract(self, index: int, currency: str, status: m.ContractStatus, starts: int, price: int) -> None:
        account = self._pick(m.Account, index)
        if account is not None:
            start = self.day + timedelta(days=starts)
            contract = self.sample.contract(
                account, currency=currency, status=status, start_date=start, end_date=start + timedelta(days=365)
            )
            self.sample.line(contract, product=self.product, unit_price_minor=price)

    def _line(self, index: int, quantity: int, price: int, in_bulk: bool) -> None:
        line = self._pick(m.ContractLine, index)
        if line is None:
            return
        if in_bulk:  # as the sync engine writes: a bulk UPDATE that bypasses the unit of work
            statement = update(m.ContractLine).where(m.ContractLine.id == line.id)
            self.session.execute(statement.values(quantity=quantity, unit_price_minor=price))
        else:
            line.quantity, line.unit_price_minor = quantity, price

    def _cancel(self, index: int) -> None:
        contract = self._pick(m.Contract, index)
        if contract is not None and contract.start_date <= self.day <= contract.end_date:
            contract.status, contract.end_date = m.ContractStatus.CANCELLED, self.day

    def _health(self, index: int, score: int, days_ago: int) -> None:
        account = self._pick(m.Account, index)
        if account is None:
            return
        day = self.day - timedelta(days=days_ago)
        existing = self.session.scalar(
            select(m.HealthSnapshot).where(m.HealthSnapshot.account_id == account.id, m.HealthSnapshot.day == day)
        )
        band = m.HealthBand.GREEN if score >= 70 else m.HealthBand.YELLOW if score >= 40 else m.HealthBand.RED
        if existing is None:
            self.sample.health(account, score=score, band=band, day=day)
        else:
            existing.score, existing.band = score, band

    def _alert(self, index: int, in_bulk: bool) -> None:
        account = self._pick(m.Account, index)
        if account is None:
            return
        if in_bulk:  # as an evaluation job might: a bulk INSERT
            self.session.execute(
                insert(m.Alert),
                [
                    {
                        "account_id": account.id,
                        "rule": "bulk",
                        "subject": f"bulk:{next(self.serial)}",
                        "title": "Raised in bulk",
                        "evidence": {},
                        "day": self.day,
                        "raised_at": datetime.now(UTC),
                    }
                ],
            )
        else:
            self.sample.alert(account)

    def _resolve(self, index: int) -> None:
        alert = self._pick(m.Alert, index)
        if alert is not None:
            alert.status = m.AlertStatus.RESOLVED

    def _rate(self, currency: str, rate: int, starts: int) -> None:
        effective_from = self.day + timedelta(days=starts)
        existing = self.session.get(m.ExchangeRate, (currency, effective_from))
        if existing is None:
            self.sample.exchange_rate(currency, str(Decimal(rate) / 100), effective_from)
        else:
            existing.rate = Decimal(rate) / 100

    def _archive(self, index: int) -> None:
        account = self._pick(m.Account, index)
        if account is not None and account.archived_at is None:
            account.archived_at = account.created_at

    def _day(self, days: int) -> None:
        """The day passes; the daily job refreshes every summary."""
        self.day += timedelta(days=days)
        summarise_as_of(self.session, self.day)
        refresh_account_summaries(self.session, self.day, "USD")


def expected_summary(session: Session, account: m.Account, day: date) -> dict[str, Any]:
    """The figures the API reports for ``account`` on ``day``, computed apart from the read model."""
    try:
        mrr: int | None = account_mrr(session, [account.id], day, "USD").get(account.id, 0)
    except MissingExchangeRate:
        mrr = None
    snapshots = session.scalars(select(m.HealthSnapshot).where(m.HealthSnapshot.account_id == account.id)).all()
    latest = max(snapshots, key=lambda snapshot: snapshot.day, default=None)
    running = [
        contract
        for contract in session.scalars(select(m.Contract).where(m.Contract.account_id == account.id))
        if contract.status is m.ContractStatus.ACTIVE and contract.end_date >= day and contract.deleted_at is None
    ]
    renewal = min(running, key=lambda contract: (contract.end_date, contract.id), default=None)
    alerts = session.scalars(select(m.Alert).where(m.Alert.account_id == account.id)).all()
    return {
        "as_of": day,
        "name_key": account.name.lower(),
        "owner_id": account.owner_id,
        "archived": account.archived_at is not None,
        "updated_at": account.updated_at,
        "mrr_minor": mrr,
        "arr_minor": None if mrr is None else 12 * mrr,
        "rates_missing": mrr is None,
        "health_score": latest.score if latest else None,
        "health_band": latest.band if latest else None,
        "next_renewal_on": renewal.end_date if renewal else None,
        "next_renewal_contract_id": renewal.id if renewal else None,
        "open_alert_count": sum(alert.status is m.AlertStatus.OPEN for alert in alerts),
    }


def assert_read_model_is_computed(session: Session, day: date) -> None:
    session.expire_all()
    accounts = session.scalars(select(m.Account)).all()
    stored = stored_summaries(session, [account.id for account in accounts])
    assert set(stored) == {account.id for account in accounts}
    for account in accounts:
        expected = expected_summary(session, account, day)
        assert {key: stored[account.id][key] for key in expected} == expected, account.id


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(writes=st.lists(write, min_size=1, max_size=14))
def test_after_any_writes_the_read_model_equals_the_computed_figures(engine: Engine, db_url: str, writes) -> None:
    empty_all_tables(engine)
    with sync_sessionmaker(engine)() as session:
        book = Book(session)
        for operation in writes:
            book.apply(operation)
            assert_read_model_is_computed(session, book.day)


def test_a_rolled_back_write_leaves_the_summary_as_it_was(session: Session) -> None:
    sample = SampleData(session)
    account = sample.account()
    session.commit()
    sample.contract(account, mrr_minor=500_00)
    session.rollback()
    sample.health(account, score=50, band=m.HealthBand.YELLOW)
    session.commit()

    summary = stored_summaries(session, [account.id])[account.id]
    assert summary["mrr_minor"] == 0
    assert summary["health_score"] == 50


def test_cli_refresh_summaries_moves_the_book_to_the_day_and_says_how_many_changed(
    db_url: str, session: Session
) -> None:
    sample = SampleData(session)
    ending = sample.account()
    sample.contract(ending, mrr_minor=300_00, start_date=TODAY - timedelta(days=30), end_date=TODAY + timedelta(days=2))
    steady = sample.account()
    sample.contract(steady, mrr_minor=100_00)
    session.commit()
    later = TODAY + timedelta(days=3)

    result = subprocess.run(
        [sys.executable, "-m", "acctgraph", "accounts", "refresh-summaries", "--day", later.isoformat()],
        capture_output=True,
        text=True,
        env={**os.environ, "ACCTGRAPH_DATABASE_URL": db_url},
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"2 account summaries written for {later} (USD)"
    session.expire_all()
    assert_read_model_is_computed(session, later)
    assert stored_summaries(session, [ending.id])[ending.id]["mrr_minor"] == 0
