"""Promotions: campaigns for strategic accounts and results per account."""

from __future__ import annotations

from datetime import timedelta

from acctgraph import models as m
from tests.api.mutation_cases import TODAY, codes, gid, mutate

PROMOTION = "promotion { id name startsOn endsOn targets { id version outcome revenue { amountMinor currency } account { name } } }"


def _period(days: int = 30) -> dict[str, str]:
    return {"startsOn": TODAY.isoformat(), "endsOn": (TODAY + timedelta(days=days)).isoformat()}


async def test_promotion_for_strategic_accounts_and_results(graphql, sample) -> None:
    by_segment = sample.account(name="Strategic Co", segment=m.Segment.STRATEGIC)
    by_mrr = sample.account(name="Big MRR Co", segment=m.Segment.ENTERPRISE)
    sample.contract(by_mrr, mrr_minor=60_000_00)
    sample.session.commit()
    variables = {
        "name": "Spring uplift",
        "offer": "20% off analytics",
        **_period(),
        "accountIds": [gid(by_segment), gid(by_mrr)],
    }
    promotion = (await mutate(graphql, "createPromotion", variables, PROMOTION))["promotion"]
    assert sorted(target["account"]["name"] for target in promotion["targets"]) == ["Big MRR Co", "Strategic Co"]
    assert {target["outcome"] for target in promotion["targets"]} == {"PENDING"}
    target = promotion["targets"][0]
    result = await mutate(
        graphql,
        "recordPromotionResult",
        {"id": target["id"], "version": 1, "outcome": "CONVERTED", "revenueMinor": 5_000_00, "currency": "USD"},
        "target { outcome version revenue { amountMinor currency } }",
    )
    assert result["target"] == {
        "outcome": "CONVERTED",
        "version": 2,
        "revenue": {"amountMinor": 5_000_00, "currency": "USD"},
    }
    no_currency = await mutate(
        graphql,
        "recordPromotionResult",
        {"id": target["id"], "version": 2, "outcome": "CONVERTED", "revenueMinor": 1},
        "target { id }",
    )
    assert codes(no_currency) == [("currency", "CURRENCY_REQUIRED")]


async def test_promotion_rules(graphql, sample) -> None:
    strategic = sample.account(segment=m.Segment.STRATEGIC)
    small = sample.account(segment=m.Segment.SMB)
    sample.session.commit()
    base = {"name": "P", "offer": "o", "accountIds": [gid(strategic)]}
    backwards = {**base, "startsOn": TODAY.isoformat(), "endsOn": (TODAY - timedelta(days=1)).isoformat()}
    assert codes(await mutate(graphql, "createPromotion", backwards, PROMOTION)) == [("endsOn", "INVALID_PERIOD")]
    not_strategic = {**base, **_period(), "accountIds": [gid(strategic), gid(small)]}
    assert codes(await mutate(graphql, "createPromotion", not_strategic, PROMOTION)) == [
        ("accountIds.1", "NOT_STRATEGIC")
    ]
    none = {**base, **_period(), "accountIds": []}
    assert codes(await mutate(graphql, "createPromotion", none, PROMOTION)) == [("accountIds", "INVALID")]


async def test_promotion_must_not_be_over_and_lists_each_account_once(graphql, sample) -> None:
    strategic = sample.account(segment=m.Segment.STRATEGIC)
    sample.session.commit()
    past = {"startsOn": (TODAY - timedelta(days=30)).isoformat(), "endsOn": (TODAY - timedelta(days=1)).isoformat()}
    over = {"name": "P", "offer": "o", **past, "accountIds": [gid(strategic)]}
    assert codes(await mutate(graphql, "createPromotion", over, PROMOTION)) == [("endsOn", "INVALID_PERIOD")]
    twice = {"name": "P", "offer": "o", **_period(), "accountIds": [gid(strategic), gid(strategic)]}
    assert codes(await mutate(graphql, "createPromotion", twice, PROMOTION)) == [("accountIds", "DUPLICATE")]
