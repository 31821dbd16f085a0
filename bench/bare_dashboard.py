"""The baseline of ``bench/api_load.py``: the dashboard page as a bare Starlette route with hand-written SQL.

It answers ``POST /dashboard {"first": N}`` with the same JSON content that acctgraph gives for the
dashboard query (``bench/api_load.py`` checks they are equal): one statement, rows to dicts, orjson.
No authentication, no GraphQL: the floor a framework can be compared against. ARR uses the domain's MRR
SQL (``mrr_by_account``, compiled once at startup with today's date), the rest is written out here.

    ACCTGRAPH_DATABASE_URL=... uvicorn bare_dashboard:create_app --factory --app-dir bench
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from typing import Any

import orjson
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from acctgraph.db import create_async_db_engine, create_sync_engine
from acctgraph.domain.mrr import mrr_by_account


def _has_read_model(engine: AsyncEngine) -> bool:
    """Whether the database has the per-account read model (``account_summaries``): then read it, as
    acctgraph does."""
    sync = create_sync_engine(os.environ["ACCTGRAPH_DATABASE_URL"])
    try:
        return inspect(sync).has_table("account_summaries")
    finally:
        sync.dispose()


def page_sql(engine: AsyncEngine, today: date, currency: str) -> str:
    """The page, ordered by ARR descending then id descending: the dashboard's order."""
    if _has_read_model(engine):
        return """
SELECT a.name, u.name, s.arr_minor, s.health_score, s.health_band, s.next_renewal_on, s.open_alert_count
FROM account_summaries s JOIN accounts a ON a.id = s.account_id LEFT JOIN users u ON u.id = a.owner_id
WHERE NOT s.deleted AND NOT s.archived
ORDER BY s.arr_minor DESC, s.account_id DESC LIMIT :first"""
    mrr = mrr_by_account(today, currency).compile(engine.sync_engine, compile_kwargs={"literal_binds": True})
    return f"""
WITH mrr AS ({mrr}),
newest AS (SELECT account_id, max(day) AS day FROM health_snapshots GROUP BY account_id),
health AS (SELECT h.account_id, h.score, h.band FROM health_snapshots h
           JOIN newest n ON n.account_id = h.account_id AND n.day = h.day),
renewal AS (SELECT account_id, min(end_date) AS end_date FROM contracts
            WHERE status = 'active' AND end_date >= '{today.isoformat()}' AND deleted_at IS NULL
            GROUP BY account_id)
SELECT a.name, u.name, coalesce(m.mrr_minor, 0) * 12 AS arr, h.score, h.band, r.end_date,
       (SELECT count(*) FROM alerts al WHERE al.account_id = a.id AND al.status = 'open')
FROM accounts a
LEFT JOIN users u ON u.id = a.owner_id
LEFT JOIN mrr m ON m.account_id = a.id
LEFT JOIN health h ON h.account_id = a.id
LEFT JOIN renewal r ON r.account_id = a.id
WHERE a.deleted_at IS NULL AND a.archived_at IS NULL
ORDER BY coalesce(m.mrr_minor, 0) * 12 DESC, a.id DESC
LIMIT :first"""


def _node(row: Any) -> dict[str, Any]:
    name, owner, arr, score, band, renewal, open_alerts = row
    return {
        "name": name,
        "owner": None if owner is None else {"name": owner},
        "arr": {"amountMinor": int(arr or 0)},
        "health": None if score is None else {"score": score, "band": band.upper()},
        "nextRenewal": None if renewal is None else {"endDate": str(renewal)},
        "alerts": {"totalCount": open_alerts or 0},
    }


def create_app() -> Starlette:
    engine = create_async_db_engine(os.environ["ACCTGRAPH_DATABASE_URL"], pool_size=10, pool_pre_ping=False)
    statement = text(page_sql(engine, datetime.now(UTC).date(), os.environ.get("ACCTGRAPH_REPORTING_CURRENCY", "USD")))

    async def dashboard(request: Request) -> Response:
        first = int(orjson.loads(await request.body()).get("first", 100))
        async with engine.connect() as connection:
            rows = (await connection.execute(statement, {"first": first})).all()
        body = {"data": {"accounts": {"nodes": [_node(row) for row in rows]}}}
        return Response(orjson.dumps(body), media_type="application/json")

    return Starlette(routes=[Route("/dashboard", dashboard, methods=["POST"])])
