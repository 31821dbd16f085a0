"""promotions(filter): newest first, by month, day, brand and name, each with its targets grouped by brand."""

from __future__ import annotations

from datetime import date

from acctgraph import models as m
from tests.api.mutation_cases import gid
from tests.conftest import GraphQLClient
from tests.fixtures import SampleData

LIST = """
query ($filter: PromotionFilter, $first: Int) { promotions(filter: $filter, first: $first) {
  totalCount
  nodes { name startsOn brands { brand { name } targets { account { name } outcome } } }
} }
"""


def promotion(sample: SampleData, name: str, starts_on: date, ends_on: date, accounts: list[m.Account]) -> None:
    row = sample._add(m.Promotion(name=name, offer="Free onboarding", starts_on=starts_on, ends_on=ends_on))
    for account in accounts:
        sample._add(
            m.PromotionTarget(
                promotion_id=row.id, account_id=account.id, promotion_key=name.lower(), month=starts_on.replace(day=1)
            )
        )


def _brand_book(sample: SampleData) -> dict[str, m.Account]:
    acme = sample.account(name="Acme Group")
    accounts = {
        "acme": acme,
        "acme_eu": sample.account(name="Acme EU", parent_id=acme.id),
        "acme_us": sample.account(name="Acme US", parent_id=acme.id),
        "solo": sample.account(name="Solo Ltd"),
    }
    promotion(
        sample,
        "July upgrade",
        date(2026, 7, 1),
        date(2026, 7, 31),
        [accounts["acme_eu"], accounts["acme_us"], accounts["solo"]],
    )
    promotion(sample, "August seats", date(2026, 8, 3), date(2026, 8, 20), [accounts["solo"]])
    promotion(sample, "July upgrade", date(2026, 8, 1), date(2026, 8, 31), [accounts["acme"]])
    sample.session.commit()
    return accounts


async def test_promotions_newest_first_with_targets_grouped_by_brand(
    graphql: GraphQLClient, sample: SampleData
) -> None:
    _brand_book(sample)
    listed = (await graphql.data(LIST))["promotions"]
    assert [(p["name"], p["startsOn"]) for p in listed["nodes"]] == [
        ("August seats", "2026-08-03"),
        ("July upgrade", "2026-08-01"),
        ("July upgrade", "2026-07-01"),
    ]
    july = listed["nodes"][2]
    assert [
        (group["brand"]["name"], sorted(t["account"]["name"] for t in group["targets"])) for group in july["brands"]
    ] == [("Acme Group", ["Acme EU", "Acme US"]), ("Solo Ltd", ["Solo Ltd"])]


async def test_promotion_filters(graphql: GraphQLClient, sample: SampleData) -> None:
    accounts = _brand_book(sample)

    async def names(filter: dict[str, object]) -> list[tuple[str, str]]:
        nodes = (await graphql.data(LIST, {"filter": filter}))["promotions"]["nodes"]
        return [(node["name"], node["startsOn"]) for node in nodes]

    assert await names({"month": "2026-07"}) == [("July upgrade", "2026-07-01")]
    assert await names({"activeOn": "2026-08-10"}) == [("August seats", "2026-08-03"), ("July upgrade", "2026-08-01")]
    assert await names({"brandId": gid(accounts["acme"])}) == [
        ("July upgrade", "2026-08-01"),
        ("July upgrade", "2026-07-01"),
    ]
    assert await names({"brandId": gid(accounts["solo"]), "name": " JULY upgrade"}) == [("July upgrade", "2026-07-01")]
    bad = await graphql.execute(LIST, {"filter": {"month": "July"}})
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
