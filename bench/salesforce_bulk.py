"""Benchmark: 1,000,000 Salesforce contacts through the connector's Bulk API 2.0 path and the sync engine,
against a plain bulk insert of the same contacts (and their external ids) in the same run.

    python bench/salesforce_bulk.py [--records 1000000] [--database-url postgresql://postgres@127.0.0.1:5432/test]

The local Salesforce stand-in of the connector's tests runs in its own process (so it does not share
the sync's interpreter); the sync and the plain insert each run in their own process on a fresh
database, so peak RSS is their own; the sync samples its RSS as it goes, to show memory stays flat.
Not part of CI.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sync_csv import fresh_database, peak_rss_mib, rss_mib  # noqa: E402

ACCOUNTS = 1000


def contact_fields(number: int) -> dict[str, Any]:
    return {"LastName": f"Contact {number}", "Email": f"contact{number}@account{number % ACCOUNTS}.example"}


def serve(records: int, port_file: Path) -> None:
    """The stand-in org with ``ACCOUNTS`` accounts and ``records`` contacts, until killed."""
    import socket

    import uvicorn
    from acctgraph_salesforce.testing import FakeSalesforce

    org = FakeSalesforce(api_limit=10**9)
    accounts = [org.add("Account", Name=f"Account {n}")["Id"] for n in range(ACCOUNTS)]
    for number in range(records):
        org.add("Contact", AccountId=accounts[number % ACCOUNTS], **contact_fields(number))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    org.base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    port_file.write_text(json.dumps(org.connector_config(bulk_threshold=10_000, bulk_page_size=50_000)))
    uvicorn.Server(uvicorn.Config(org.app(), log_level="warning", lifespan="off")).run(sockets=[sock])


def measure_sync(url: str, config: dict[str, Any]) -> dict[str, Any]:
    from acctgraph_salesforce import SalesforceConnector
    from pydantic import SecretStr

    from acctgraph.db import create_sync_engine, sync_sessionmaker
    from acctgraph.integration.connections import Connectors, add_connection
    from acctgraph.integration.engine import run_sync
    from acctgraph.integration.secrets import new_key

    connectors = Connectors({"salesforce": SalesforceConnector})
    engine, key = create_sync_engine(url), SecretStr(new_key())
    with sync_sessionmaker(engine)() as session:
        add_connection(session, connectors, "bench", "salesforce", config, key)
        session.commit()
    samples: dict[int, float] = {}

    def on_progress(counts: Any) -> None:
        if counts.stream == "contacts":
            samples.setdefault(counts.read // 100_000, rss_mib())

    started = time.perf_counter()
    run = run_sync(engine, "bench", connectors, secret_key=key, on_progress=on_progress)
    elapsed = time.perf_counter() - started
    contacts = next(stream for stream in run.streams if stream.stream == "contacts")
    assert run.status == "succeeded" and contacts.created == contacts.read, (run.status, run.error)
    return {
        "rows": contacts.read,
        "seconds": elapsed,
        "peak_rss_mib": peak_rss_mib(),
        "rss_samples_mib": [round(samples[key], 1) for key in sorted(samples)],
    }


def measure_bulk_insert(url: str, records: int) -> dict[str, Any]:
    """The floor: the same contacts and their external ids, inserted 10,000 at a time in multi-row VALUES
    batches (as the engine does), no HTTP, no checks, one transaction."""
    from sqlalchemy import insert, select

    from acctgraph.db import create_sync_engine
    from acctgraph.models import Account, Contact, ExternalRef

    engine = create_sync_engine(url)
    with engine.begin() as connection:
        connection.execute(insert(Account), [{"name": f"Account {n}", "extra": {}} for n in range(ACCOUNTS)])
        account_ids = [row.id for row in connection.execute(select(Account.id).order_by(Account.id))]
    started = time.perf_counter()
    with engine.begin() as connection:
        for first in range(0, records, 10_000):
            numbers = range(first, min(first + 10_000, records))
            rows = [
                {"account_id": account_ids[n % ACCOUNTS], "name": contact_fields(n)["LastName"], "extra": {}}
                | {"email": contact_fields(n)["Email"]}
                for n in numbers
            ]
            ids = connection.execute(insert(Contact).returning(Contact.id, sort_by_parameter_order=True), rows)
            refs = [
                {"source": "bench", "object_type": "contact", "external_id": f"003{n:012d}AAA", "internal_id": i}
                for n, (i,) in zip(numbers, ids, strict=True)
            ]
            connection.execute(insert(ExternalRef), refs)
    return {"rows": records, "seconds": time.perf_counter() - started, "peak_rss_mib": peak_rss_mib()}


def run_phase(phase: str, args: argparse.Namespace, scratch: Path, extra: list[str]) -> dict[str, Any]:
    command = [sys.executable, __file__, "--phase", phase, "--scratch", str(scratch), "--records", str(args.records)]
    if args.database_url:
        command += ["--database-url", args.database_url]
    finished = subprocess.run(command + extra, capture_output=True, text=True)
    if finished.returncode:
        raise SystemExit(f"the {phase} phase failed:\n{finished.stderr}")
    output = finished.stdout
    return dict(json.loads(output.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--database-url", help="A PostgreSQL server URL; default: a SQLite file")
    parser.add_argument("--phase", choices=["serve", "sync", "bulk"], help=argparse.SUPPRESS)
    parser.add_argument("--scratch", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--config", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase == "serve":
        serve(args.records, args.scratch / "org.json")
        return
    if args.phase:
        url = fresh_database(args.database_url, args.scratch)
        result = (
            measure_sync(url, json.loads(args.config))
            if args.phase == "sync"
            else measure_bulk_insert(url, args.records)
        )
        print(json.dumps(result))
        return
    with tempfile.TemporaryDirectory(prefix="acctgraph-bench-") as scratch_name:
        scratch = Path(scratch_name)
        server = subprocess.Popen(
            [sys.executable, __file__, "--phase", "serve", "--scratch", str(scratch), "--records", str(args.records)]
        )
        try:
            while not (scratch / "org.json").exists():
                assert server.poll() is None, "the Salesforce stand-in did not start"
                time.sleep(0.5)
            config = (scratch / "org.json").read_text()
            backend = "PostgreSQL" if args.database_url else "SQLite"
            print(f"{args.records:,} Salesforce contacts (Bulk API 2.0 path) into {backend}")
            sync = run_phase("sync", args, scratch, ["--config", config])
            bulk = run_phase("bulk", args, scratch, [])
        finally:
            server.kill()
    sync_rate, bulk_rate = sync["rows"] / sync["seconds"], bulk["rows"] / bulk["seconds"]
    print(
        f"connector + sync engine : {sync_rate:>9,.0f} rows/s {sync['seconds']:7.1f} s  peak RSS {sync['peak_rss_mib']:6.1f} MiB"
    )
    print(f"  RSS every 100,000 rows (MiB): {sync['rss_samples_mib']}")
    print(
        f"plain bulk insert       : {bulk_rate:>9,.0f} rows/s {bulk['seconds']:7.1f} s  peak RSS {bulk['peak_rss_mib']:6.1f} MiB"
    )
    print(
        f"ratio                   : the Salesforce sync runs at {sync_rate / bulk_rate:.2f} x the plain insert's speed"
    )


if __name__ == "__main__":
    main()
