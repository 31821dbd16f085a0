"""Facts derived per account, as SQL subqueries to join, filter and sort on: latest health, next renewal."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, func, select

from acctgraph.models import Contract, ContractStatus, HealthBand, HealthSnapshot


def latest_health() -> Select[int, int, HealthBand]:
    """SELECT account_id, score, band of each account's most recent health snapshot."""
    newest = (
        select(HealthSnapshot.account_id, func.max(HealthSnapshot.day).label("day"))
        .group_by(HealthSnapshot.account_id)
        .subquery()
    )
    return select(HealthSnapshot.account_id, HealthSnapshot.score, HealthSnapshot.band).join(
        newest, (newest.c.account_id == HealthSnapshot.account_id) & (newest.c.day == HealthSnapshot.day)
    )


def active_contracts_ending_from(as_of: date) -> Select[Contract]:
    """Active contracts still running on ``as_of``: the ones that renew next."""
    return select(Contract).where(
        Contract.status == ContractStatus.ACTIVE, Contract.end_date >= as_of, Contract.deleted_at.is_(None)
    )


def next_renewal_date(as_of: date) -> Select[int, date]:
    """SELECT account_id, renewal_date: the soonest end date of an account's active contracts."""
    running = active_contracts_ending_from(as_of).subquery()
    return select(running.c.account_id, func.min(running.c.end_date).label("renewal_date")).group_by(
        running.c.account_id
    )
