"""The health and alerts API: alerts(filter), account.alerts, the mutations' userErrors, measure history,
and the scorecard configuration."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from strawberry.relay import GlobalID

from acctgraph.db import async_session_factory, create_async_db_engine
from acctgraph.domain.alerts.evaluate import evaluate_alerts
from acctgraph.domain.alerts.settings import AlertSettings
from acctgraph.domain.health.compute import compute_health
from acctgraph.graphql.context import Database, RequestContext
from acctgraph.graphql.schema import build_schema
from acctgraph.settings import Settings
from tests.fixtures import TODAY


class Api:
    """Executes GraphQL operations against the test database, failing on GraphQL errors."""

    def __init__(self, db_url: str) -> None:
        self.settings = Settings(database_url=db_url, _env_file=None)
        self.schema = build_schema(self.settings)
        self.engine = create_async_db_engine(db_url)
        self.sessions = async_session_factory(self.engine)

    async def __call__(self, query: str, **variables: Any) -> dict[str, Any]:
        async with self.sessions() as session:
            context = RequestContext(db=Database(session), settings=self.settings)
            result = await self.schema.execute(query, variable_values=variables, context_value=context)
        assert result.errors is None, result.errors
        return result.data


@pytest.fixture
async def run(db_url: str) -> AsyncIterator[Api]:
    api = Api(db_url)
    yield api
    await api.engine.dispose()


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


async def test_alerts_connection_filters_by_rule_owner_and_status(sample, run):
    owner, late, _, _ = book_with_alerts(sample)
    everything = await run(ALERTS)
    assert everything["alerts"]["totalCount"] == 3
    overdue = await run(ALERTS, filter={"rules": ["invoice_overdue"], "ownerIds": [gid("User", owner.id)]})
    assert overdue["alerts"]["nodes"] == [
        {
            "rule": "invoice_overdue",
            "status": "OPEN",
            "title": overdue["alerts"]["nodes"][0]["title"],
            "account": {"name": "Late Payer"},
            "owner": {"email": owner.email},
        }
    ]
    assert (await run(ALERTS, filter={"statuses": ["RESOLVED"]}))["alerts"]["totalCount"] == 0


ACCOUNT_ALERTS = """
query($id: ID!, $statuses: [AlertStatus!]) {
  node(id: $id) { ... on Account { alerts(first: 5, statuses: $statuses) { totalCount nodes { rule evidence } } } }
}"""

RESOLVE = """
mutation($input: ResolveAlertInput!) {
  resolveAlert(input: $input) {
    alert { status resolutionNote resolvedBy { email } } userErrors { field message code } clientMutationId
  }
}"""

ACKNOWLEDGE = """
mutation($id: ID!) { acknowledgeAlert(input: {id: $id}) { alert { status } userErrors { field message code } } }
"""


async def test_account_alerts_and_the_resolve_and_acknowledge_mutations(sample, run):
    owner, late, _, notices = book_with_alerts(sample)
    listed = await run(ACCOUNT_ALERTS, id=gid("Account", late.id))
    assert sorted(node["rule"] for node in listed["node"]["alerts"]["nodes"]) == ["invoice_overdue", "nps_detractor"]
    invoice_alert = next(n for n in notices if n.account_id == late.id and n.rule == "invoice_overdue")

    acknowledged = await run(ACKNOWLEDGE, id=gid("Alert", invoice_alert.id))
    assert acknowledged["acknowledgeAlert"] == {"alert": {"status": "ACKNOWLEDGED"}, "userErrors": []}

    resolved = await run(
        RESOLVE,
        input={
            "id": gid("Alert", invoice_alert.id),
            "note": "paid by wire",
            "resolvedById": gid("User", owner.id),
            "clientMutationId": "r1",
        },
    )
    assert resolved["resolveAlert"] == {
        "alert": {"status": "RESOLVED", "resolutionNote": "paid by wire", "resolvedBy": {"email": owner.email}},
        "userErrors": [],
        "clientMutationId": "r1",
    }
    still_open = await run(ACCOUNT_ALERTS, id=gid("Account", late.id), statuses=["OPEN", "ACKNOWLEDGED"])
    assert [node["rule"] for node in still_open["node"]["alerts"]["nodes"]] == ["nps_detractor"]


@pytest.mark.parametrize(
    ("alert_id", "code", "message"),
    [
        ("resolved", "INVALID_STATE", "is already resolved"),
        (gid("Alert", 999999), "NOT_FOUND", "no alert with id 999999"),
        (gid("Account", 1), "INVALID_ID", "not of a Alert"),
    ],
)
async def test_resolving_what_cannot_be_resolved_returns_user_errors(sample, run, alert_id, code, message):
    _, _, _, notices = book_with_alerts(sample)
    if alert_id == "resolved":
        alert_id = gid("Alert", notices[0].id)
        await run(RESOLVE, input={"id": alert_id})
    payload = (await run(RESOLVE, input={"id": alert_id}))["resolveAlert"]
    assert payload["alert"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["input", "id"], code)]
    assert message in payload["userErrors"][0]["message"]


async def test_health_measure_history_and_the_snapshot_the_account_serves(sample, run, scorecard, catalogue):
    account = sample.account()
    sample.nps(account, 4)
    sample.session.commit()
    compute_health(sample.session, scorecard({"nps_latest": 1, "billing": 1}), catalogue, TODAY)
    data = await run(
        """query($id: ID!) {
             healthMeasureHistory(accountId: $id, measures: ["nps_latest"]) { day measure rawValue score weight }
             node(id: $id) { ... on Account { health { score band missing measures { key rawValue score weight } } } }
           }""",
        id=gid("Account", account.id),
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


UPDATE_CONFIGURATION = """
mutation($document: JSON!) {
  updateHealthConfiguration(input: {document: $document}) { document userErrors { field message code } }
}"""


async def test_scorecard_configuration_is_read_validated_and_replaced(run, tmp_path):
    shipped = (await run("{ healthConfiguration }"))["healthConfiguration"]
    assert {"default", "smb", "strategic"} <= set(shipped["scorecards"])

    not_configured = (await run(UPDATE_CONFIGURATION, document=shipped))["updateHealthConfiguration"]
    assert [e["code"] for e in not_configured["userErrors"]] == ["NOT_CONFIGURED"]

    path = tmp_path / "health.json"
    run.settings = run.settings.model_copy(update={"scorecard_file": path})
    broken = {
        "scorecards": {"default": {"measures": [{"key": "billing", "weight": -1, "points": [{"raw": 0, "score": 1}]}]}}
    }
    rejected = (await run(UPDATE_CONFIGURATION, document=broken))["updateHealthConfiguration"]
    assert rejected["document"] is None
    assert [(e["field"], e["code"]) for e in rejected["userErrors"]] == [
        (["input", "document", "scorecards", "default", "measures", "0", "weight"], "INVALID_SCORECARD")
    ]
    assert not path.exists()

    smaller = {"scorecards": {"default": shipped["scorecards"]["smb"]}, "alerts": {"score_drop_points": 20}}
    accepted = (await run(UPDATE_CONFIGURATION, document=smaller))["updateHealthConfiguration"]
    assert accepted["userErrors"] == []
    assert (await run("{ healthConfiguration }"))["healthConfiguration"]["alerts"]["score_drop_points"] == 20
    assert set(accepted["document"]["scorecards"]) == {"default"}
