"""Benchmark: the job engine's queue latency and the worker's memory.

    python bench/job_engine.py [--triggers 30] [--minutes 1] [--database-url postgresql://postgres@127.0.0.1:5432/test]

1. Latency: ``triggerSync`` over HTTP (the real app, in this process) to the sync's run starting in a real
   ``acctgraph worker`` process (``sync_runs.started_at``), median and p99; interleaved with the baseline,
   the same sync started by a direct ``run_sync`` call in this process (call to ``started_at``): the ratio
   is what the queue adds to a sync's start.
2. Memory: the worker's RSS (from /proc) sampled every 5 s over ``--minutes`` of frequent schedules (three
   connections every 10 s, the daily jobs every minute), against its RSS after the first minute.

Each run uses a fresh database (SQLite file by default; ``--database-url`` names a PostgreSQL server whose
throwaway database it creates); the queue sits beside it. Not part of CI.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import func, select

from acctgraph import migrations
from acctgraph.app import create_app
from acctgraph.db import create_sync_engine, sync_sessionmaker
from acctgraph.domain.api_keys import create_api_key
from acctgraph.graphql.ids import decode_id, to_global_id
from acctgraph.integration.connections import Connectors, add_connection
from acctgraph.integration.engine import run_sync
from acctgraph.integration.plugins import connector_classes, create_plugin_manager
from acctgraph.jobs.connection_schedules import set_connection_schedule
from acctgraph.models import Connection, JobRun, Role, SyncRequest, SyncRun, User
from acctgraph.models.jobs import ACTIVE_STATUSES
from acctgraph.settings import Settings
from acctgraph.testing.databases import create_postgres_database, drop_postgres_database

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.append(str(PROJECT_ROOT / "plugins" / "csv" / "src"))
sys.path.append(str(PROJECT_ROOT))

TRIGGER = (
    """mutation($id: ID!) { triggerSync(input: {connectionId: $id}) { syncRequest { id } userErrors { message } } }"""
)


def fresh_database(server: str | None, directory: Path) -> str:
    if server is None:
        return f"sqlite:///{directory / 'bench.db'}"
    return create_postgres_database(server, prefix="acctgraph_bench")


def csv_connectors() -> Connectors:
    import acctgraph_csv

    manager = create_plugin_manager(load_entry_points=False)
    manager.register(acctgraph_csv, name="csv")
    return Connectors(connector_classes(manager))


def set_up(url: str, directory: Path, connections: int) -> tuple[str, list[int]]:
    """Migrate, add small csv connections and an admin with a key; returns the key and connection ids."""
    from tests.integration.conftest import write_csv_files

    migrations.upgrade(url)
    engine = create_sync_engine(url)
    ids = []
    with sync_sessionmaker(engine)() as session:
        for n in range(connections):
            write_csv_files(directory / f"sheet{n}", accounts=20, usage_days=2)
            connection = add_connection(
                session, csv_connectors(), f"sheet{n}", "csv", {"directory": str(directory / f"sheet{n}")}, None
            )
            ids.append(connection.id)
        admin = User(email="bench@example.com", name="Bench", role=Role.ADMIN)
        session.add(admin)
        session.flush()
        _, token = create_api_key(session, admin, "bench")
        session.commit()
    engine.dispose()
    return token, ids


def start_worker(url: str, directory: Path, tick: float) -> subprocess.Popen[bytes]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("ACCTGRAPH_")}
    environment.update(ACCTGRAPH_DATABASE_URL=url, ACCTGRAPH_JOB_TICK_SECONDS=str(tick))
    log = open(directory / "worker.log", "wb")  # noqa: SIM115 - the worker writes it
    command = [sys.executable, "-m", "acctgraph", "worker", "--workers", "2"]
    return subprocess.Popen(command, env=environment, stdout=log, stderr=subprocess.STDOUT)


def wait_until_idle(url: str) -> None:
    """Until the worker's first jobs (the periodic ones, due at once) are done: they are not the latency."""
    engine = create_sync_engine(url)
    with sync_sessionmaker(engine)() as session:
        while session.scalar(select(func.count()).select_from(JobRun)) == 0 or session.scalar(
            select(func.count()).select_from(JobRun).where(JobRun.status.in_(ACTIVE_STATUSES))
        ):
            session.rollback()
            time.sleep(0.2)
    engine.dispose()


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def wait_for_run(engine: object, request_id: int) -> datetime:
    with sync_sessionmaker(engine)() as session:  # type: ignore[arg-type]
        while True:
            request = session.get_one(SyncRequest, request_id)
            if request.sync_run_id is not None:
                run = session.get_one(SyncRun, request.sync_run_id)
                if run.finished_at is not None:
                    return run.started_at
            if request.error:
                raise SystemExit(f"the worker could not start the sync: {request.error}")
            session.expire_all()
            time.sleep(0.01)


