"""Prometheus metrics at /metrics: requests and latency by operation, SQL statements per request (against
an independent count), sync rows, sync lag and queue depth from the database, and the request id header."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import event

from acctgraph import models as m
from acctgraph.integration.plugins import create_plugin_manager
from acctgraph.models.base import utcnow
from tests.observability.conftest import Served

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


async def scrape(served: Served) -> Samples:
    response = await served.http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def grew(before: Samples, after: Samples, name: str, **labels: str) -> float:
    key = (name, tuple(sorted(labels.items())))
    return after.get(key, 0) - before.get(key, 0)


async def test_a_query_is_counted_by_operation_with_its_latency_and_sql_statements(served: Served, sample) -> None:
    for _ in range(3):
        sample.account()
    sample.session.commit()
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    before = await scrape(served)
    engines = [served.app.state.engine.sync_engine]
    if served.app.state.inline_engine is not None:  # SQLite's single-statement reads
        engines.append(served.app.state.inline_engine)
    for engine in engines:
        event.listen(engine, "before_cursor_execute", count)
    try:
        result = await served.query("query Book { accounts { totalCount nodes { name owner { name } } } }")
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", count)
    after = await scrape(served)

    assert result.json()["data"]["accounts"]["totalCount"] == 3
    assert grew(before, after, "acctgraph_requests_total", operation="query Book", status="200") == 1
    assert grew(before, after, "acctgraph_request_duration_seconds_count", operation="query Book") == 1
    assert grew(before, after, "acctgraph_request_duration_seconds_sum", operation="query Book") > 0
    assert grew(before, after, "acctgraph_request_sql_statements_sum", operation="query Book") == len(statements)
    assert len(statements) >= 2


async def test_unauthenticated_and_unknown_paths_are_labelled_by_route(served: Served) -> None:
    before = await scrape(served)
    await served.http.post("/graphql", json={"query": "{ me { role } }"})
    await served.http.get("/wp-admin/setup.php")
    after = await scrape(served)

    assert grew(before, after, "acctgraph_requests_total", operation="/graphql", status="401") == 1
    assert grew(before, after, "acctgraph_requests_total", operation="other", status="404") == 1


async def test_sync_lag_and_queue_depth_are_read_from_the_database_at_each_scrape(served: Served, sample) -> None:
    fresh = sample.connection(name="crm")
    stale = sample.connection(name="billing")
    now = utcnow()
    for connection, finished in ((fresh, now - timedelta(minutes=5)), (stale, now - timedelta(hours=2))):
        sample.session.add(
            m.SyncRun(
                connection_id=connection.id, status=m.SyncRunStatus.SUCCEEDED, started_at=finished, finished_at=finished
            )
        )
    sample.session.add(
        m.SyncRun(connection_id=stale.id, status=m.SyncRunStatus.FAILED, started_at=now, finished_at=now)
    )
    sample.session.add_all(m.SyncRequest(connection_id=fresh.id) for _ in range(3))
    sample.session.commit()

    samples = await scrape(served)

    assert abs(samples[("acctgraph_sync_lag_seconds", (("connection", "crm"),))] - 300) < 60
    assert abs(samples[("acctgraph_sync_lag_seconds", (("connection", "billing"),))] - 7200) < 60
    assert samples[("acctgraph_queue_depth", (("queue", "sync_requests"),))] == 3


async def test_synced_rows_are_counted_through_the_records_synced_hook(served: Served) -> None:
    before = await scrape(served)
    create_plugin_manager(load_entry_points=False).hook.records_synced(
        connection="crm", stream="accounts", entity="account", records=[1, 2, 3]
    )
    after = await scrape(served)
    assert grew(before, after, "acctgraph_sync_rows_total", connection="crm", stream="accounts") == 3


async def test_the_request_id_is_honoured_or_made_and_returned(served: Served) -> None:
    given = await served.query("{ me { role } }", **{"X-Request-ID": "proxy-abc.123"})
    made = await served.query("{ me { role } }")
    garbage = await served.query("{ me { role } }", **{"X-Request-ID": "x" * 300})

    assert given.headers["x-request-id"] == "proxy-abc.123"
    assert len(made.headers["x-request-id"]) == 32
    assert made.headers["x-request-id"] != given.headers["x-request-id"]
    assert len(garbage.headers["x-request-id"]) == 32
