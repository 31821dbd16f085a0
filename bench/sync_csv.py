"""Benchmark: 1,000,000 CSV usage rows through the sync engine, against a plain bulk insert of the same rows.

    python bench/sync_csv.py [--rows 1000000] [--database-url postgresql://postgres@127.0.0.1:5432/test]

Each measurement runs in its own process on a fresh database (so peak RSS is its own); the sync also
samples its RSS as it goes, to show memory stays flat. Not part of CI.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

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
    from sqlalchemy import create_engine, text

    from acctgraph import migrations
    from acctgraph.db import create_sync_engine

    if base_url is None:
        url = f"sqlite:///{scratch / f'{uuid.uuid4().hex}.db'}"
    else:
        name = f"acctgraph_bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(create_sync_engine(base_url).url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = create_sync_engine(base_url).url.set(database=name).render_as_string(hide_password=False)
    migrations.upgrade(url)
    return url


def measure_sync(url: str, directory: Path) -> dict[str, float]:
    import acctgraph_csv

    from acctgraph.db import create_sync_engine, sync_sessionmaker
    from acctgraph.integration.connections import Connectors, add_connection
    from acctgraph.integration.engine import run_sync
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

    started = time.perf_counter()
    run = run_sync(engine, "bench", connectors, hook=manager.hook, on_progress=on_progress)
    elapsed = time.perf_counter() - started
    usage = next(stream for stream in run.streams if stream.stream == "usage_metrics")
    assert run.status == "succeeded" and usage.created == usage.read, (run.status, run.error)
    return {
        "rows": usage.read,
        "seconds": elapsed,
        "peak_rss_mib": peak_rss_mib(),
        "rss_samples_mib": [round(samples[key], 1) for key in sorted(samples)],
    }


def measure_bulk_insert(url: str, directory: Path) -> dict[str, float]:
    """The floor: the same rows, account ids looked up in a dict, inserted 10,000 at a time, no checks."""
    from sqlalchemy import insert, select

    from acctgraph.db import create_sync_engine
    from acctgraph.models import Account, UsageMetric

    engine = create_sync_engine(url)
    with engine.begin() as connection:
        connection.execute(insert(Account), [{"name": f"Account {n}", "extra": {}} for n in range(ACCOUNTS)])
        ids = [row.id for row in connection.execute(select(Account.id).order_by(Account.id))]
    account_ids = {f"A{n}": account_id for n, account_id in enumerate(ids)}
    started = time.perf_counter()
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
            if len(chunk) == 10_000:
                connection.execute(insert(UsageMetric), chunk)
                rows += len(chunk)
                chunk = []
        if chunk:
            connection.execute(insert(UsageMetric), chunk)
            rows += len(chunk)
    return {"rows": rows, "seconds": time.perf_counter() - started, "peak_rss_mib": peak_rss_mib()}


def run_phase(phase: str, database_url: str | None, directory: Path, scratch: Path) -> dict[str, float]:
    command = [sys.executable, __file__, "--phase", phase, "--files", str(directory), "--scratch", str(scratch)]
    if database_url:
        command += ["--database-url", database_url]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database-url", help="A PostgreSQL server URL; default: a SQLite file")
    parser.add_argument("--phase", choices=["sync", "bulk"], help=argparse.SUPPRESS)
    parser.add_argument("--files", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--scratch", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        url = fresh_database(args.database_url, args.scratch)
        measure = measure_sync if args.phase == "sync" else measure_bulk_insert
        print(json.dumps(measure(url, args.files)))
        return
    with tempfile.TemporaryDirectory(prefix="acctgraph-bench-") as scratch_name:
        scratch = Path(scratch_name)
        write_files(scratch, args.rows)
        backend = "PostgreSQL" if args.database_url else "SQLite"
        print(f"{args.rows:,} usage rows from CSV into {backend}")
        sync = run_phase("sync", args.database_url, scratch, scratch)
        bulk = run_phase("bulk", args.database_url, scratch, scratch)
    sync_rate, bulk_rate = sync["rows"] / sync["seconds"], bulk["rows"] / bulk["seconds"]
    print(
        f"sync engine : {sync_rate:>10,.0f} rows/s  {sync['seconds']:7.1f} s  peak RSS {sync['peak_rss_mib']:6.1f} MiB"
    )
    print(f"  RSS every 100,000 rows (MiB): {sync['rss_samples_mib']}")
    print(
        f"bulk insert : {bulk_rate:>10,.0f} rows/s  {bulk['seconds']:7.1f} s  peak RSS {bulk['peak_rss_mib']:6.1f} MiB"
    )
    print(f"ratio       : the sync runs at {sync_rate / bulk_rate:.2f} x the bulk insert's speed")


if __name__ == "__main__":
    main()
