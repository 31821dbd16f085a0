"""Subscriptions over graphql-transport-ws against the served app: authenticated in connection_init,
authorized by the same policy as queries, fed by polling the database."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
import websockets
from sqlalchemy import update

from acctgraph import models as m
from tests.fixtures import SampleData
from tests.served_api import ServeApi, ServedApi

POLL = 0.05


@asynccontextmanager
async def socket(api: ServedApi, key: str | None) -> AsyncIterator[Any]:
    """A graphql-transport-ws connection, initialised with ``key``; yields it once acknowledged."""
    async with websockets.connect(api.websocket_url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        payload = {"Authorization": f"Bearer {key}"} if key else {}
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        yield ws


async def receive(ws: Any, timeout: float = 5) -> dict[str, Any]:
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        if message["type"] != "ping":
            return message


async def subscribe(ws: Any, query: str, variables: dict[str, Any] | None = None) -> None:
    assert (await receive(ws))["type"] == "connection_ack"
    await ws.send(
        json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query, "variables": variables or {}}})
    )


ALERTS = "subscription { alertRaised { title account { name } } }"


async def test_a_socket_without_a_valid_key_is_closed_with_4403(api: ServedApi) -> None:
    for key in (None, "ag_not-a-key"):
        async with socket(api, key) as ws:
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await receive(ws)
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 4403


async def test_alert_raised_sends_new_alerts_of_the_callers_book_only(serve_api: ServeApi, sample: SampleData) -> None:
    manager = sample.user(role=m.Role.ACCOUNT_MANAGER)
    stranger = sample.user(role=m.Role.ACCOUNT_MANAGER)
    mine, theirs = sample.account(owner_id=manager.id, name="Mine"), sample.account(owner_id=stranger.id, name="Theirs")
    sample.alert(mine, title="Raised before subscribing")
    key = sample.api_key(manager)
    sample.session.commit()

    with serve_api(subscription_poll_seconds=POLL) as api:
        async with socket(api, key) as ws:
            await subscribe(ws, ALERTS)
            await asyncio.sleep(POLL * 4)  # the subscription has taken its starting point
            sample.alert(theirs, title="Not in my book")
            sample.alert(mine, title="Invoice overdue")
            sample.session.commit()
            first = await receive(ws)
            sample.alert(mine, title="Second one")
            sample.session.commit()
            second = await receive(ws)

    assert first == {
        "id": "1",
        "type": "next",
        "payload": {"data": {"alertRaised": {"title": "Invoice overdue", "account": {"name": "Mine"}}}},
    }
    assert second["payload"]["data"]["alertRaised"]["title"] == "Second one"


async def test_an_integration_key_may_not_subscribe(api: ServedApi, sample: SampleData) -> None:
    key = sample.api_key(sample.user(role=m.Role.ADMIN), integration=True)
    sample.session.commit()

    async with socket(api, key) as ws:
        await subscribe(ws, ALERTS)
        message = await receive(ws)

    assert message["type"] == "next"
    assert message["payload"]["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_sync_run_progress_sends_a_run_each_time_it_changes(serve_api: ServeApi, sample: SampleData) -> None:
    connection = sample.connection()
    sample.session.commit()
    query = "subscription { syncRunProgress { status streams { stream read created } } }"

    with serve_api(subscription_poll_seconds=POLL) as api:
        async with socket(api, api.admin_key) as ws:
            await subscribe(ws, query)
            await asyncio.sleep(POLL * 4)  # the subscription has started
            run = m.SyncRun(connection_id=connection.id)
            sample.session.add(run)
            sample.session.flush()
            sample.session.add(m.SyncRunStream(run_id=run.id, stream="accounts", read=10, created=10))
            sample.session.commit()
            started = await receive(ws)
            sample.session.execute(update(m.SyncRunStream).values(read=25, created=20))
            sample.session.commit()
            progressed = await receive(ws)
            sample.session.execute(
                update(m.SyncRun).values(status=m.SyncRunStatus.SUCCEEDED, finished_at=datetime.now(UTC))
            )
            sample.session.commit()
            finished = await receive(ws)

    payloads = [message["payload"]["data"]["syncRunProgress"] for message in (started, progressed, finished)]
    assert payloads == [
        {"status": "RUNNING", "streams": [{"stream": "accounts", "read": 10, "created": 10}]},
        {"status": "RUNNING", "streams": [{"stream": "accounts", "read": 25, "created": 20}]},
        {"status": "SUCCEEDED", "streams": [{"stream": "accounts", "read": 25, "created": 20}]},
    ]
