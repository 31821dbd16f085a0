"""The API's view of what syncs could not write: rejected records with payload, reason and run, and
quarantined records with what they wait for. Admins only, in bounded statements whatever the page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from acctgraph import models as m
from acctgraph.models import SyncRun
from tests.conftest import GraphQLClient

REJECTED = """
query($first: Int, $filter: TriageFilter) {
  rejectedRecords(first: $first, filter: $filter) {
    totalCount
    nodes { id stream recordKey reason payload connection { name } run { status } }
  }
}
"""
QUARANTINED = """
query($filter: TriageFilter) {
  quarantinedRecords(first: 10, filter: $filter) {
    nodes { stream entity recordKey waitingFor reason payload connection { name } }
  }
}
"""


def add_bad_contacts(csv_dir: Path, count: int) -> None:
    with (csv_dir / "contacts.csv").open("a") as handle:
        handle.writelines(f"C-bad{n},A1,,bad{n}@account1.example\n" for n in range(count))


async def test_rejected_records_show_payload_reason_and_run(
    graphql: GraphQLClient, sheet: Callable[..., SyncRun], csv_dir: Path
) -> None:
    add_bad_contacts(csv_dir, 5)
    sheet()
    two = await graphql.data(REJECTED, {"first": 2})
    statements_for_two = len(graphql.statements)
    data = await graphql.data(REJECTED, {"first": 10, "filter": {"stream": "contacts"}})
    assert len(graphql.statements) == statements_for_two, "the page size does not change the statement count"
    assert two["rejectedRecords"]["totalCount"] == data["rejectedRecords"]["totalCount"] == 6
    newest = data["rejectedRecords"]["nodes"][0]
    assert newest["recordKey"] == "C-bad4" and newest["stream"] == "contacts"
    assert newest["reason"] == "row 28: column 'name': Field required"
    assert newest["payload"]["email"] == "bad4@account1.example"
    assert newest["connection"] == {"name": "sheet"} and newest["run"] == {"status": "SUCCEEDED"}
    none = await graphql.data(REJECTED, {"first": 10, "filter": {"stream": "accounts"}})
    assert none["rejectedRecords"]["totalCount"] == 0


async def test_quarantined_records_show_what_they_wait_for(
    graphql: GraphQLClient, sheet: Callable[..., SyncRun]
) -> None:
    sheet()
    [waiting] = (await graphql.data(QUARANTINED, {"filter": {"stream": "contacts"}}))["quarantinedRecords"]["nodes"]
    assert waiting["entity"] == "contact" and waiting["recordKey"] == "C-orphan" and waiting["waitingFor"] == "Z1"
    assert "acctgraph identities map sheet Z1 ACCOUNT_ID" in waiting["reason"]
    assert waiting["payload"]["account_external_id"] == "Z1"


async def test_only_admins_see_what_syncs_could_not_write(
    graphql: GraphQLClient, sheet: Callable[..., SyncRun]
) -> None:
    sheet()
    rejected_id = (await graphql.data(REJECTED, {"first": 1}))["rejectedRecords"]["nodes"][0]["id"]
    manager = graphql.acting_as(role=m.Role.MANAGER)
    for query in (REJECTED, QUARANTINED):
        result = await manager.execute(query, {"first": 1} if query is REJECTED else {})
        assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    by_id = await manager.execute("query($id: ID!) { node(id: $id) { id } }", {"id": rejected_id})
    assert by_id["errors"][0]["extensions"]["code"] == "FORBIDDEN", "nor through node(id)"
    assert (await graphql.data("query($id: ID!) { node(id: $id) { id } }", {"id": rejected_id}))["node"] == {
        "id": rejected_id
    }
