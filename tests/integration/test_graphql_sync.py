"""The API's view of connections and sync runs: counts per stream, newest first, never a secret."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine

from acctgraph.models import SyncRun
from tests.conftest import GraphQLClient

RUNS = """
query($filter: SyncRunFilter) {
  syncRuns(first: 10, filter: $filter) {
    totalCount
    nodes { status fullRefresh error connection { name connector } streams { stream read created unchanged rejected quarantined } }
  }
}
"""
CONNECTIONS = """{ connections(first: 10) { totalCount nodes {
    id name connector fullRefreshDays syncRuns(first: 1) { totalCount nodes { status } } } } }"""


async def test_sync_runs_show_per_stream_counts_newest_first(
    graphql: GraphQLClient, sheet: Callable[..., SyncRun], engine: Engine
) -> None:
    sheet()
    sheet(streams=["accounts"])
    data = await graphql.data(RUNS)
    runs = data["syncRuns"]["nodes"]
    assert data["syncRuns"]["totalCount"] == 2
    assert [[s["stream"] for s in run["streams"]] for run in runs] == [
        ["accounts"],
        ["accounts", "contacts", "usage_metrics"],
    ]
    assert runs[0]["streams"][0] == {
        "stream": "accounts",
        "read": 20,
        "created": 0,
        "unchanged": 20,
        "rejected": 0,
        "quarantined": 0,
    }
    assert runs[1]["streams"][1]["rejected"] == 1 and runs[1]["streams"][1]["quarantined"] == 1
    assert runs[1]["connection"] == {"name": "sheet", "connector": "csv"}
    assert runs[0]["status"] == "SUCCEEDED"


async def test_connections_list_with_their_latest_run_and_no_configuration(
    graphql: GraphQLClient, sheet: Callable[..., SyncRun]
) -> None:
    sheet()
    result = await graphql.execute(CONNECTIONS)
    assert result["data"]["connections"]["totalCount"] == 1
    [connection] = result["data"]["connections"]["nodes"]
    assert connection["name"] == "sheet" and connection["fullRefreshDays"] == 7
    assert connection["syncRuns"] == {"totalCount": 1, "nodes": [{"status": "SUCCEEDED"}]}
    by_connection = await graphql.data(RUNS, {"filter": {"connectionId": connection["id"]}})
    assert by_connection["syncRuns"]["totalCount"] == 1
    failed_only = await graphql.data(RUNS, {"filter": {"statuses": ["FAILED"]}})
    assert failed_only["syncRuns"]["totalCount"] == 0
    config_query = await graphql.execute("{ connections { nodes { config } } }")
    assert "Cannot query field 'config'" in config_query["errors"][0]["message"]
