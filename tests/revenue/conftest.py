"""One hand-computed book for the revenue tests: the first quarter of 2026, in USD with one EUR account.

MRR in minor units; the expected figures in the tests are worked out from the table below.

account  owner  contracts (MRR, dates, status)                                    Dec 31   Jan 31   Feb 28   Mar 31
A        am1    100_000  2025-01-01..2026-12-31 active                           100_000  100_000  100_000  100_000
B        am1    200_000  2025-06-01..2026-12-31 active                           200_000  200_000  250_000  250_000
                + 50_000 2026-02-01..2026-12-31 active
C        am2    300_000  2025-01-01..2026-01-31 renewed                          300_000  300_000  200_000  200_000
                200_000  2026-02-01..2027-01-31 active (its renewal)
D        am3    150_000  2025-03-01..2026-02-28 expired (churns)                 150_000  150_000  150_000        0
E        lead    80_000  2026-03-01..2027-02-28 active (new)                           0        0        0   80_000
F        other   40_000  2024-01-01..2024-12-31 expired; 60_000 from 2026-01-15         0   60_000   60_000   60_000
G        other  100_000 EUR 2025-01-01..2026-12-31 active, EUR at 1.10 USD       110_000  110_000  110_000  110_000
I        other   10_000  2025-03-01..2026-03-15 renewed;                          10_000   10_000   10_000   15_000
                 15_000  2026-03-16..2027-03-15 active
H        other  99_999 cancelled 2025-01-01..2025-06-30, 88_888 draft               0        0        0        0
total                                                                            870_000  930_000  880_000  815_000

Hierarchy: director > lead > (am1, am2); director > am3; other reports to nobody.
G is enterprise, every other account mid_market.
Renewal opportunities: C's first contract won at 2_400_000, D's lost, I's won at 180_000.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from acctgraph import models as m
from tests.fixtures import SampleData

OPENING = date(2025, 12, 31)


@dataclass
class Q1Book:
    users: dict[str, m.User]
    accounts: dict[str, m.Account]
    contracts: dict[str, m.Contract]


def _contract(sample: SampleData, account: m.Account, mrr: int, start: str, end: str, **fields: object) -> m.Contract:
    return sample.contract(
        account,
        mrr,
        start_date=date.fromisoformat(start),
        end_date=date.fromisoformat(end),
        **fields,
    )


@pytest.fixture
def q1_book(sample: SampleData) -> Q1Book:
    director = sample.user(role=m.Role.MANAGER)
    lead = sample.user(role=m.Role.MANAGER, manager_id=director.id)
    users = {
        "director": director,
        "lead": lead,
        "am1": sample.user(manager_id=lead.id),
        "am2": sample.user(manager_id=lead.id),
        "am3": sample.user(manager_id=director.id),
        "other": sample.user(),
    }
    owners = {"A": "am1", "B": "am1", "C": "am2", "D": "am3", "E": "lead", "F": "other", "G": "other"}
    owners |= {"H": "other", "I": "other"}
    accounts = {
        name: sample.account(
            owner_id=users[owner].id, segment=m.Segment.ENTERPRISE if name == "G" else m.Segment.MID_MARKET
        )
        for name, owner in owners.items()
    }
    renewed, expired = m.ContractStatus.RENEWED, m.ContractStatus.EXPIRED
    a = accounts
    contracts = {
        "A": _contract(sample, a["A"], 100_000, "2025-01-01", "2026-12-31"),
        "B": _contract(sample, a["B"], 200_000, "2025-06-01", "2026-12-31"),
        "B+": _contract(sample, a["B"], 50_000, "2026-02-01", "2026-12-31"),
        "C": _contract(sample, a["C"], 300_000, "2025-01-01", "2026-01-31", status=renewed),
        "D": _contract(sample, a["D"], 150_000, "2025-03-01", "2026-02-28", status=expired),
        "E": _contract(sample, a["E"], 80_000, "2026-03-01", "2027-02-28"),
        "F-old": _contract(sample, a["F"], 40_000, "2024-01-01", "2024-12-31", status=expired),
        "F": _contract(sample, a["F"], 60_000, "2026-01-15", "2027-01-14"),
        "G": _contract(sample, a["G"], 100_000, "2025-01-01", "2026-12-31", currency="EUR"),
        "H-cancelled": _contract(sample, a["H"], 99_999, "2025-01-01", "2025-06-30", status=m.ContractStatus.CANCELLED),
        "H-draft": _contract(sample, a["H"], 88_888, "2025-01-01", "2026-12-31", status=m.ContractStatus.DRAFT),
        "I": _contract(sample, a["I"], 10_000, "2025-03-01", "2026-03-15", status=renewed),
    }
    contracts["C2"] = _contract(sample, a["C"], 200_000, "2026-02-01", "2027-01-31", renewal_of_id=contracts["C"].id)
    contracts["I2"] = _contract(sample, a["I"], 15_000, "2026-03-16", "2027-03-15", renewal_of_id=contracts["I"].id)
    sample.exchange_rate("EUR", "1.10")
    renewal = m.OpportunityKind.RENEWAL
    for name, status, amount in (("C", "won", 2_400_000), ("D", "lost", 1_800_000), ("I", "won", 180_000)):
        contract = contracts[name]
        sample.opportunity(
            a[name],
            kind=renewal,
            status=m.OpportunityStatus(status),
            amount_minor=amount,
            contract_id=contract.id,
            expected_close_date=contract.end_date,
            owner_id=a[name].owner_id,
        )
    sample.session.commit()
    return Q1Book(users, accounts, contracts)
