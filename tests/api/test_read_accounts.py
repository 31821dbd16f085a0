"""The accounts list's filters and orders, and what an account shows."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

from acctgraph import models as m
from tests.conftest import GraphQLClient
from tests.fixtures import TODAY, SampleData

NAMES = "query($filter: AccountFilter, $order: AccountOrder) { accounts(first: 100, filter: $filter, orderBy: $order) { totalCount nodes { name } } }"


def gid(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


async def names(graphql: GraphQLClient, filter: dict | None = None, order: dict | None = None) -> list[str]:
    data = await graphql.data(NAMES, {"filter": filter, "order": order})
    assert data["accounts"]["totalCount"] == len(data["accounts"]["nodes"])
    return [node["name"] for node in data["accounts"]["nodes"]]


async def test_search_matches_name_or_any_domain_in_any_case(graphql: GraphQLClient, sample: SampleData) -> None:
    globex = sample.account(name="Globex Corporation", domain="globex.example")
    sample.account(name="Initech", domain="initech.example")
    sample.session.add(m.AccountDomain(account_id=globex.id, domain="hooli-acquired.example"))
    sample.session.commit()

    assert await names(graphql, {"search": "GLOBEX"}) == ["Globex Corporation"]
    assert await names(graphql, {"search": "hooli"}) == ["Globex Corporation"]
    assert await names(graphql, {"search": "initech.EX"}) == ["Initech"]
    assert await names(graphql, {"search": "100%_"}) == []


async def test_filters_by_segment_owner_stage_and_parent(graphql: GraphQLClient, sample: SampleData) -> None:
    olivia, omar = sample.user(), sample.user()
    group = sample.account(name="Group", segment=m.Segment.STRATEGIC, owner_id=olivia.id)
    sample.account(name="Subsidiary", segment=m.Segment.SMB, owner_id=omar.id, parent_id=group.id)
    sample.account(name="Lost", segment=m.Segment.SMB, lifecycle_stage=m.LifecycleStage.CHURNED)
    sample.session.commit()

    assert await names(graphql, {"segments": ["SMB"]}) == ["Lost", "Subsidiary"]
    assert await names(graphql, {"ownerIds": [gid("User", omar.id), gid("User", olivia.id)]}) == ["Group", "Subsidiary"]
    assert await names(graphql, {"lifecycleStages": ["CHURNED"]}) == ["Lost"]
    assert await names(graphql, {"parentId": gid("Account", group.id)}) == ["Subsidiary"]
    assert await names(graphql, {"segments": ["SMB"], "parentId": gid("Account", group.id)}) == ["Subsidiary"]


async def test_health_band_filter_uses_the_latest_snapshot(graphql: GraphQLClient, sample: SampleData) -> None:
    recovered = sample.account(name="Recovered")
    sample.health(recovered, score=30, band=m.HealthBand.RED, day=TODAY - timedelta(days=1))
    sample.health(recovered, score=80, band=m.HealthBand.GREEN)
    sinking = sample.account(name="Sinking")
    sample.health(sinking, score=35, band=m.HealthBand.RED)
    sample.account(name="Unscored")
    sample.session.commit()

    assert await names(graphql, {"healthBands": ["RED"]}) == ["Sinking"]
    assert await names(graphql, {"healthBands": ["GREEN", "YELLOW"]}) == ["Recovered"]


async def test_renewal_window_counts_only_active_contracts(graphql: GraphQLClient, sample: SampleData) -> None:
    soon = sample.account(name="Soon")
    sample.contract(soon, end_date=TODAY + timedelta(days=30))
    later = sample.account(name="Later")
    sample.contract(later, end_date=TODAY + timedelta(days=200))
    cancelled = sample.account(name="Cancelled")
    sample.contract(cancelled, end_date=TODAY + timedelta(days=10), status=m.ContractStatus.CANCELLED)
    sample.session.commit()

    assert await names(graphql, {"renewalWithinDays": 30}) == ["Soon"]
    assert await names(graphql, {"renewalWithinDays": 365}) == ["Later", "Soon"]


async def test_min_arr_converts_other_currencies(graphql: GraphQLClient, sample: SampleData) -> None:
    sample.exchange_rate("EUR", "1.10")
    euro = sample.account(name="Euro")
    sample.contract(euro, mrr_minor=1000_00, currency="EUR")  # 1,000 EUR/month = 1,100 USD = 13,200 USD ARR
    dollar = sample.account(name="Dollar")
    sample.contract(dollar, mrr_minor=1050_00)  # 12,600 USD ARR
    sample.account(name="Nothing")
    sample.session.commit()

    assert await names(graphql, {"minArr": 13_000_00}) == ["Euro"]
    assert await names(graphql, {"minArr": 12_600_00}) == ["Dollar", "Euro"]
    assert await names(graphql, {"minArr": 0}) == ["Dollar", "Euro", "Nothing"]


async def test_orders_put_accounts_without_health_or_renewal_last(graphql: GraphQLClient, sample: SampleData) -> None:
    for name, score, renews_in in (("A", 70, 90), ("B", None, None), ("C", 20, 10), ("D", 90, None)):
        account = sample.account(name=name)
        if score is not None:
            sample.health(account, score=score, band=m.HealthBand.GREEN if score > 60 else m.HealthBand.RED)
        if renews_in is not None:
            sample.contract(account, end_date=TODAY + timedelta(days=renews_in))
    sample.session.commit()

    assert await names(graphql, order={"field": "HEALTH_SCORE", "direction": "ASC"}) == ["C", "A", "D", "B"]
    assert await names(graphql, order={"field": "HEALTH_SCORE", "direction": "DESC"}) == ["D", "A", "C", "B"]
    assert await names(graphql, order={"field": "RENEWAL_DATE", "direction": "ASC"}) == ["C", "A", "B", "D"]
    assert await names(graphql, order={"field": "RENEWAL_DATE", "direction": "DESC"}) == [
        "A",
        "C",
        "D",
        "B",
    ]  # ties (no renewal) break on id, in the same direction


async def test_order_by_arr_and_updated_at(graphql: GraphQLClient, sample: SampleData) -> None:
    for name, mrr, updated_days_ago in (("Small", 10_00, 1), ("Large", 900_00, 3), ("Mid", 50_00, 2)):
        account = sample.account(name=name, updated_at=datetime.now(UTC) - timedelta(days=updated_days_ago))
        sample.contract(account, mrr_minor=mrr)
    sample.session.commit()

    assert await names(graphql, order={"field": "ARR", "direction": "DESC"}) == ["Large", "Mid", "Small"]
    assert await names(graphql, order={"field": "UPDATED_AT", "direction": "ASC"}) == ["Large", "Mid", "Small"]


async def test_records_deleted_upstream_are_hidden(graphql: GraphQLClient, sample: SampleData) -> None:
    kept = sample.account(name="Kept")
    sample.contact(kept, name="Current")
    sample.contact(kept, name="Left", deleted_at=datetime.now(UTC))
    sample.account(name="Gone", deleted_at=datetime.now(UTC))
    sample.session.commit()

    data = await graphql.data("{ accounts { totalCount nodes { name contacts { totalCount nodes { name } } } } }")

    assert data["accounts"] == {
        "totalCount": 1,
        "nodes": [{"name": "Kept", "contacts": {"totalCount": 1, "nodes": [{"name": "Current"}]}}],
    }


ACCOUNT = """
query($id: ID!) {
  account(id: $id) {
    name domain domains segment lifecycleStage isStrategic
    mrr { amountMinor currency formatted } arr { amountMinor }
    owner { name manager { name } }
    parent { name } children { totalCount nodes { name } }
    nextRenewal { number endDate }
    contracts { totalCount nodes { number currency mrr { amountMinor currency } lines { quantity unitPrice { amountMinor } product { sku } } } }
    activities(first: 2) { totalCount nodes { subject kind } }
    qbrs: activities(kinds: [QBR]) { nodes { subject } }
    health { score band day }
    healthHistory(from: "$SINCE") { score }
    usage(metric: "active_users") { day value }
    externalRefs { source objectType externalId }
  }
}
"""


async def test_an_account_shows_revenue_people_renewal_activity_and_signals(
    graphql: GraphQLClient, sample: SampleData, api_settings
) -> None:
    lead = sample.user(name="Lead", role=m.Role.MANAGER)
    owner = sample.user(name="Owner", manager_id=lead.id)
    group = sample.account(name="Group")
    account = sample.account(name="Acme", domain="acme.example", owner_id=owner.id, parent_id=group.id)
    sample.session.add(m.AccountDomain(account_id=account.id, domain="acme-eu.example"))
    sample.account(name="Acme Labs", parent_id=account.id)
    seats = sample.product(sku="SEAT")
    sample.contract(
        account,
        number="C-EUR",
        mrr_minor=20_000_00,
        product=seats,
        currency="EUR",
        end_date=TODAY + timedelta(days=400),
    )
    sample.contract(account, number="C-USD", mrr_minor=40_000_00, end_date=TODAY + timedelta(days=45))
    sample.exchange_rate("EUR", "1.25")
    now = datetime.now(UTC)
    for days_ago, kind in ((1, m.ActivityKind.CALL), (5, m.ActivityKind.QBR), (9, m.ActivityKind.EMAIL)):
        sample.activity(
            account, kind=kind, subject=f"{kind.value} {days_ago}d", occurred_at=now - timedelta(days=days_ago)
        )
    sample.health(account, score=40, band=m.HealthBand.RED, day=TODAY - timedelta(days=1))
    sample.health(account, score=72, band=m.HealthBand.GREEN)
    sample.usage(account, "active_users", TODAY - timedelta(days=2), 41)
    sample.usage(account, "active_users", TODAY - timedelta(days=1), 43)
    sample.usage(account, "api_calls", TODAY - timedelta(days=1), 9000)
    sample.session.add(
        m.ExternalRef(source="hubspot", object_type="account", external_id="123", internal_id=account.id)
    )
    sample.session.commit()

    query = ACCOUNT.replace("$SINCE", (TODAY - timedelta(days=30)).isoformat())
    data = (await graphql.data(query, {"id": gid("Account", account.id)}))["account"]

    # MRR: 40,000.00 USD + 20,000.00 EUR x 1.25 = 65,000.00 USD; ARR = 12 x 65,000.00 = 780,000.00 USD.
    assert data["mrr"] == {"amountMinor": 65_000_00, "currency": "USD", "formatted": "65,000.00 USD"}
    assert data["arr"] == {"amountMinor": 780_000_00}
    assert data["isStrategic"] is (api_settings.strategic_mrr_threshold_minor <= 65_000_00)
    assert data["domain"] == "acme.example"
    assert data["domains"] == ["acme.example", "acme-eu.example"]
    assert data["owner"] == {"name": "Owner", "manager": {"name": "Lead"}}
    assert data["parent"] == {"name": "Group"}
    assert data["children"] == {"totalCount": 1, "nodes": [{"name": "Acme Labs"}]}
    assert data["nextRenewal"] == {"number": "C-USD", "endDate": (TODAY + timedelta(days=45)).isoformat()}
    eur = next(node for node in data["contracts"]["nodes"] if node["number"] == "C-EUR")
    assert eur["mrr"] == {"amountMinor": 20_000_00, "currency": "EUR"}
    assert eur["lines"] == [{"quantity": 1, "unitPrice": {"amountMinor": 20_000_00}, "product": {"sku": "SEAT"}}]
    assert data["activities"] == {
        "totalCount": 3,
        "nodes": [{"subject": "call 1d", "kind": "CALL"}, {"subject": "qbr 5d", "kind": "QBR"}],
    }
    assert data["qbrs"] == {"nodes": [{"subject": "qbr 5d"}]}
    assert data["health"] == {"score": 72, "band": "GREEN", "day": TODAY.isoformat()}
    assert data["healthHistory"] == [{"score": 40}, {"score": 72}]
    assert [point["value"] for point in data["usage"]] == [41, 43]
    assert data["externalRefs"] == [{"source": "hubspot", "objectType": "account", "externalId": "123"}]


async def test_health_is_null_until_computed(graphql: GraphQLClient, sample: SampleData) -> None:
    account = sample.account()
    sample.session.commit()

    data = await graphql.data(
        "query($id: ID!) { account(id: $id) { health { score } healthHistory { score } } }",
        {"id": gid("Account", account.id)},
    )

    assert data["account"] == {"health": None, "healthHistory": []}


async def test_users_show_their_manager_reports_and_book(graphql: GraphQLClient, sample: SampleData) -> None:
    head = sample.user(name="Head", role=m.Role.MANAGER)
    ann = sample.user(name="Ann", manager_id=head.id)
    sample.user(name="Bob", manager_id=head.id, active=False)
    sample.account(name="Zeta", owner_id=ann.id)
    sample.account(name="Alpha", owner_id=ann.id)
    sample.session.commit()

    head_data = await graphql.data(
        "query($id: ID!) { user(id: $id) { name role reports { totalCount nodes { name } } } }",
        {"id": gid("User", head.id)},
    )
    ann_data = await graphql.data(
        "query($id: ID!) { user(id: $id) { manager { name } accounts { totalCount nodes { name } } } }",
        {"id": gid("User", ann.id)},
    )
    managers = await graphql.data("{ users(filter: {roles: [MANAGER]}) { nodes { name } } }")
    inactive = await graphql.data("{ users(filter: {active: false}) { nodes { name } } }")

    assert head_data["user"] == {
        "name": "Head",
        "role": "MANAGER",
        "reports": {"totalCount": 2, "nodes": [{"name": "Ann"}, {"name": "Bob"}]},
    }
    assert ann_data["user"] == {
        "manager": {"name": "Head"},
        "accounts": {"totalCount": 2, "nodes": [{"name": "Alpha"}, {"name": "Zeta"}]},
    }
    assert managers["users"]["nodes"] == [{"name": "Head"}]
    assert inactive["users"]["nodes"] == [{"name": "Bob"}]


async def test_node_and_nodes_fetch_any_object_by_global_id(graphql: GraphQLClient, sample: SampleData) -> None:
    user = sample.user(name="Uma")
    account = sample.account(name="Acme")
    sample.session.commit()
    query = """query($ids: [ID!]!, $id: ID!) {
      node(id: $id) { id ... on Account { name } }
      nodes(ids: $ids) { id ... on User { name } ... on Account { name } }
    }"""

    data = await graphql.data(
        query,
        {
            "id": gid("Account", account.id),
            "ids": [gid("User", user.id), gid("Account", 999999), gid("Account", account.id)],
        },
    )

    assert data["node"] == {"id": gid("Account", account.id), "name": "Acme"}
    assert data["nodes"] == [
        {"id": gid("User", user.id), "name": "Uma"},
        None,
        {"id": gid("Account", account.id), "name": "Acme"},
    ]
