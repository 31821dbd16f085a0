"""Automatic renewal opportunities: the window, the amount, and no duplicates however often or concurrently run."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from acctgraph import models as m
from acctgraph.db import sync_sessionmaker
from acctgraph.domain.revenue.renewals import (
    RENEWAL_PROBABILITY,
    contracts_to_renew,
    create_renewal_opportunities,
    open_renewals,
)
from tests.fixtures import SampleData

TODAY = date(2026, 6, 1)
LEAD_DAYS = 120  # window: 2026-06-01 .. 2026-09-29


@pytest.fixture
def contracts(sample: SampleData) -> dict[str, m.Contract]:
    owner = sample.user()
    account = sample.account(owner_id=owner.id)

    def ending(end: str, mrr: int | None = 10_000, **fields: object) -> m.Contract:
        return sample.contract(account, mrr, start_date=date(2025, 6, 1), end_date=date.fromisoformat(end), **fields)

    made = {
        "soon": ending("2026-07-15", mrr=None),
        "last_day_of_window": ending("2026-09-29"),
        "in_euros": ending("2026-07-01", mrr=1_000, currency="EUR"),
        "beyond_window": ending("2026-09-30"),
        "expired": ending("2026-07-01", status=m.ContractStatus.EXPIRED),
        "already_ended": ending("2026-05-31"),
        "has_crm_renewal": ending("2026-08-01"),
    }
    sample.line(made["soon"], quantity=2, unit_price_minor=50_000)
    sample.line(made["soon"], quantity=1, unit_price_minor=30_000)  # MRR 130_000, ARR 1_560_000
    sample.opportunity(account, kind=m.OpportunityKind.RENEWAL, contract_id=made["has_crm_renewal"].id)
    sample.session.commit()
    return made


def _renewals(session: Session) -> list[m.Opportunity]:
    query = select(m.Opportunity).where(m.Opportunity.kind == m.OpportunityKind.RENEWAL).order_by(m.Opportunity.id)
    return list(session.scalars(query))


def test_opens_one_renewal_per_active_contract_ending_in_the_window(session: Session, contracts) -> None:  # type: ignore[no-untyped-def]
    created = create_renewal_opportunities(session, TODAY, LEAD_DAYS)
    session.commit()

    assert len(created) == 3
    by_contract = {o.contract_id: o for o in _renewals(session) if o.id in created}
    assert set(by_contract) == {contracts[n].id for n in ("soon", "last_day_of_window", "in_euros")}
    soon = by_contract[contracts["soon"].id]
    assert (soon.amount_minor, soon.currency) == (1_560_000, "USD")  # 12 x (2 x 50_000 + 30_000)
    assert (soon.expected_close_date, soon.probability) == (date(2026, 7, 15), RENEWAL_PROBABILITY)
    assert soon.owner_id is not None and soon.status is m.OpportunityStatus.OPEN
    euros = by_contract[contracts["in_euros"].id]
    assert (euros.amount_minor, euros.currency) == (12_000, "EUR")  # kept in the contract's currency


def test_rerun_creates_nothing(session: Session, contracts) -> None:  # type: ignore[no-untyped-def]
    assert len(create_renewal_opportunities(session, TODAY, LEAD_DAYS)) == 3
    session.commit()
    assert create_renewal_opportunities(session, TODAY, LEAD_DAYS) == []
    session.commit()
    assert len(_renewals(session)) == 4  # three opened + the CRM's own


def test_two_racing_runs_open_each_renewal_once(engine: Engine, session: Session, contracts) -> None:  # type: ignore[no-untyped-def]
    """Both runs read the contracts to renew before either writes: the second one's inserts are skipped."""
    make_session = sync_sessionmaker(engine)
    with make_session() as first, make_session() as second:
        first_due = contracts_to_renew(first, TODAY, LEAD_DAYS)
        second_due = contracts_to_renew(second, TODAY, LEAD_DAYS)
        first.commit()
        second.commit()
        assert len(first_due) == len(second_due) == 3
        assert len(open_renewals(first, first_due)) == 3
        first.commit()
        assert open_renewals(second, second_due) == []
        second.commit()
    counts = session.execute(
        select(m.Opportunity.contract_id, func.count())
        .where(m.Opportunity.kind == m.OpportunityKind.RENEWAL)
        .group_by(m.Opportunity.contract_id)
    ).all()
    assert len(counts) == 4 and all(count == 1 for _, count in counts)


def test_database_refuses_a_second_renewal_for_a_contract(session: Session, sample: SampleData, contracts) -> None:  # type: ignore[no-untyped-def]
    account = session.get(m.Account, contracts["soon"].account_id)
    sample.opportunity(account, kind=m.OpportunityKind.RENEWAL, contract_id=contracts["soon"].id)
    with pytest.raises(IntegrityError):
        sample.opportunity(account, kind=m.OpportunityKind.RENEWAL, contract_id=contracts["soon"].id)
    session.rollback()
