"""Gross and net renewal rates over the renewal opportunities due in a period (Gainsight's renewal center).

A renewal is due in the period its contract ends in; what was due is the contract's ARR, what was
renewed is the amount of the renewal opportunity if it was won. It counts for the opportunity's owner:
the owner at the time, since a transfer moves open opportunities with the account and leaves a closed
one with whoever closed it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from acctgraph.domain.mrr import line_mrr
from acctgraph.domain.revenue.money import Rates
from acctgraph.domain.revenue.movements import ratio
from acctgraph.domain.revenue.period import Period
from acctgraph.models import Contract, ContractLine, Opportunity, OpportunityKind, OpportunityStatus


@dataclass(frozen=True)
class RenewalDue:
    """One renewal opportunity whose contract ends in the period, amounts in the reporting currency."""

    account_id: int
    owner_id: int | None
    status: OpportunityStatus
    due_arr_minor: int
    renewed_arr_minor: int


@dataclass(frozen=True)
class RenewalRates:
    due_count: int
    open_count: int
    due_arr_minor: int
    renewed_arr_minor: int
    retained_arr_minor: int

    @classmethod
    def of(cls, renewals: Iterable[RenewalDue]) -> RenewalRates:
        renewals = list(renewals)
        return cls(
            due_count=len(renewals),
            open_count=sum(1 for renewal in renewals if renewal.status is OpportunityStatus.OPEN),
            due_arr_minor=sum(renewal.due_arr_minor for renewal in renewals),
            renewed_arr_minor=sum(renewal.renewed_arr_minor for renewal in renewals),
            retained_arr_minor=sum(min(renewal.renewed_arr_minor, renewal.due_arr_minor) for renewal in renewals),
        )

    @property
    def gross_rate(self) -> float | None:
        """Renewed ARR, each renewal capped at what was due, / ARR due: the upsell on renewal left out."""
        return ratio(self.retained_arr_minor, self.due_arr_minor)

    @property
    def net_rate(self) -> float | None:
        """Renewed ARR / ARR due, an upsell on renewal included."""
        return ratio(self.renewed_arr_minor, self.due_arr_minor)


def renewals_due(
    session: Session, period: Period, accounts: Select[int], rates: Rates, owners: Select[int] | None = None
) -> list[RenewalDue]:
    """Renewal opportunities whose contract ends in ``period``: of ``owners`` when given, else of ``accounts``."""
    contract_mrr = (
        select(ContractLine.contract_id, func.sum(line_mrr()).label("mrr"))
        .where(ContractLine.deleted_at.is_(None), ContractLine.effective_to.is_(None))
        .group_by(ContractLine.contract_id)
        .subquery()
    )
    query = (
        select(
            Opportunity.account_id,
            Opportunity.owner_id,
            Opportunity.status,
            Opportunity.amount_minor,
            Opportunity.currency,
            Contract.currency,
            func.coalesce(contract_mrr.c.mrr, 0),
            Contract.end_date,
        )
        .join(Contract, Contract.id == Opportunity.contract_id)
        .outerjoin(contract_mrr, contract_mrr.c.contract_id == Contract.id)
        .where(
            Opportunity.kind == OpportunityKind.RENEWAL,
            Opportunity.deleted_at.is_(None),
            Contract.end_date.between(period.start, period.end),
            Opportunity.account_id.in_(accounts) if owners is None else Opportunity.owner_id.in_(owners),
        )
    )
    rows = session.execute(query).all()
    for row in rows:
        rates.require({row[4], row[5]}, row[7])
    return [
        RenewalDue(
            account_id=account_id,
            owner_id=owner_id,
            status=status,
            due_arr_minor=rates.convert(12 * contract_mrr_minor, contract_currency, end),
            renewed_arr_minor=rates.convert(amount, currency, end) if status is OpportunityStatus.WON else 0,
        )
        for account_id, owner_id, status, amount, currency, contract_currency, contract_mrr_minor, end in rows
    ]
