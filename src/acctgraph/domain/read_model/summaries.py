"""Computing and storing ``account_summaries``: each account's list figures from the domain's own rules.

The figures come from the functions the API and reports use (:func:`acctgraph.domain.mrr.native_mrr_by_day`
and :class:`~acctgraph.domain.revenue.money.Rates` for MRR, :func:`~acctgraph.domain.account_facts.latest_health`,
:func:`~acctgraph.domain.account_facts.active_contracts_ending_from` for the next renewal), so a summary is
those rules' answer stored, never a second formula. A statement count per refresh that does not grow with
the number of accounts: six reads, then one delete, one insert and one update (executemany) at most.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from datetime import date
from typing import Any

from sqlalchemy import Select, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from acctgraph.domain.account_facts import active_contracts_ending_from, latest_health
from acctgraph.domain.mrr import native_mrr_by_day
from acctgraph.domain.revenue.money import Rates
from acctgraph.models import Account, AccountSummary, Alert, AlertStatus, Contract, ContractLine
from acctgraph.models.account_summaries import (
    HEALTH_ORDER_MISSING_ASC,
    HEALTH_ORDER_MISSING_DESC,
    RENEWAL_ORDER_MISSING_ASC,
    RENEWAL_ORDER_MISSING_DESC,
)

SUMMARY_COLUMNS = tuple(column.key for column in AccountSummary.__table__.columns)
CHUNK = 5000
"""Accounts computed per round of a full refresh: bounds memory and the size of IN lists."""


def computed_summaries(
    session: Session, day: date, reporting_currency: str, account_ids: Collection[int]
) -> dict[int, dict[str, Any]]:
    """The summary row of each of ``account_ids`` (those that exist) as of ``day``, from the domain rules."""
    if not account_ids:
        return {}
    ids = sorted(account_ids)
    chosen = select(Account.id).where(Account.id.in_(ids))
    accounts = session.execute(
        select(
            Account.id,
            Account.name,
            Account.owner_id,
            Account.segment,
            Account.lifecycle_stage,
            Account.archived_at,
            Account.deleted_at,
            Account.updated_at,
        ).where(Account.id.in_(ids))
    ).all()
    native = native_mrr_by_day(session, [day], chosen)[day]
    rates = Rates.load(session, reporting_currency)
    health = _latest_health(session, ids)
    renewals = _next_renewals(session, ids, day)
    open_alerts = _open_alert_counts(session, ids)
    rows = {}
    for account in accounts:
        amounts = native.get(account.id, {})
        missing = sorted(currency for currency in amounts if rates.rate_on(currency, day) is None)
        mrr = None if missing else rates.convert_mrr(amounts, day)
        score, band, health_day = health.get(account.id, (None, None, None))
        renewal_contract_id, renewal_on = renewals.get(account.id, (None, None))
        rows[account.id] = {
            "account_id": account.id,
            "as_of": day,
            "currency": reporting_currency,
            "name_key": account.name.lower(),
            "owner_id": account.owner_id,
            "segment": account.segment,
            "lifecycle_stage": account.lifecycle_stage,
            "archived": account.archived_at is not None,
            "deleted": account.deleted_at is not None,
            "updated_at": account.updated_at,
            "mrr_minor": mrr,
            "arr_minor": None if mrr is None else 12 * mrr,
            "rates_missing": bool(missing),
            "missing_currencies": ",".join(missing) or None,
            "health_score": score,
            "health_band": band,
            "health_day": health_day,
            "health_order_asc": HEALTH_ORDER_MISSING_ASC if score is None else score,
            "health_order_desc": HEALTH_ORDER_MISSING_DESC if score is None else score,
            "next_renewal_on": renewal_on,
            "next_renewal_contract_id": renewal_contract_id,
            "renewal_order_asc": renewal_on or RENEWAL_ORDER_MISSING_ASC,
            "renewal_order_desc": renewal_on or RENEWAL_ORDER_MISSING_DESC,
            "open_alert_count": open_alerts.get(account.id, 0),
        }
    return rows


def _latest_health(session: Session, ids: list[int]) -> dict[int, tuple[Any, Any, Any]]:
    latest = latest_health().subquery()
    rows = session.execute(
        select(latest.c.account_id, latest.c.score, latest.c.band, latest.c.day).where(latest.c.account_id.in_(ids))
    )
    return {account_id: (score, band, day) for account_id, score, band, day in rows}


def _next_renewals(session: Session, ids: list[int], day: date) -> dict[int, tuple[int, date]]:
    """The contract ``Account.nextRenewal`` shows: the active one ending soonest (then the lowest id)."""
    running = active_contracts_ending_from(day).where(Contract.account_id.in_(ids)).subquery()
    rows = session.execute(
        select(running.c.account_id, running.c.id, running.c.end_date).order_by(
            running.c.account_id, running.c.end_date, running.c.id
        )
    )
    soonest: dict[int, tuple[int, date]] = {}
    for account_id, contract_id, end_date in rows:
        soonest.setdefault(account_id, (contract_id, end_date))
    return soonest


def _open_alert_counts(session: Session, ids: list[int]) -> dict[int, int]:
    rows = session.execute(
        select(Alert.account_id, func.count())
        .where(Alert.account_id.in_(ids), Alert.status == AlertStatus.OPEN)
        .group_by(Alert.account_id)
    )
    return {account_id: int(count) for account_id, count in rows}


def refresh_summaries_of(session: Session, account_ids: Collection[int], day: date, reporting_currency: str) -> int:
    """Recompute the summaries of ``account_ids`` as of ``day`` and write the ones that differ (rows of
    accounts that no longer exist go); the number of rows written. Leaves the commit to the caller."""
    ids = sorted(set(account_ids))
    if not ids:
        return 0
    fresh = computed_summaries(session, day, reporting_currency, ids)
    stored = {
        row.account_id: row._asdict()
        for row in session.execute(select(*AccountSummary.__table__.columns).where(AccountSummary.account_id.in_(ids)))
    }
    gone = [account_id for account_id in ids if account_id not in fresh and account_id in stored]
    new = [row for account_id, row in fresh.items() if account_id not in stored]
    changed = [row for account_id, row in fresh.items() if account_id in stored and stored[account_id] != row]
    table = AccountSummary.__table__
    if gone:
        session.execute(delete(table).where(table.c.account_id.in_(gone)))
    if new:
        session.execute(insert(table), new)
    if changed:
        columns = [column for column in SUMMARY_COLUMNS if column != "account_id"]
        session.execute(
            update(table)
            .where(table.c.account_id == bindparam("summary_id"))
            .values({column: bindparam(f"new_{column}") for column in columns}),
            [{"summary_id": row["account_id"], **{f"new_{c}": row[c] for c in columns}} for row in changed],
        )
    return len(gone) + len(new) + len(changed)


def refresh_account_summaries(session: Session, day: date, reporting_currency: str = "USD") -> int:
    """Bring every account's summary to ``day`` (the daily job: what is in force changes with the day),
    in rounds of :data:`CHUNK` accounts; the number of rows written. Leaves the commit to the caller."""
    written = refresh_summaries_of(session, list(session.scalars(select(Account.id))), day, reporting_currency)
    orphans = select(AccountSummary.account_id).where(~AccountSummary.account_id.in_(select(Account.id)))
    session.execute(delete(AccountSummary).where(AccountSummary.account_id.in_(orphans)))
    return written


def summarise_new_accounts(session: Session, day: date, reporting_currency: str) -> int:
    """Summarise the accounts that have no summary (after the upgrade that adds the read model, or bulk
    writes on a bare connection); the number of rows written. Leaves the commit to the caller."""
    return refresh_summaries_of(session, list(session.scalars(accounts_without_summary())), day, reporting_currency)


def accounts_of_contracts(session: Session, contract_ids: Collection[int]) -> set[int]:
    query = select(Contract.account_id)
    return {
        account_id
        for ids in _chunks(sorted(contract_ids), CHUNK)
        for account_id in session.scalars(query.where(Contract.id.in_(ids)))
    }


def accounts_of_lines(session: Session, line_ids: Collection[int]) -> set[int]:
    query = select(Contract.account_id).join(ContractLine, ContractLine.contract_id == Contract.id)
    return {
        account_id
        for ids in _chunks(sorted(line_ids), CHUNK)
        for account_id in session.scalars(query.where(ContractLine.id.in_(ids)))
    }


def accounts_with_currencies(session: Session, currencies: Collection[str]) -> set[int]:
    """Accounts with a contract in one of ``currencies``: a rate change may change their MRR."""
    if not currencies:
        return set()
    return set(session.scalars(select(Contract.account_id).where(Contract.currency.in_(sorted(currencies)))))


def accounts_without_summary() -> Select[int]:
    """SELECT the ids of accounts that have no summary yet (inserted in bulk, or before the read model)."""
    summarised = select(AccountSummary.account_id).where(AccountSummary.account_id == Account.id)
    return select(Account.id).where(~summarised.exists())


def _chunks(values: Iterable[int], size: int) -> Iterator[list[int]]:
    chunk: list[int] = []
    for value in values:
        chunk.append(value)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def stored_summaries(session: Session, account_ids: Select[Any] | Collection[int]) -> dict[int, dict[str, Any]]:
    """The stored summary rows, as dicts keyed by account (what a test compares with the computed ones)."""
    chosen = account_ids if isinstance(account_ids, Select) else sorted(account_ids)
    rows = session.execute(select(*AccountSummary.__table__.columns).where(AccountSummary.account_id.in_(chosen))).all()
    return {row.account_id: row._asdict() for row in rows}
