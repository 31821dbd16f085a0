"""Revenue metrics against the hand-computed first quarter of 2026 in conftest.py."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from acctgraph import models as m
from acctgraph.domain.revenue.metrics import revenue_metrics
from acctgraph.domain.revenue.money import MissingExchangeRate
from acctgraph.domain.revenue.period import Period
from acctgraph.domain.revenue.scope import Scope, UnknownUser
from tests.fixtures import SampleData
from tests.revenue.conftest import Q1Book

Q1 = Period.parse("2026-Q1")
TODAY = date(2026, 11, 30)
"""After the quarter: it is measured to its end."""


def test_quarter_bridge_and_rates_match_the_hand_computed_book(session: Session, q1_book: Q1Book) -> None:
    totals = revenue_metrics(session, Q1, Scope.everything(), "USD", TODAY).totals
    # start Dec 31: A 100_000 + B 200_000 + C 300_000 + D 150_000 + G 110_000 + I 10_000 = 870_000
    assert totals.starting_mrr_minor == 870_000
    assert totals.new_minor == 80_000  # E
    assert totals.reactivation_minor == 60_000  # F, paying in 2024, back from 2026-01-15
    assert totals.expansion_minor == 55_000  # B +50_000, I 10_000 -> 15_000
    assert totals.contraction_minor == 100_000  # C 300_000 -> 200_000
    assert totals.churned_minor == 150_000  # D
    # 870_000 + 80_000 + 60_000 + 55_000 - 100_000 - 150_000
    assert totals.ending_mrr_minor == 815_000
    assert totals.nrr == 0.7759  # (870_000 + 55_000 - 100_000 - 150_000) / 870_000 = 675/870
    assert totals.grr == 0.7126  # (870_000 - 100_000 - 150_000) / 870_000 = 620/870
    assert (totals.accounts_at_start, totals.accounts_churned) == (6, 1)
    assert totals.logo_churn_rate == 0.1667  # 1 / 6


def test_monthly_series_moves_in_the_month_each_change_happened(session: Session, q1_book: Q1Book) -> None:
    months = revenue_metrics(session, Q1, Scope.everything(), "USD", TODAY).months
    assert [month.period.label for month in months] == ["2026-01", "2026-02", "2026-03"]
    assert [(mo.starting_mrr_minor, mo.ending_mrr_minor) for mo in months] == [
        (870_000, 930_000),  # + F reactivated 60_000
        (930_000, 880_000),  # + B 50_000, - C 100_000
        (880_000, 815_000),  # - D 150_000, + E 80_000, + I 5_000
    ]
    jan, feb, mar = months
    assert (jan.reactivation_minor, jan.new_minor, jan.churned_minor) == (60_000, 0, 0)
    assert (feb.expansion_minor, feb.contraction_minor) == (50_000, 100_000)
    assert (mar.churned_minor, mar.new_minor, mar.expansion_minor) == (150_000, 80_000, 5_000)
    assert mar.grr == 0.8295  # (880_000 - 150_000) / 880_000


def test_renewal_rates_over_renewals_due_in_the_period(session: Session, q1_book: Q1Book) -> None:
    renewals = revenue_metrics(session, Q1, Scope.everything(), "USD", TODAY).renewals
    # due = ARR of the renewed contracts: C 12 x 300_000 + D 12 x 150_000 + I 12 x 10_000
    assert renewals.due_arr_minor == 3_600_000 + 1_800_000 + 120_000
    assert renewals.renewed_arr_minor == 2_400_000 + 180_000  # D lost
    assert renewals.retained_arr_minor == 2_400_000 + 120_000  # I capped at what was due
    assert renewals.gross_rate == 0.4565  # 2_520_000 / 5_520_000
    assert renewals.net_rate == 0.4674  # 2_580_000 / 5_520_000
    assert (renewals.due_count, renewals.open_count) == (3, 0)


@pytest.mark.parametrize(
    ("scope_of", "start", "end"),
    [
        (lambda book: Scope.owner(book.users["am1"].id), 300_000, 350_000),  # A + B
        # director's team: am1 (A, B), am2 (C), am3 (D), lead (E)
        (lambda book: Scope.team(book.users["director"].id), 750_000, 630_000),
        # lead's team: lead (E), am1 (A, B), am2 (C): 100_000 + 250_000 + 200_000 + 80_000 at the end
        (lambda book: Scope.team(book.users["lead"].id), 600_000, 630_000),
        (lambda book: Scope.of_segment(m.Segment.ENTERPRISE), 110_000, 110_000),  # G only
    ],
    ids=["owner", "director-team", "lead-team", "segment"],
)
def test_scopes_roll_up_through_the_hierarchy(
    session: Session, q1_book: Q1Book, scope_of, start: int, end: int
) -> None:  # type: ignore[no-untyped-def]
    totals = revenue_metrics(session, Q1, scope_of(q1_book), "USD", TODAY).totals
    assert (totals.starting_mrr_minor, totals.ending_mrr_minor) == (start, end)


def test_cancelled_contract_counts_until_it_stopped_and_a_draft_never(session: Session, sample: SampleData) -> None:
    account = sample.account(segment=m.Segment.PARTNER)
    sample.contract(
        account, 7_000, start_date=date(2025, 6, 1), end_date=date(2026, 2, 10), status=m.ContractStatus.CANCELLED
    )
    sample.contract(
        account, 5_000, start_date=date(2025, 6, 1), end_date=date(2026, 12, 31), status=m.ContractStatus.DRAFT
    )
    sample.session.commit()
    result = revenue_metrics(session, Q1, Scope.of_segment(m.Segment.PARTNER), "USD", TODAY)
    assert (result.totals.starting_mrr_minor, result.totals.churned_minor) == (7_000, 7_000)
    assert [month.churned_minor for month in result.months] == [0, 7_000, 0]  # stopped on Feb 10


def test_converts_into_another_reporting_currency(session: Session, q1_book: Q1Book, sample: SampleData) -> None:
    sample.exchange_rate("USD", "0.5")  # rates are into the reporting currency asked for: 1 USD = 0.5 GBP
    totals = revenue_metrics(session, Q1, Scope.owner(q1_book.users["am1"].id), "GBP", TODAY).totals
    assert (totals.starting_mrr_minor, totals.ending_mrr_minor) == (150_000, 175_000)  # 300_000 / 2, 350_000 / 2


def test_refuses_to_mix_a_currency_without_rate(session: Session, q1_book: Q1Book, sample: SampleData) -> None:
    sample.contract(q1_book.accounts["A"], 5_000, currency="GBP", start_date=Q1.start, end_date=Q1.end)
    with pytest.raises(MissingExchangeRate, match="GBP into USD") as error:
        revenue_metrics(session, Q1, Scope.everything(), "USD", TODAY)
    assert error.value.currencies == ["GBP"]


def test_unknown_owner_is_an_error_not_zeros(session: Session, q1_book: Q1Book) -> None:
    with pytest.raises(UnknownUser, match="no user with id 999999"):
        revenue_metrics(session, Q1, Scope.owner(999_999), "USD", TODAY)


def test_statements_do_not_grow_with_accounts(
    engine: Engine, session: Session, q1_book: Q1Book, sample: SampleData
) -> None:
    """MRR at every month end is read in one statement, whatever the number of accounts."""

    def statements_issued() -> int:
        statements: list[str] = []

        def listener(*args: object) -> None:
            statements.append(str(args[2]))

        event.listen(engine, "before_cursor_execute", listener)
        try:
            revenue_metrics(session, Q1, Scope.team(q1_book.users["director"].id), "USD", TODAY)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(statements)

    before = statements_issued()
    for _ in range(25):
        sample.contract(sample.account(owner_id=q1_book.users["am1"].id), 1_000, start_date=Q1.start, end_date=Q1.end)
    sample.session.commit()
    assert statements_issued() == before
    # at most: the scope's user, a rate check per distinct day (Dec 31, Jan 31, Feb 28, Mar 31), MRR at those
    # days, first revenue days, the rate table, renewals due
    assert before <= 9
