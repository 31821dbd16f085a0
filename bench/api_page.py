"""How long a page of accounts with owner, ARR, contacts, contracts and health takes, and how many
SQL statements it issues, for a page of 5 (the baseline) and of 100, over the demo book.

    python bench/api_page.py [--database-url URL] [--repeat N]

The database must be migrated and hold the demo book (`acctgraph db upgrade && acctgraph demo`).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from typing import Any

import httpx
from sqlalchemy import event

from acctgraph.app import create_app
from acctgraph.settings import Settings

PAGE = """
query($first: Int!) {
  accounts(first: $first, orderBy: {field: ARR, direction: DESC}) {
    totalCount
    nodes {
      name domain isStrategic arr { formatted }
      owner { name manager { name } }
      contacts(first: 10) { totalCount nodes { name title buyingRole } }
      contracts(first: 5) { nodes { number endDate mrr { formatted } lines { quantity product { sku } } } }
      health { score band }
      nextRenewal { endDate }
    }
  }
}
"""


async def measure(settings: Settings, first: int, repeat: int, headers: dict[str, str]) -> tuple[float, int]:
    app = create_app(settings)
    statements: list[str] = []
    for engine in (app.state.engine.sync_engine, app.state.inline_engine):
        if engine is not None:
            event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    timings = []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        for _ in range(repeat):
            statements.clear()
            started = time.perf_counter()
            response = await client.post(
                "/graphql", json={"query": PAGE, "variables": {"first": first}}, headers=headers
            )
            timings.append(time.perf_counter() - started)
            body: dict[str, Any] = response.json()
            assert "errors" not in body, body
            assert len(body["data"]["accounts"]["nodes"]) == first
    await app.state.engine.dispose()
    return statistics.median(timings), len(statements)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--api-key", default=None, help="Bearer key, once the API requires one.")
    args = parser.parse_args()
    settings = Settings(**({"database_url": args.database_url} if args.database_url else {}))
    headers = {"Authorization": f"Bearer {args.api_key}"} if args.api_key else {}
    baseline_time, baseline_statements = asyncio.run(measure(settings, 5, args.repeat, headers))
    page_time, page_statements = asyncio.run(measure(settings, 100, args.repeat, headers))
    print(f"database: {settings.database_url}")
    print(
        f"page of   5 accounts: {baseline_time * 1000:7.1f} ms median, {baseline_statements} SQL statements (baseline)"
    )
    print(f"page of 100 accounts: {page_time * 1000:7.1f} ms median, {page_statements} SQL statements")
    print(
        f"ratio 100/5: time x{page_time / baseline_time:.1f} for 20x the accounts; statements x{page_statements / baseline_statements:.1f}"
    )


if __name__ == "__main__":
    main()
