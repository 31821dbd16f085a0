"""No request holds the server: a time limit that cancels the request's SQL, and /healthz answering
while heavy queries run."""

from __future__ import annotations

import asyncio
import base64
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from sqlalchemy import Engine, insert, select, text

from acctgraph import models as m
from acctgraph.db import create_async_db_engine
from acctgraph.graphql.deadline import RequestTimedOut, engine_options, time_limit, track_statements
from tests.fixtures import SampleData
from tests.served_api import ServeApi

ENDLESS_STATEMENT = {
    "sqlite": "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n",
    "postgresql": "SELECT pg_sleep(60)",
}


def _backend(db_url: str) -> str:
    return "sqlite" if db_url.startswith("sqlite") else "postgresql"


async def test_the_time_limit_stops_the_statement_in_the_database(db_url: str, engine: Engine) -> None:
    api_engine = create_async_db_engine(db_url, **engine_options(db_url, 30))
    track_statements(api_engine)
    started = time.monotonic()
    try:
        with pytest.raises(RequestTimedOut, match=r"longer than 0\.5 s"):
            async with time_limit(0.5), api_engine.connect() as connection:
                await connection.execute(text(ENDLESS_STATEMENT[_backend(db_url)]))
        elapsed = time.monotonic() - started
        async with api_engine.connect() as connection:  # the pool still serves
            assert (await connection.execute(text("SELECT 1"))).scalar() == 1
    finally:
        await asyncio.wait_for(api_engine.dispose(), 5)  # an uninterrupted SQLite statement would hang here

    assert elapsed < 3
    if _backend(db_url) == "postgresql":
        assert _running_statements(engine, "pg_sleep") == []


def _running_statements(engine: Engine, fragment: str) -> list[str]:
    with engine.connect() as connection:
        queries = connection.scalars(
            text("SELECT query FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid()")
        )
        return [query for query in queries if fragment in query]


@contextmanager
def _account_locked(engine: Engine, db_url: str, account_id: int) -> Iterator[None]:
    """Another connection holds the account's row (PostgreSQL) or the database's write lock (SQLite)."""
    with engine.connect() as connection:
        if _backend(db_url) == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.execute(select(m.Account).where(m.Account.id == account_id).with_for_update())
        yield
        connection.rollback()


def test_a_request_past_its_time_limit_gets_request_timeout_and_writes_nothing(
    serve_api: ServeApi, sample: SampleData, engine: Engine, db_url: str
) -> None:
    account = sample.account(name="Before")
    sample.session.commit()
    account_id = base64.b64encode(f"Account:{account.id}".encode()).decode()
    mutation = 'mutation($id: ID!) { updateAccount(input: {id: $id, version: 1, name: "After"}) { account { name } } }'

    with serve_api(request_timeout_seconds=1.0) as api:
        api.post({"query": "{ me { role } }"})  # the key's first use is recorded before the lock is taken
        with _account_locked(engine, db_url, account.id):
            started = time.monotonic()
            response = api.post({"query": mutation, "variables": {"id": account_id}})
            elapsed = time.monotonic() - started
            if _backend(db_url) == "postgresql":
                waiting = _running_statements(engine, "UPDATE accounts")
            healthy = httpx.get(f"{api.base_url}/healthz", timeout=5)
        time.sleep(1.5)  # a SQLite lock wait ends by itself one second after the limit
        name_after_timeout = _account_name(engine, account.id)
        rerun = api.post({"query": mutation, "variables": {"id": account_id}})

    assert response.status_code == 503
    assert response.json() == {
        "errors": [
            {
                "message": "the request took longer than 1 s and was stopped; ask for fewer rows or fields",
                "extensions": {"code": "REQUEST_TIMEOUT"},
            }
        ]
    }
    assert 1.0 <= elapsed < 3.0
    if _backend(db_url) == "postgresql":
        assert waiting == []  # the UPDATE waiting for the lock was cancelled, not left queued
    assert healthy.status_code == 200
    assert name_after_timeout == "Before"
    assert rerun.json() == {"data": {"updateAccount": {"account": {"name": "After"}}}}


def _account_name(engine: Engine, account_id: int) -> str | None:
    with engine.connect() as connection:
        return connection.scalar(select(m.Account.name).where(m.Account.id == account_id))


HEAVY_REQUESTS = 4
HEAVY_QUERY = (
    "{ "
    + " ".join(
        f"a{n}: accounts(first: 100) {{ nodes {{ name contacts(first: 100) {{ nodes {{ name email }} }} }} }}"
        for n in range(4)
    )
    + " }"
)


def _seed_book(sample: SampleData, accounts: int, contacts_each: int) -> None:
    owner = sample.user(role=m.Role.ACCOUNT_MANAGER)
    ids = [sample.account(owner_id=owner.id).id for _ in range(accounts)]
    rows = [
        {"account_id": account_id, "name": f"Contact {account_id}-{n}", "email": f"c{account_id}-{n}@example.com"}
        for account_id in ids
        for n in range(contacts_each)
    ]
    sample.session.execute(insert(m.Contact), rows)
    sample.session.commit()


@pytest.mark.slow
def test_healthz_answers_within_a_second_while_heavy_queries_run(serve_api: ServeApi, sample: SampleData) -> None:
    _seed_book(sample, accounts=100, contacts_each=40)
    latencies: list[float] = []
    with serve_api() as api:
        heavy = [threading.Thread(target=api.post, args=({"query": HEAVY_QUERY},)) for _ in range(HEAVY_REQUESTS)]
        started = time.monotonic()
        for thread in heavy:
            thread.start()
        with httpx.Client(timeout=10) as client:
            while any(thread.is_alive() for thread in heavy):
                before = time.monotonic()
                assert client.get(f"{api.base_url}/healthz").status_code == 200
                latencies.append(time.monotonic() - before)
                time.sleep(0.05)
        busy = time.monotonic() - started
        for thread in heavy:
            thread.join()

    print(
        f"\n/healthz during {busy:.1f} s of {HEAVY_REQUESTS} concurrent heavy queries: {len(latencies)} probes, "
        f"median {statistics.median(latencies) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms"
    )
    assert len(latencies) >= 3, "the heavy queries ended before /healthz could be measured"
    assert max(latencies) < 1.0
