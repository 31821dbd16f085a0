"""Benchmark (not CI): health for 100,000 accounts with 90 days of usage each.

    python bench/health_compute.py sqlite:////tmp/bench.db [--accounts 100000]
    python bench/health_compute.py postgresql://postgres@127.0.0.1:5432/bench

Seeds the database once (set-based INSERT ... SELECT, so seeding is fast too), then runs
``compute_health`` for today in a fresh process and prints the wall time, the peak resident memory
of that process (ru_maxrss, which includes the interpreter and libraries) and the number of SQL
statements it issued (``before_cursor_execute`` events; a batched INSERT counts once per batch).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import (
    JSON,
    Column,
    Date,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    cast,
    event,
    func,
    insert,
    literal,
    select,
)

from acctgraph import migrations
from acctgraph.db import create_sync_engine, sync_sessionmaker
from acctgraph.domain.health.compute import compute_health
from acctgraph.domain.health.service import configured_health
from acctgraph.integration.plugins import create_plugin_manager
from acctgraph.models import Account, Contract, ContractLine, Invoice, NpsResponse, Product, SupportTicket, UsageMetric
from acctgraph.models.base import UTCDateTime
from acctgraph.settings import Settings

TODAY = datetime.now(UTC).date()
USAGE_DAYS = 90
EMPTY_JSON = literal({}, JSON())


def seed(engine: Engine, accounts: int) -> None:
    """Accounts, one seat contract each, 90 days of active_users, and NPS/tickets/invoices for some."""
    now = datetime.now(UTC)
    stamps = {"created_at": now, "updated_at": now}
    with engine.begin() as connection:
        for start in range(0, accounts, 20_000):
            rows = [
                {"name": f"Bench {n}", "segment": "mid_market", "lifecycle_stage": "active", "extra": {}, **stamps}
                for n in range(start, min(start + 20_000, accounts))
            ]
            connection.execute(insert(Account), rows)
        product = connection.execute(
            insert(Product).returning(Product.id),
            {"sku": "SEAT", "name": "Seats", "extra": {"pricing_unit": "seat"}, **stamps},
        ).scalar_one()
        days = Table("bench_days", MetaData(), Column("n", Integer), Column("day", Date), prefixes=["TEMPORARY"])
        days.create(connection)
        connection.execute(insert(days), [{"n": n, "day": TODAY - timedelta(days=n)} for n in range(USAGE_DAYS)])
        _from_accounts(
            connection,
            UsageMetric,
            stamps,
            extra_from=days,
            metric=literal("active_users"),
            day=days.c.day,
            value=(Account.id % 40 + days.c.n % 7 + days.c.n * (Account.id % 3) / 10.0),
        )
        _from_accounts(
            connection,
            Contract,
            stamps,
            number=literal("B-") + cast(Account.id, String),
            status=literal("active"),
            start_date=literal(TODAY - timedelta(days=200)),
            end_date=literal(TODAY + timedelta(days=165)),
            currency=literal("USD"),
            billing_period=literal("annual"),
            auto_renew=literal(False),
            notice_period_days=literal(30),
            extra=EMPTY_JSON,
        )
        connection.execute(
            insert(ContractLine).from_select(
                ["contract_id", "product_id", "quantity", "unit_price_minor", "extra", "created_at", "updated_at"],
                select(
                    Contract.id,
                    literal(product),
                    literal(50),
                    literal(1000),
                    EMPTY_JSON,
                    literal(now, UTCDateTime()),
                    literal(now, UTCDateTime()),
                ),
            )
        )
        _from_accounts(
            connection,
            NpsResponse,
            stamps,
            where=Account.id % 3 == 0,
            score=Account.id % 11,
            responded_at=literal(now - timedelta(days=20)),
            extra=EMPTY_JSON,
        )
        _from_accounts(
            connection,
            SupportTicket,
            stamps,
            where=Account.id % 5 == 0,
            subject=literal("slow"),
            priority=literal("high"),
            status=literal("open"),
            escalated=literal(False),
            opened_at=literal(now - timedelta(days=3)),
            extra=EMPTY_JSON,
        )
        _from_accounts(
            connection,
            Invoice,
            stamps,
            where=Account.id % 7 == 0,
            number=literal("I-") + cast(Account.id, String),
            amount_minor=literal(100_000),
            currency=literal("USD"),
            issued_on=literal(TODAY - timedelta(days=60)),
            due_date=literal(TODAY - timedelta(days=30)),
            status=literal("open"),
            extra=EMPTY_JSON,
        )
        days.drop(connection)


def _from_accounts(connection, model, stamps, extra_from=None, where=None, **columns) -> None:  # type: ignore[no-untyped-def]
    """INSERT INTO model (account_id, columns...) SELECT accounts.id, expressions... FROM accounts."""
    stamp_columns = {name: literal(value, UTCDateTime()) for name, value in stamps.items()}
    query = select(Account.id, *columns.values(), *stamp_columns.values())
    if extra_from is not None:
        query = query.select_from(Account).join(extra_from, literal(True))
    if where is not None:
        query = query.where(where)
    connection.execute(insert(model).from_select(["account_id", *columns, *stamp_columns], query))


def measure(url: str) -> None:
    """The measured phase, in its own process so that the seeding does not count towards peak memory."""
    engine = create_sync_engine(url)
    config, catalogue = configured_health(Settings(database_url=url), create_plugin_manager(load_entry_points=False))
    statements = 0

    def count(*_args: object) -> None:
        nonlocal statements
        statements += 1

    event.listen(engine, "before_cursor_execute", count)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    with sync_sessionmaker(engine)() as session:
        run = compute_health(session, config, catalogue, TODAY)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"{engine.dialect.name}: {run.accounts} accounts scored in {elapsed:.1f} s, "
        f"{statements} SQL statements, peak RSS {peak / 1024:.0f} MiB (before computing {rss_before / 1024:.0f} MiB), "
        f"bands {dict((band.value, n) for band, n in run.bands.items())}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.url)
        return
    migrations.upgrade(args.url)
    engine = create_sync_engine(args.url)
    with engine.connect() as connection:
        seeded = connection.scalar(select(func.count()).select_from(Account))
    if not seeded:
        started = time.perf_counter()
        seed(engine, args.accounts)
        print(f"seeded {args.accounts} accounts x {USAGE_DAYS} days of usage in {time.perf_counter() - started:.0f} s")
    engine.dispose()
    subprocess.run([sys.executable, __file__, args.url, "--measure"], check=True)


if __name__ == "__main__":
    main()
