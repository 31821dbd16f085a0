"""Dated transfers: pending until their day, applied by the daily function, open work moving along."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from typer.testing import CliRunner

from acctgraph import models as m
from acctgraph.cli import app
from acctgraph.domain.accounts import account_owners_on, apply_due_transfers
from acctgraph.settings import get_settings
from tests.api.mutation_cases import codes, gid, mutate
from tests.fixtures import TODAY

LATER = TODAY + timedelta(days=45)


def book(sample):  # type: ignore[no-untyped-def]
    """An account of ``old`` with an open and a won opportunity, an open alert and an open task."""
    old, new = sample.user(), sample.user()
    account = sample.account(owner_id=old.id)
    open_deal = sample.opportunity(account, owner_id=old.id)
    won = sample.opportunity(account, owner_id=old.id, status=m.OpportunityStatus.WON)
    alert = sample.alert(account, owner_id=old.id)
    task = sample.task(account, owner_id=old.id)
    sample.session.commit()
    return old, new, account, open_deal, won, alert, task


async def transfer(graphql, account, new, effective_on, **extra):  # type: ignore[no-untyped-def]
    variables = {
        "accountIds": [gid(account)],
        "toOwnerId": gid(new),
        "effectiveOn": effective_on.isoformat(),
        "reason": "rebalancing",
        **extra,
    }
    return await mutate(graphql, "transferAccounts", variables, "accounts { id } transfers { appliedAt movesOpenWork }")


async def test_a_future_transfer_waits_for_its_day_then_moves_the_account_and_its_open_work(graphql, sample):
    old, new, account, open_deal, won, alert, task = book(sample)
    payload = await transfer(graphql, account, new, LATER)
    assert payload["userErrors"] == []
    assert payload["transfers"] == [{"appliedAt": None, "movesOpenWork": True}]
    session = sample.session
    session.expire_all()
    assert account.owner_id == old.id  # not before its day

    assert apply_due_transfers(session, LATER - timedelta(days=1)) == []
    (applied,) = apply_due_transfers(session, LATER)
    session.commit()
    assert (applied.from_owner_id, applied.to_owner_id, applied.applied_at is not None) == (old.id, new.id, True)
    session.expire_all()
    assert account.owner_id == new.id
    assert open_deal.owner_id == new.id
    assert won.owner_id == old.id  # a closed deal stays credited to who won it
    assert alert.owner_id == new.id
    assert task.owner_id == new.id
    assert apply_due_transfers(session, LATER) == []  # applied once


async def test_keep_open_work_leaves_it_with_the_previous_owner(graphql, sample):
    old, new, account, open_deal, _, alert, task = book(sample)
    payload = await transfer(graphql, account, new, TODAY, keepOpenWork=True)
    assert payload["transfers"][0]["appliedAt"] is not None  # effective today: applied at once
    sample.session.expire_all()
    assert account.owner_id == new.id
    assert (open_deal.owner_id, alert.owner_id, task.owner_id) == (old.id, old.id, old.id)


async def test_a_second_transfer_while_one_is_pending_is_refused(graphql, sample):
    _, new, account, *_ = book(sample)
    third = sample.user()
    sample.session.commit()
    await transfer(graphql, account, new, LATER)
    payload = await transfer(graphql, account, third, LATER + timedelta(days=1))
    assert codes(payload) == [("accountIds.0", "TRANSFER_PENDING")]


async def test_owners_on_a_day_follow_the_ownership_history(graphql, sample):
    old, new, account, *_ = book(sample)
    never_moved = sample.account(owner_id=old.id)
    sample.session.commit()
    await transfer(graphql, account, new, LATER)
    apply_due_transfers(sample.session, LATER)
    sample.session.commit()

    def owners(day):  # type: ignore[no-untyped-def]
        rows = sample.session.execute(account_owners_on(day)).all()
        return {row.account_id: row.owner_id for row in rows if row.account_id in (account.id, never_moved.id)}

    assert owners(TODAY) == {account.id: old.id, never_moved.id: old.id}
    assert owners(LATER) == {account.id: new.id, never_moved.id: old.id}


def test_the_cli_applies_due_transfers(sample, db_url, monkeypatch):  # type: ignore[no-untyped-def]
    old, new = sample.user(), sample.user()
    account = sample.account(owner_id=old.id)
    sample.session.add(
        m.OwnershipChange(
            account_id=account.id, from_owner_id=old.id, to_owner_id=new.id, effective_on=TODAY, reason="rebalancing"
        )
    )
    sample.session.commit()
    monkeypatch.setenv("ACCTGRAPH_DATABASE_URL", db_url)
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["accounts", "apply-transfers", "--day", TODAY.isoformat()])
    get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "1 transfers applied" in result.output
    owner = sample.session.scalar(select(m.Account.owner_id).where(m.Account.id == account.id))
    assert owner == new.id
