"""Renewal opportunities opened automatically ahead of each active contract's end.

Safe to re-run and to run twice at once: the unique index ``uq_opportunities_renewal_contract`` allows
one renewal per contract, and the insert skips a contract that gained one meanwhile.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from acctgraph.domain.events import EventType, publish
from acctgraph.domain.revenue.inserts import insert_new_rows
from acctgraph.models import (
    Account,
    Contract,
    ContractLine,
    ContractStatus,
    ForecastCategory,
    Opportunity,
    OpportunityKind,
)

RENEWAL_PROBABILITY = 80
"""Starting probability of an automatic renewal: most contracts renew; the owner adjusts it."""


def contracts_to_renew(session: Session, today: date, lead_days: int) -> list[dict[str, Any]]:
    """The new renewal opportunities due: one per active contract ending within ``lead_days`` without one."""
    arr = 12 * func.coalesce(func.sum(ContractLine.quantity * ContractLine.unit_price_minor), 0)
    has_renewal = exists().where(Opportunity.contract_id == Contract.id, Opportunity.kind == OpportunityKind.RENEWAL)
    query = (
        select(
            Contract.id,
            Contract.account_id,
            Contract.number,
            Contract.currency,
            Contract.end_date,
            Account.owner_id,
            arr,
        )
        .join(Account, Account.id == Contract.account_id)
        .outerjoin(ContractLine, (ContractLine.contract_id == Contract.id) & ContractLine.deleted_at.is_(None))
        .where(
            Contract.status == ContractStatus.ACTIVE,
            Contract.deleted_at.is_(None),
            Account.deleted_at.is_(None),
            Contract.end_date.between(today, today + timedelta(days=lead_days)),
            ~has_renewal,
        )
        .group_by(Contract.id, Account.owner_id)
        .order_by(Contract.end_date, Contract.id)
    )
    return [
        {
            "account_id": account_id,
            "contract_id": contract_id,
            "name": f"Renewal of {number}",
            "kind": OpportunityKind.RENEWAL,
            "stage": "renewal",
            "amount_minor": arr_minor,
            "currency": currency,
            "probability": RENEWAL_PROBABILITY,
            "expected_close_date": end_date,
            "forecast_category": ForecastCategory.PIPELINE,
            "owner_id": owner_id,
        }
        for contract_id, account_id, number, currency, end_date, owner_id, arr_minor in session.execute(query)
    ]


def open_renewals(session: Session, renewals: list[dict[str, Any]]) -> list[int]:
    """Insert ``renewals``, skipping any contract that has one by now, with a ``renewal.created`` event
    each; the ids of those inserted."""
    ids = insert_new_rows(session, Opportunity, renewals)
    for opportunity in session.scalars(select(Opportunity).where(Opportunity.id.in_(ids)).order_by(Opportunity.id)):
        publish(
            session,
            EventType.RENEWAL_CREATED,
            {
                "opportunity_id": opportunity.id,
                "account_id": opportunity.account_id,
                "contract_id": opportunity.contract_id,
                "owner_id": opportunity.owner_id,
                "name": opportunity.name,
                "amount_minor": opportunity.amount_minor,
                "currency": opportunity.currency,
                "expected_close_date": opportunity.expected_close_date,
            },
        )
    return ids


def create_renewal_opportunities(session: Session, today: date, lead_days: int) -> list[int]:
    """Open the renewals due as of ``today``; the caller commits."""
    return open_renewals(session, contracts_to_renew(session, today, lead_days))