async def latency(url: str, token: str, connection_id: int, triggers: int) -> tuple[list[float], list[float]]:
    settings = Settings(database_url=url, _env_file=None)
    app = create_app(settings)
    engine = create_sync_engine(url)
    queued, direct = [], []
    with sync_sessionmaker(engine)() as session:
        name = session.get_one(Connection, connection_id).name
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        for _ in range(triggers):
            started = datetime.now(UTC)
            response = await client.post(
                "/graphql",
                json={"query": TRIGGER, "variables": {"id": to_global_id("DataSource", connection_id)}},
                headers={"Authorization": f"Bearer {token}"},
            )
            request_id = int(decode_id(response.json()["data"]["triggerSync"]["syncRequest"]["id"], "SyncRequest"))
            run_started = await asyncio.to_thread(wait_for_run, engine, request_id)
            queued.append((run_started - started).total_seconds() * 1000)
            started = datetime.now(UTC)
            run = await asyncio.to_thread(run_sync, engine, name, csv_connectors())
            direct.append((run.started_at - started).total_seconds() * 1000)
    await app.state.shutdown()
    engine.dispose()
    return queued, direct


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def memory(url: str, worker: subprocess.Popen[bytes], ids: list[int], minutes: float) -> list[tuple[float, float]]:
    engine = create_sync_engine(url)
    with sync_sessionmaker(engine)() as session:
        for connection in session.scalars(select(Connection).where(Connection.id.in_(ids))):
            set_connection_schedule(session, connection, "10s")
        session.commit()
    engine.dispose()
    samples, start = [], time.monotonic()
    while (elapsed := time.monotonic() - start) < minutes * 60:
        samples.append((elapsed, rss_mib(worker.pid)))
        time.sleep(5)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triggers", type=int, default=30)
    parser.add_argument("--minutes", type=float, default=1.0)
    parser.add_argument("--database-url", default=None, help="A PostgreSQL server URL; default a SQLite file.")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        directory = Path(temporary)
        url = fresh_database(arguments.database_url, directory)
        schedules = json.dumps(dict.fromkeys(["health-compute", "alerts-evaluate", "renewals-create"], "1m"))
        os.environ["ACCTGRAPH_JOB_SCHEDULES"] = schedules
        token, ids = set_up(url, directory, connections=3)
        worker = start_worker(url, directory, tick=1.0)
        try:
            wait_until_idle(url)
            queued, direct = asyncio.run(latency(url, token, ids[0], arguments.triggers))
            samples = memory(url, worker, ids, arguments.minutes)
        finally:
            worker.send_signal(signal.SIGINT)
            worker.wait(timeout=60)
            if arguments.database_url:
                drop_postgres_database(url, arguments.database_url)
    backend = "postgresql" if arguments.database_url else "sqlite"
    print(f"job engine on {backend}, queue beside the database, worker tick 1 s, {arguments.triggers} triggers")
    print(f"  triggerSync -> sync start: median {statistics.median(queued):7.1f} ms, p99 {p99(queued):7.1f} ms")
    print(f"  direct run_sync -> start : median {statistics.median(direct):7.1f} ms, p99 {p99(direct):7.1f} ms")
    print(f"  ratio (median)           : {statistics.median(queued) / statistics.median(direct):7.1f}x")
    warm = [rss for elapsed, rss in samples if elapsed >= min(60.0, samples[-1][0] / 2)] or [samples[-1][1]]
    print(
        f"worker RSS over {arguments.minutes:g} min of schedules every 10 s: start {samples[0][1]:.1f} MiB, "
        f"after warm-up {warm[0]:.1f} MiB, end {samples[-1][1]:.1f} MiB, max {max(r for _, r in samples):.1f} MiB, "
        f"end/warm {samples[-1][1] / warm[0]:.3f}"
    )


if __name__ == "__main__":
    main()
