"""Benchmark: 1,000,000 CSV usage rows through the sync engine, against a plain bulk insert of the same rows.

    python bench/sync_csv.py [--rows 1000000] [--rounds 2] [--database-url postgresql://postgres@127.0.0.1:5432/test]

Each measurement runs in its own process on a fresh database (so peak RSS is its own); the sync also
samples its RSS as it goes, to show memory stays flat. The phases are interleaved (sync, bulk, sync,
bulk, ...) and each rate is the best of its rounds, so a neighbour's load on a shared machine hits both
alike; the process's CPU seconds are printed beside the wall-clock ones. On PostgreSQL the same rows
are also loaded with ``COPY ... FROM STDIN``: the physical reference no INSERT reaches. Not part of CI.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Connection, Insert

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.append(str(PROJECT_ROOT / "plugins" / "csv" / "src"))

ACCOUNTS = 1000


def rss_mib() -> float:
    """Current resident set size of this process, from /proc."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_files(directory: Path, rows: int) -> None:
    with (directory / "accounts.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["external_id", "name", "domain"])
        writer.writerows([f"A{n}", f"Account {n}", f"account{n}.example"] for n in range(ACCOUNTS))
    start = date(2020, 1, 1)
    with (directory / "usage_metrics.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["account_external_id", "metric", "day", "value"])
        for n in range(rows):
            writer.writerow(
                [f"A{n % ACCOUNTS}", "active_users", (start + timedelta(days=n // ACCOUNTS)).isoformat(), n % 97]
            )


def fresh_database(base_url: str | None, scratch: Path) -> str:
    """A new, migrated database: a SQLite file, or a new database on the given PostgreSQL server."""
    from acctgraph import migrations
    from acctgraph.testing.databases import create_postgres_database

    if base_url is None:
        url = f"sqlite:///{scratch / f'{uuid.uuid4().hex}.db'}"
    else:
        url = create_postgres_database(base_url, prefix="acctgraph_bench")
    migrations.upgrade(url)
    return url


def drop_database(base_url: str | None, url: str) -> None:
    """Drop a PostgreSQL database ``fresh_database`` made (a SQLite file goes with the scratch folder)."""
    from acctgraph.testing.databases import drop_postgres_database

    if base_url is not None:
        drop_postgres_database(url, base_url)


def measure_sync(url: str, directory: Path) -> dict[str, float]:
    """The usage stream synced by the engine (a whole run: lock, run record, counts, checkpoints). The
    accounts the rows name are synced by a run before it, untimed, as the bulk insert's are inserted."""
    import acctgraph_csv

    from acctgraph.db import create_sync_engine, sync_sessionmaker
    from acctgraph.integration.connections import Connectors, add_connection
    from acctgraph.integration.engine import SyncOptions, run_sync
    from acctgraph.integration.plugins import connector_classes, create_plugin_manager

    manager = create_plugin_manager(load_entry_points=False)
    manager.register(acctgraph_csv, name="csv")
    connectors = Connectors(connector_classes(manager))
    engine = create_sync_engine(url)
    with sync_sessionmaker(engine)() as session:
        add_connection(session, connectors, "bench", "csv", {"directory": str(directory)}, None)
        session.commit()
    samples: dict[int, float] = {}

    def on_progress(counts) -> None:  # type: ignore[no-untyped-def]
        if counts.stream == "usage_metrics":
            bucket = counts.read // 100_000
            samples.setdefault(bucket, rss_mib())

    run_sync(engine, "bench", connectors, options=SyncOptions(streams=["accounts"]), hook=manager.hook)
    started, cpu_started = time.perf_counter(), time.process_time()
    options = SyncOptions(streams=["usage_metrics"])
    run = run_sync(engine, "bench", connectors, options=options, hook=manager.hook, on_progress=on_progress)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    usage = next(stream for stream in run.streams if stream.stream == "usage_metrics")
    assert run.status == "succeeded" and usage.created == usage.read, (run.status, run.error)
    return {
        "rows": usage.read,
        "seconds": elapsed,
        "cpu_seconds": cpu,
        "peak_rss_mib": peak_rss_mib(),
        "rss_samples_mib": [round(samples[key], 1) for key in sorted(samples)],
    }


def _bench_accounts(engine) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """The accounts the usage rows name, inserted directly: external id -> account id."""
    from sqlalchemy import insert, select

    from acctgraph.models import Account

    with engine.begin() as connection:
        connection.execute(insert(Account), [{"name": f"Account {n}", "extra": {}} for n in range(ACCOUNTS)])
        ids = [row.id for row in connection.execute(select(Account.id).order_by(Account.id))]
    return {f"A{n}": account_id for n, account_id in enumerate(ids)}


def measure_bulk_insert(url: str, directory: Path) -> dict[str, float]:
    """The floor: the same rows, account ids looked up in a dict, sent as a plain executemany ``INSERT``
    of the engine's batch size at a time (timestamps bound once a chunk, as the engine binds them): no
    checks, no conflict handling, no RETURNING, one transaction."""
    from sqlalchemy import insert

    from acctgraph.db import create_sync_engine
    from acctgraph.integration.engine import SyncOptions
    from acctgraph.models import UsageMetric

    engine = create_sync_engine(url)
    account_ids = _bench_accounts(engine)
    chunk_size = SyncOptions().batch_size
    started, cpu_started = time.perf_counter(), time.process_time()
    rows = 0
    with engine.begin() as connection, (directory / "usage_metrics.csv").open(newline="") as handle:
        chunk = []
        for row in csv.DictReader(handle):
            chunk.append(
                {
                    "account_id": account_ids[row["account_external_id"]],
                    "metric": row["metric"],
                    "day": date.fromisoformat(row["day"]),
                    "value": float(row["value"]),
                }
            )
            if len(chunk) == chunk_size:
                rows += _insert_chunk(connection, insert(UsageMetric), chunk)
                chunk = []
        if chunk:
            rows += _insert_chunk(connection, insert(UsageMetric), chunk)
    return {
        "rows": rows,
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu_started,
        "peak_rss_mib": peak_rss_mib(),
    }


def _insert_chunk(connection: Connection, statement: Insert, chunk: list[dict[str, Any]]) -> int:
    """One executemany of the chunk, its timestamps converted once for the chunk."""
    from acctgraph.integration.batches import bound_as_stored
    from acctgraph.models.base import utcnow

    now, columns = utcnow(), statement.table.c  # type: ignore[attr-defined]
    stamps = {name: bound_as_stored(columns[name], now, connection.dialect) for name in ("created_at", "updated_at")}
    connection.execute(statement.values(stamps), chunk)
    return len(chunk)


def measure_copy(url: str, directory: Path) -> dict[str, float]:
    """PostgreSQL's COPY FROM STDIN of the same rows (account ids looked up in a dict): the physical
    reference, what the server can take in with no per-row statement at all."""
    from acctgraph.db import create_sync_engine

    engine = create_sync_engine(url)
    account_ids = _bench_accounts(engine)
    started, cpu_started = time.perf_counter(), time.process_time()
    rows = 0
    columns = "account_id, metric, day, value, created_at, updated_at"
    with engine.begin() as connection, (directory / "usage_metrics.csv").open(newline="") as handle:
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f"COPY usage_metrics ({columns}) FROM STDIN") as copy:
            for row in csv.DictReader(handle):
                copy.write_row(
                    (
                        account_ids[row["account_external_id"]],
                        row["metric"],
                        date.fromisoformat(row["day"]),
                        float(row["value"]),
                        "now",
                        "now",
                    )
                )
                rows += 1
    return {
        "rows": rows,
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu_started,
        "peak_rss_mib": peak_rss_mib(),
    }


def run_phase(phase: str, database_url: str | None, directory: Path, scratch: Path) -> dict[str, float]:
    command = [sys.executable, __file__, "--phase", phase, "--files", str(directory), "--scratch", str(scratch)]
    if database_url:
        command += ["--database-url", database_url]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


MEASURES = {"sync": measure_sync, "bulk": measure_bulk_insert, "copy": measure_copy}


def best(runs: list[dict[str, float]]) -> dict[str, float]:
    """The fastest round (the one least disturbed by the machine's other work)."""
    return min(runs, key=lambda run: run["seconds"])


def report(label: str, runs: list[dict[str, float]]) -> float:
    """Print a phase's best round (and every round's rate); returns its rows/s."""
    top = best(runs)
    rate = top["rows"] / top["seconds"]
    rounds = ", ".join(f"{run['rows'] / run['seconds']:,.0f}" for run in runs)
    print(
        f"{label:<12}: {rate:>10,.0f} rows/s  {top['seconds']:7.1f} s (CPU {top['cpu_seconds']:6.1f} s)  "
        f"peak RSS {top['peak_rss_mib']:6.1f} MiB   rounds: {rounds}"
    )
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds of each phase")
    parser.add_argument("--database-url", help="A PostgreSQL server URL; default: a SQLite file")
    parser.add_argument("--phase", choices=sorted(MEASURES), help=argparse.SUPPRESS)
    parser.add_argument("--files", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--scratch", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        url = fresh_database(args.database_url, args.scratch)
        try:
            print(json.dumps(MEASURES[args.phase](url, args.files)))
        finally:
            drop_database(args.database_url, url)
        return
    phases = ["sync", "bulk"] + (["copy"] if args.database_url else [])
    runs: dict[str, list[dict[str, float]]] = {phase: [] for phase in phases}
    with tempfile.TemporaryDirectory(prefix="acctgraph-bench-") as scratch_name:
        scratch = Path(scratch_name)
        write_files(scratch, args.rows)
        backend = "PostgreSQL" if args.database_url else "SQLite"
        print(f"{args.rows:,} usage rows from CSV into {backend}, {args.rounds} interleaved rounds, best of each")
        for _ in range(args.rounds):
            for phase in phases:
                runs[phase].append(run_phase(phase, args.database_url, scratch, scratch))
    sync_rate = report("sync engine", runs["sync"])
    print(f"  RSS every 100,000 rows (MiB): {best(runs['sync'])['rss_samples_mib']}")
    bulk_rate = report("bulk insert", runs["bulk"])
    copy_rate = report("COPY", runs["copy"]) if "copy" in runs else None
    cpu_ratio = statistics.median(
        (bulk["cpu_seconds"] / bulk["rows"]) / (sync["cpu_seconds"] / sync["rows"])
        for sync, bulk in zip(runs["sync"], runs["bulk"], strict=True)
    )
    paired = ", ".join(
        f"{(sync['rows'] / sync['seconds']) / (bulk['rows'] / bulk['seconds']):.2f}"
        for sync, bulk in zip(runs["sync"], runs["bulk"], strict=True)
    )
    print(f"ratio       : the sync runs at {sync_rate / bulk_rate:.2f} x the bulk insert's speed", end="")
    print(f" (each round: {paired}; client CPU per row: {cpu_ratio:.2f} x)")
    if copy_rate is not None:
        print(
            f"              the sync at {sync_rate / copy_rate:.2f} x COPY's, the bulk insert at {bulk_rate / copy_rate:.2f} x"
        )


if __name__ == "__main__":
    main()
