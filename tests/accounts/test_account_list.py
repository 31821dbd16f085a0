"""The accounts list as the domain defines it (``account_list``): the book rule inside the query, and
orderings that put missing figures last in both directions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from acctgraph import models as m
from acctgraph.domain.read_model.account_list import (
    AccountListFilter,
    AccountOrderKey,
    account_list,
    count_of,
    list_rates_missing,
)
from tests.fixtures import TODAY, SampleData


def listed_names(session: Session, where: AccountListFilter, order: AccountOrderKey, descending: bool) -> list[str]:
    listed = account_list(where, order, descending, TODAY)
    ordering = [c.column.desc() if c.descending else c.column.asc() for c in listed.order]
    return [account.name for account in session.scalars(listed.statement.order_by(*ordering))]


def test_the_book_rule_limits_every_filter_and_the_count(session: Session) -> None:
    sample = SampleData(session)
    mine, theirs = sample.user(), sample.user()
    sample.account(name="Mine A", owner_id=mine.id, segment=m.Segment.SMB)
    sample.account(name="Mine B", owner_id=mine.id, segment=m.Segment.ENTERPRISE)
    sample.account(name="Theirs", owner_id=theirs.id, segment=m.Segment.SMB)
    session.commit()
    book = AccountListFilter(book_owner_ids={mine.id})

    assert listed_names(session, book, AccountOrderKey.NAME, False) == ["Mine A", "Mine B"]
    assert listed_names(
        session, AccountListFilter(book_owner_ids={mine.id}, segments=[m.Segment.SMB]), AccountOrderKey.NAME, False
    ) == ["Mine A"]
    assert (
        listed_names(
            session, AccountListFilter(book_owner_ids={mine.id}, owner_ids=[theirs.id]), AccountOrderKey.NAME, False
        )
        == []
    )
    assert session.scalar(count_of(account_list(book, AccountOrderKey.ARR, True, TODAY).statement)) == 2


def test_accounts_without_health_or_renewal_sort_last_both_ways(session: Session) -> None:
    sample = SampleData(session)
    low, high, none = sample.account(name="Low"), sample.account(name="High"), sample.account(name="None")
    sample.health(low, score=10, band=m.HealthBand.RED)
    sample.health(high, score=90, band=m.HealthBand.GREEN)
    sample.contract(low, end_date=TODAY + timedelta(days=10))
    sample.contract(high, end_date=TODAY + timedelta(days=300))
    session.commit()
    every = AccountListFilter()

    assert listed_names(session, every, AccountOrderKey.HEALTH_SCORE, False) == ["Low", "High", none.name]
    assert listed_names(session, every, AccountOrderKey.HEALTH_SCORE, True) == ["High", "Low", none.name]
    assert listed_names(session, every, AccountOrderKey.RENEWAL_DATE, False) == ["Low", "High", none.name]
    assert listed_names(session, every, AccountOrderKey.RENEWAL_DATE, True) == ["High", "Low", none.name]


def test_whether_a_rate_is_missing_is_read_from_the_partial_index(session: Session) -> None:
    sample = SampleData(session)
    accounts = [sample.account(name=f"Account {index}") for index in range(30)]
    session.commit()
    check = select(list_rates_missing())
    postgresql = session.get_bind().dialect.name == "postgresql"
    if postgresql:
        session.execute(text("ANALYZE account_summaries"))
        session.execute(text("SET LOCAL enable_seqscan = off"))  # a tiny table: would the index serve?
        plan = " ".join(session.scalars(text(f"EXPLAIN {compiled(check, session)}")))
    else:
        session.execute(text("ANALYZE"))  # the statistics that made SQLite scan a full index of one value
        plan = " ".join(row[-1] for row in session.execute(text(f"EXPLAIN QUERY PLAN {compiled(check, session)}")))

    assert "ix_account_summaries_rates_missing" in plan
    assert session.scalar(check) is False
    session.execute(
        update(m.AccountSummary).where(m.AccountSummary.account_id == accounts[7].id).values(rates_missing=True)
    )
    assert session.scalar(check) is True


def compiled(statement: Any, session: Session) -> str:
    return str(statement.compile(session.get_bind(), compile_kwargs={"literal_binds": True}))
