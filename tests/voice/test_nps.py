"""NPS and response rate per book, segment, owner and account, against a computation written out
independently from docs/metrics.md; the statements do not grow with the groups."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from acctgraph import models as m

PERIOD = "2026-Q2"
INSIDE = datetime(2026, 5, 10, 12, tzinfo=UTC)
OUTSIDE = datetime(2026, 3, 31, 23, tzinfo=UTC)
REPORT = """
query($period: String!, $groupBy: NpsGrouping!) {
  npsReport(period: $period, groupBy: $groupBy) {
    segment owner { id } account { id } responses promoters passives detractors score accounts respondingAccounts responseRate
  }
}
"""


def book(sample):  # type: ignore[no-untyped-def]
    """Accounts in two segments for three owners; responses in and out of the period, one deleted
    upstream, one from an account that churned since."""
    rng = random.Random(4)
    owners = [sample.user() for _ in range(3)]
    accounts = [
        sample.account(owner_id=owners[n % 3].id, segment=[m.Segment.SMB, m.Segment.ENTERPRISE][n % 2])
        for n in range(12)
    ]
    churned = sample.account(owner_id=owners[0].id, segment=m.Segment.SMB, lifecycle_stage=m.LifecycleStage.CHURNED)
    silent = sample.account(owner_id=owners[1].id, segment=m.Segment.ENTERPRISE)
    for account in accounts[:10]:
        for _ in range(rng.randint(1, 4)):
            sample.nps(account, rng.randint(0, 10), responded_at=INSIDE + timedelta(hours=rng.randint(0, 500)))
    sample.nps(accounts[11], 0, responded_at=OUTSIDE)
    sample.nps(accounts[0], 10, responded_at=INSIDE, deleted_at=INSIDE)
    sample.nps(churned, 2, responded_at=INSIDE)
    sample.session.commit()
    return [*accounts, churned, silent]


def expected(accounts, responses, grouping):  # type: ignore[no-untyped-def]
    """By hand: NPS = 100 * (promoters - detractors) / responses; rate = responding customer accounts /
    customer accounts."""
    key = {
        "BOOK": lambda a: "book",
        "SEGMENT": lambda a: a.segment.name,
        "OWNER": lambda a: a.owner_id,
        "ACCOUNT": lambda a: a.id,
    }[grouping]
    scores, customers, responding = defaultdict(list), defaultdict(set), defaultdict(set)
    for account in accounts:
        is_customer = account.lifecycle_stage is not m.LifecycleStage.CHURNED
        if is_customer:
            customers[key(account)].add(account.id)
        for response in in_period(responses.get(account.id, [])):
            scores[key(account)].append(response.score)
            if is_customer:
                responding[key(account)].add(account.id)
    result = {}
    for group in set(scores) | set(customers):
        values = scores[group]
        promoters = len([s for s in values if s in (9, 10)])
        detractors = len([s for s in values if s in range(0, 7)])
        result[group] = {
            "responses": len(values),
            "promoters": promoters,
            "passives": len(values) - promoters - detractors,
            "detractors": detractors,
            "score": pytest.approx(100 * (promoters - detractors) / len(values)) if values else None,
            "accounts": len(customers[group]),
            "respondingAccounts": len(responding[group]),
            "responseRate": pytest.approx(len(responding[group]) / len(customers[group])) if customers[group] else None,
        }
    return result


def in_period(responses):  # type: ignore[no-untyped-def]
    start, end = datetime(2026, 4, 1, tzinfo=UTC), datetime(2026, 7, 1, tzinfo=UTC)
    return [r for r in responses if r.deleted_at is None and start <= r.responded_at < end]


@pytest.mark.parametrize("grouping", ["BOOK", "SEGMENT", "OWNER", "ACCOUNT"])
async def test_nps_matches_an_independent_computation(graphql, sample, grouping: str) -> None:
    accounts = book(sample)
    responses = defaultdict(list)
    for response in sample.session.scalars(select(m.NpsResponse)):
        responses[response.account_id].append(response)
    want = expected(accounts, responses, grouping)

    rows = (await graphql.data(REPORT, {"period": PERIOD, "groupBy": grouping}))["npsReport"]

    def key(row):  # type: ignore[no-untyped-def]
        if grouping == "SEGMENT":
            return row["segment"]
        if grouping == "OWNER":
            return int(sample_id(row["owner"]["id"]))
        if grouping == "ACCOUNT":
            return int(sample_id(row["account"]["id"]))
        return "book"

    got = {key(row): {name: row[name] for name in want[next(iter(want))]} for row in rows}
    assert got == want
    if grouping == "BOOK":
        assert got["book"]["responses"] > 20, "the book has enough responses to test"


def sample_id(global_id: str) -> str:
    from strawberry.relay import GlobalID

    return GlobalID.from_id(global_id).node_id


async def test_a_bad_period_is_a_clear_error_and_statements_do_not_grow(graphql, sample) -> None:
    book(sample)
    result = await graphql.execute(REPORT, {"period": "2026-Q5", "groupBy": "OWNER"})
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    await graphql.data(REPORT, {"period": PERIOD, "groupBy": "ACCOUNT"})
    by_account = len(graphql.statements)
    await graphql.data(REPORT, {"period": PERIOD, "groupBy": "BOOK"})
    # responses, accounts, and one batch each of owners and accounts whatever the groups
    assert by_account <= 4
