"""Facts derived per account: latest health, next renewal (SQL subqueries to join, filter and sort on),
MRR on a day in the reporting currency, and which accounts are strategic."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import ScalarSelect, Select, SQLColumnExpression, func, select
from sqlalchemy.orm import Session, aliased

from acctgraph.domain.mrr import currencies_without_rate, native_mrr_by_day
from acctgraph.domain.revenue.money import MissingExchangeRate, Rates, converted_mrr
from acctgraph.models import Account, Alert, AlertStatus, Contract, ContractStatus, HealthBand, HealthSnapshot, Segment


def account_mrr(
    session: Session, accounts: Select[int] | Collection[int], day: date, reporting_currency: str
) -> dict[int, int]:
    """MRR on ``day`` of each paying account among ``accounts``, converted at the rates in effect that day.

    Raises :class:`~acctgraph.domain.revenue.money.MissingExchangeRate` rather than leave an account out.
    """
    native = native_mrr_by_day(session, [day], _as_select(accounts), today=day)
    return converted_mrr(Rates.load(session, reporting_currency), native)[day]


def require_rates_in_force(session: Session, day: date, reporting_currency: str) -> None:
    """Refuse (:class:`~acctgraph.domain.revenue.money.MissingExchangeRate`) while a line in force on ``day``
    is in a currency with no rate that day: what filtering or ordering by MRR in SQL needs first."""
    missing = list(session.scalars(currencies_without_rate(day, reporting_currency)))
    if missing:
        raise MissingExchangeRate(missing, reporting_currency, day)


def _as_select(accounts: Select[int] | Collection[int]) -> Select[int]:
    return accounts if isinstance(accounts, Select) else select(Account.id).where(Account.id.in_(list(accounts)))


def is_strategic(segment: Segment, mrr_minor: int, threshold_minor: int) -> bool:
    """The one definition of strategic: in the strategic segment, **or** MRR at least ``threshold_minor``
    (the segment is set by people; the threshold catches accounts that grew into it)."""
    return segment == Segment.STRATEGIC or mrr_minor >= threshold_minor


def strategic_account_ids(
    session: Session,
    accounts: Select[int] | Collection[int],
    day: date,
    reporting_currency: str,
    threshold_minor: int,
) -> set[int]:
    """The one definition of strategic: in the strategic segment, **or** MRR on ``day`` at least
    ``threshold_minor`` (the segment is set by people; the threshold catches accounts that grew into it)."""
    chosen = _as_select(accounts)
    by_mrr = {
        account
        for account, mrr in account_mrr(session, chosen, day, reporting_currency).items()
        if mrr >= threshold_minor
    }
    by_segment = session.scalars(select(Account.id).where(Account.id.in_(chosen), Account.segment == Segment.STRATEGIC))
    return by_mrr | set(by_segment)


def latest_health() -> Select[int, int, HealthBand, date]:
    """SELECT account_id, score, band, day of each account's most recent health snapshot."""
    newest = (
        select(HealthSnapshot.account_id, func.max(HealthSnapshot.day).label("day"))
        .group_by(HealthSnapshot.account_id)
        .subquery()
    )
    return select(HealthSnapshot.account_id, HealthSnapshot.score, HealthSnapshot.band, HealthSnapshot.day).join(
        newest, (newest.c.account_id == HealthSnapshot.account_id) & (newest.c.day == HealthSnapshot.day)
    )


def latest_health_day(account_id: SQLColumnExpression[int]) -> ScalarSelect[date]:
    """The day of the account's most recent health snapshot, correlated to ``account_id`` (e.g.
    ``Account.id`` in a page query): joining ``HealthSnapshot`` on it gives the latest snapshot's columns,
    found through the (account_id, day) unique index, for only the rows of a page."""
    snapshot = aliased(HealthSnapshot)
    return (
        select(func.max(snapshot.day))
        .where(snapshot.account_id == account_id)
        .correlate_except(snapshot)
        .scalar_subquery()
    )


def latest_health_snapshots(account_ids: Collection[int]) -> Select[HealthSnapshot]:
    """The most recent health snapshot of each of ``account_ids`` (the rule of :func:`latest_health`)."""
    return select(HealthSnapshot).where(
        HealthSnapshot.account_id.in_(list(account_ids)),
        HealthSnapshot.day == latest_health_day(HealthSnapshot.account_id),
    )


def next_renewal_id(account_id: SQLColumnExpression[int], as_of: date) -> ScalarSelect[int]:
    """The id of the account's next renewal, correlated to ``account_id``: of its active contracts still
    running on ``as_of``, the one that ends first (ties: the lowest id)."""
    running = aliased(Contract)
    return (
        active_contracts_ending_from(as_of, running)
        .with_only_columns(running.id)
        .where(running.account_id == account_id)
        .order_by(running.end_date, running.id)
        .limit(1)
        .correlate_except(running)
        .scalar_subquery()
    )


def next_renewals(account_ids: Collection[int], as_of: date) -> Select[Contract]:
    """The next renewal (:func:`next_renewal_id`) of each of ``account_ids`` that has one."""
    return select(Contract).where(
        Contract.account_id.in_(list(account_ids)), Contract.id == next_renewal_id(Contract.account_id, as_of)
    )


def alert_count(account_id: SQLColumnExpression[int], statuses: Collection[AlertStatus] | None) -> ScalarSelect[int]:
    """How many alerts the account has (in ``statuses``, if given), correlated to ``account_id``."""
    statement = select(func.count(Alert.id)).where(Alert.account_id == account_id)
    if statuses:
        statement = statement.where(Alert.status.in_(list(statuses)))
    return statement.scalar_subquery()


def active_contracts_ending_from(as_of: date, contract: type[Contract] = Contract) -> Select[Contract]:
    """Active contracts still running on ``as_of``: the ones that renew next (``contract``: an alias)."""
    return select(contract).where(
        contract.status == ContractStatus.ACTIVE, contract.end_date >= as_of, contract.deleted_at.is_(None)
    )


def next_renewal_date(as_of: date) -> Select[int, date]:
    """SELECT account_id, renewal_date: the soonest end date of an account's active contracts."""
    running = active_contracts_ending_from(as_of).subquery()
    return select(running.c.account_id, func.min(running.c.end_date).label("renewal_date")).group_by(
        running.c.account_id
    )
