"""Quotas: set by managers for their team (mutation and CLI), attainment in teamMetrics and book against
sums worked out from the won opportunities."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from acctgraph import models as m
from acctgraph.cli import app
from acctgraph.domain.revenue.period import Period
from acctgraph.settings import get_settings
from tests.api.mutation_cases import codes, gid, mutate
from tests.conftest import GraphQLClient
from tests.fixtures import SampleData

TODAY = date.today()
QUOTA = "quota { period startsOn endsOn kind amount { amountMinor currency } user { email } version }"
TEAM = """
query ($manager: ID!, $period: String!) { teamMetrics(managerId: $manager, period: $period) {
  nodes { user { email } quotaAttainment { kind target { amountMinor } achieved { amountMinor } percent } } } }
"""
BOOK = """
query ($owner: ID!, $period: String) { book(ownerId: $owner) {
  quotaAttainment(period: $period) { kind target { amountMinor } achieved { amountMinor } percent } } }
"""


async def test_setting_a_quota_twice_replaces_its_amount(graphql: GraphQLClient, sample: SampleData) -> None:
    manager = sample.user(role=m.Role.MANAGER)
    member = sample.user(manager_id=manager.id, email="member@example.com")
    sample.session.commit()
    client = graphql.acting_as(manager)
    given = {"userId": gid(member), "kind": "RENEWAL_ARR", "period": "fy2027-q1", "amountMinor": 100_000_00}
    first = await mutate(client, "setQuota", given, QUOTA)
    assert first["quota"] == {
        "period": "FY2027-Q1",
        "startsOn": "2027-01-01",
        "endsOn": "2027-03-31",
        "kind": "RENEWAL_ARR",
        "amount": {"amountMinor": 100_000_00, "currency": "USD"},
        "user": {"email": "member@example.com"},
        "version": 1,
    }
    second = await mutate(client, "setQuota", {**given, "amountMinor": 120_000_00}, QUOTA)
    assert (second["quota"]["amount"]["amountMinor"], second["quota"]["version"]) == (120_000_00, 2)
    sample.session.expire_all()
    assert sample.session.query(m.Quota).count() == 1


async def test_quota_rules(graphql: GraphQLClient, sample: SampleData) -> None:
    manager = sample.user(role=m.Role.MANAGER)
    viewer = sample.user(role=m.Role.VIEWER)
    sample.session.commit()
    client = graphql.acting_as(manager)
    own = await client.execute(
        "mutation($i: SetQuotaInput!) { setQuota(input: $i) { userErrors { code } } }",
        {"i": {"userId": gid(manager), "kind": "NET_NEW_ARR", "period": "2026", "amountMinor": 1}},
    )
    assert own["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    base = {"kind": "NET_NEW_ARR", "amountMinor": 1}
    assert codes(await mutate(graphql, "setQuota", {**base, "userId": gid(viewer), "period": "2026"})) == [
        ("userId", "INVALID_OWNER")
    ]
    assert codes(await mutate(graphql, "setQuota", {**base, "userId": gid(manager), "period": "FY27"})) == [
        ("period", "INVALID_PERIOD")
    ]
    negative = await mutate(graphql, "setQuota", {**base, "userId": gid(manager), "period": "2026", "amountMinor": -5})
    assert codes(negative) == [("amountMinor", "INVALID")]


def _won(sample: SampleData, owner: m.User, kind: m.OpportunityKind, amount: int, closed_on: date) -> None:
    sample.opportunity(
        sample.account(owner_id=owner.id),
        kind=kind,
        amount_minor=amount,
        status=m.OpportunityStatus.WON,
        closed_on=closed_on,
        owner_at_close_id=owner.id,
    )


async def test_attainment_in_team_metrics_and_book(graphql: GraphQLClient, sample: SampleData) -> None:
    manager = sample.user(role=m.Role.MANAGER)
    ana, ben = sample.user(manager_id=manager.id), sample.user(manager_id=manager.id)
    quarter = Period.fiscal_quarter_containing(TODAY, 1)
    inside, before = quarter.start, quarter.start - timedelta(days=1)
    won = [
        (ana, m.OpportunityKind.NEW, 40_000_00, inside),
        (ana, m.OpportunityKind.UPSELL, 15_000_00, TODAY),
        (ana, m.OpportunityKind.RENEWAL, 90_000_00, inside),
        (ana, m.OpportunityKind.NEW, 99_000_00, before),  # closed before the quarter: not counted
        (ben, m.OpportunityKind.CROSS_SELL, 5_000_00, TODAY),
    ]
    for owner, kind, amount, closed_on in won:
        _won(sample, owner, kind, amount, closed_on)
    sample.opportunity(sample.account(owner_id=ana.id), amount_minor=70_000_00)  # open: not counted
    sample.session.commit()
    label = quarter.label
    for kind, amount in (("NET_NEW_ARR", 80_000_00), ("RENEWAL_ARR", 60_000_00)):
        given = {"userId": gid(ana), "kind": kind, "period": label, "amountMinor": amount}
        assert (await mutate(graphql, "setQuota", given))["userErrors"] == []

    def expected(owner: m.User, kinds: tuple[m.OpportunityKind, ...], target: int | None) -> dict[str, object]:
        achieved = sum(a for o, k, a, day in won if o is owner and k in kinds and quarter.start <= day <= TODAY)
        percent = None if target is None else round(achieved * 100 / target, 1)
        return {
            "target": None if target is None else {"amountMinor": target},
            "achieved": {"amountMinor": achieved},
            "percent": percent,
        }

    net_new = (m.OpportunityKind.NEW, m.OpportunityKind.UPSELL, m.OpportunityKind.CROSS_SELL)
    renewal = (m.OpportunityKind.RENEWAL,)
    team = (await graphql.data(TEAM, {"manager": gid(manager), "period": label}))["teamMetrics"]["nodes"]
    by_email = {row["user"]["email"]: {a.pop("kind"): a for a in row["quotaAttainment"]} for row in team}
    assert by_email[ana.email] == {
        "NET_NEW_ARR": expected(ana, net_new, 80_000_00),
        "RENEWAL_ARR": expected(ana, renewal, 60_000_00),
    }
    assert by_email[ben.email]["NET_NEW_ARR"] == expected(ben, net_new, None)
    book = (await graphql.data(BOOK, {"owner": gid(ana), "period": None}))["book"]["quotaAttainment"]
    assert {row.pop("kind"): row for row in book} == by_email[ana.email]


@pytest.fixture
def quotas_cli(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("ACCTGRAPH_DATABASE_URL", db_url)
    monkeypatch.setenv("ACCTGRAPH_FISCAL_YEAR_START_MONTH", "2")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_the_cli_sets_a_quota_audited_and_refuses_bad_input_in_one_line(quotas_cli, sample: SampleData) -> None:
    sample.user(email="am@corp.example")
    sample.session.commit()
    args = ["quotas", "set", "--user", "am@corp.example", "--kind", "net_new_arr", "--period", "FY2027"]
    done = CliRunner().invoke(app, [*args, "--amount-minor", "50000000"])
    assert done.exit_code == 0, done.output
    sample.session.expire_all()
    quota = sample.session.scalars(select(m.Quota)).one()
    assert (quota.starts_on, quota.ends_on, quota.amount_minor) == (date(2026, 2, 1), date(2027, 1, 31), 50_000_000)
    audit = sample.session.scalars(select(m.AuditRecord).where(m.AuditRecord.operation == "quotas set")).one()
    assert audit.actor_id is None
    bad_kind = CliRunner().invoke(app, [*args[:4], "--kind", "bonus", "--period", "FY2027", "--amount-minor", "1"])
    assert type(bad_kind.exception).__name__ == "CommandError"
    assert "--kind 'bonus': give net_new_arr or renewal_arr" in str(bad_kind.exception)
    nobody = CliRunner().invoke(app, ["quotas", "set", "--user", "x@corp.example", *args[4:], "--amount-minor", "1"])
    assert type(nobody.exception).__name__ == "CommandError"
    assert "--user: no user with email 'x@corp.example'" in str(nobody.exception)
