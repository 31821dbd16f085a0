"""The health and alerts API over HTTP, as an admin: alerts(filter), account.alerts, the mutations'
userErrors, measure history and the scorecard configuration. Who may call what: tests/api."""

from __future__ import annotations

from datetime import timedelta

import pytest
from strawberry.relay import GlobalID

from acctgraph.domain.alerts.evaluate import evaluate_alerts
from acctgraph.domain.alerts.settings import AlertSettings
from acctgraph.domain.health.compute import compute_health
from tests.fixtures import TODAY


def gid(type_name: str, pk: int) -> str:
    return str(GlobalID(type_name, str(pk)))


def book_with_alerts(sample):  # type: ignore[no-untyped-def]
    """Two accounts with an overdue invoice each and one with a detractor: three open alerts."""
    owner = sample.user()
    late = sample.account(owner_id=owner.id, name="Late Payer")
    other = sample.account(name="Other")
    sample.invoice(late, due_date=TODAY - timedelta(days=45))
    sample.invoice(other, due_date=TODAY - timedelta(days=60))
    sample.nps(late, 3)
    sample.session.commit()
    notices = evaluate_alerts(sample.session, AlertSettings(), TODAY)
    return owner, late, other, notices


ALERTS = """
query($filter: AlertFilter) {
  alerts(first: 10, filter: $filter) { totalCount nodes { rule status title account { name } owner { email } } }
}"""


async def test_alerts_connection_filters_by_rule_owner_and_status(sample, graphql):
    owner, _late, _, _ = book_with_alerts(sample)
    everything = await graphql.data(ALERTS)
    assert everything["alerts"]["totalCount"] == 3
    overdue = await graphql.data(
        ALERTS, {"filter": {"rules": ["invoice_overdue"], "ownerIds": [gid("User", owner.id)]}}
    )
    assert overdue["alerts"]["nodes"] == [
        {
            "rule": "invoice_overdue",
            "status": "OPEN",
            "title": overdue["alerts"]["nodes"][0]["title"],
            "account": {"name": "Late Payer"},
            "owner": {"email": owner.email},
        }
    ]
    assert (await graphql.data(ALERTS, {"filter": {"statuses": ["RESOLVED"]}}))["alerts"]["totalCount"] == 0


ACCOUNT_ALERTS = """
query($id: ID!, $statuses: [AlertStatus!]) {
  node(id: $id) { ... on Account { alerts(first: 5, statuses: $statuses) { totalCount nodes { rule evidence } } } }
}"""

RESOLVE = """
mutation($input: ResolveAlertInput!) {
  resolveAlert(input: $input) { alert { status resolutionNote resolvedBy { role } } userErrors { field message code } }
}"""

ACKNOWLEDGE = """
mutation($id: ID!) { acknowledgeAlert(input: {id: $id}) { alert { status } userErrors { field message code } } }
"""


async def test_account_alerts_and_the_resolve_and_acknowledge_mutations(sample, graphql):
    _, late, _, notices = book_with_alerts(sample)
    listed = await graphql.data(ACCOUNT_ALERTS, {"id": gid("Account", late.id)})
    assert sorted(node["rule"] for node in listed["node"]["alerts"]["nodes"]) == ["invoice_overdue", "nps_detractor"]
    invoice_alert = next(n for n in notices if n.account_id == late.id and n.rule == "invoice_overdue")

    acknowledged = await graphql.data(ACKNOWLEDGE, {"id": gid("Alert", invoice_alert.id)})
    assert acknowledged["acknowledgeAlert"] == {"alert": {"status": "ACKNOWLEDGED"}, "userErrors": []}

    resolved = await graphql.data(RESOLVE, {"input": {"id": gid("Alert", invoice_alert.id), "note": "paid by wire"}})
    assert resolved["resolveAlert"] == {
        "alert": {"status": "RESOLVED", "resolutionNote": "paid by wire", "resolvedBy": {"role": "ADMIN"}},
        "userErrors": [],
    }
    variables = {"id": gid("Account", late.id), "statuses": ["OPEN", "ACKNOWLEDGED"]}
    still_open = await graphql.data(ACCOUNT_ALERTS, variables)
    assert [node["rule"] for node in still_open["node"]["alerts"]["nodes"]] == ["nps_detractor"]


@pytest.mark.parametrize(
    ("alert_id", "code", "message"),
    [
        ("resolved", "ILLEGAL_TRANSITION", "already resolved"),
        (gid("Alert", 999999), "NOT_FOUND", "no Alert with this id"),
        (gid("Account", 1), "INVALID_ID", "give the id of a Alert, not of a Account"),
    ],
)
async def test_resolving_what_cannot_be_resolved_returns_user_errors(sample, graphql, alert_id, code, message):
    _, _, _, notices = book_with_alerts(sample)
    if alert_id == "resolved":
        alert_id = gid("Alert", notices[0].id)
        await graphql.data(RESOLVE, {"input": {"id": alert_id}})
    payload = (await graphql.data(RESOLVE, {"input": {"id": alert_id}}))["resolveAlert"]
    assert payload["alert"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("id", code)]
    assert message in payload["userErrors"][0]["message"]


async def test_health_measure_history_and_the_snapshot_the_account_serves(sample, graphql, scorecard, catalogue):
    account = sample.account()
    sample.nps(account, 4)
    sample.session.commit()
    compute_health(sample.session, scorecard({"nps_latest": 1, "billing": 1}), catalogue, TODAY)
    data = await graphql.data(
        """query($id: ID!) {
             healthMeasureHistory(accountId: $id, measures: ["nps_latest"]) { day measure rawValue score weight }
             node(id: $id) { ... on Account { health { score band missing measures { key rawValue score weight } } } }
           }""",
        {"id": gid("Account", account.id)},
    )
    assert data["healthMeasureHistory"] == [
        {"day": TODAY.isoformat(), "measure": "nps_latest", "rawValue": 4.0, "score": 27, "weight": 0.5}
    ]
    # nps 27 and billing 100 at half weight each: 63.5 -> 64, yellow
    assert data["node"]["health"] == {
        "score": 64,
        "band": "YELLOW",
        "missing": [],
        "measures": [
            {"key": "nps_latest", "rawValue": 4.0, "score": 27.0, "weight": 0.5},
            {"key": "billing", "rawValue": 0.0, "score": 100.0, "weight": 0.5},
        ],
    }


async def test_the_scorecard_configuration_in_force_is_readable(graphql):
    configuration = (await graphql.data("{ healthConfiguration }"))["healthConfiguration"]
    assert {"default", "smb", "strategic"} <= set(configuration["scorecards"])
    assert configuration["scorecards"]["strategic"]["bands"] == {"green": 80, "yellow": 60}
    assert configuration["alerts"]["renewal_window_days"] == 90
