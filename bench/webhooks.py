"""Webhook delivery throughput and latency (event committed -> received) to a local receiver, beside a
baseline of plain httpx POSTs of the same bodies to the same receiver, interleaved in one run.

    python bench/webhooks.py [--database-url URL] [--events N] [--rounds R] [--rate PER_SECOND]

Without --database-url a fresh SQLite file is migrated in a temporary directory; a PostgreSQL URL must
name an empty, migrated database (its events and webhook tables are emptied before each round).

- burst: N events are committed, then one outbox pass dispatches and delivers them all: events per
  second of the pass, against the baseline's plain POSTs per second;
- steady: events are committed one per transaction at --rate per second while a delivery loop runs
  passes back to back: p50/p99 of (received - committed) per event, against the baseline's p50/p99 of
  (received - POST started). The gap is the outbox's price: polling, claiming, signing, recording.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import Engine, delete
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from acctgraph.db import create_sync_engine, sync_sessionmaker
from acctgraph.domain.events import EventType, publish
from acctgraph.migrations import upgrade
from acctgraph.models import Event, WebhookDelivery, WebhookEndpoint
from acctgraph.notifications.endpoints import CreateWebhookEndpoint, create_webhook_endpoint
from acctgraph.notifications.outbox import process_outbox
from acctgraph.notifications.signing import signed_headers
from acctgraph.settings import Settings
from acctgraph.testing.http import serve


@dataclass
class Receiver:
    arrivals: dict[str, float] = field(default_factory=dict)

    async def endpoint(self, request: Request) -> Response:
        await request.body()
        self.arrivals[request.headers["webhook-id"]] = time.perf_counter()
        return Response("ok")

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/hooks", self.endpoint, methods=["POST"])])


def reset(engine: Engine, url: str) -> None:
    with sync_sessionmaker(engine)() as session:
        for model in (WebhookDelivery, Event, WebhookEndpoint):
            session.execute(delete(model))
        create_webhook_endpoint(session, None, CreateWebhookEndpoint(url=url))
        session.commit()


def commit_event(engine: Engine, n: int) -> tuple[str, float]:
    with sync_sessionmaker(engine)() as session:
        event = publish(session, EventType.TASK_CREATED, {"task_id": n, "title": f"Task {n}", "account_id": n % 50})
        session.commit()
        return event.uid, time.perf_counter()


def outbox_burst(engine: Engine, settings: Settings, url: str, client: httpx.Client, events: int) -> float:
    reset(engine, url)
    for n in range(events):
        commit_event(engine, n)
    started = time.perf_counter()
    outcome = process_outbox(engine, settings, None, client)
    elapsed = time.perf_counter() - started
    assert outcome.delivery.delivered == events, outcome
    return events / elapsed


def baseline_burst(receiver: Receiver, url: str, client: httpx.Client, events: int) -> tuple[float, list[float]]:
    """Plain POSTs of event-shaped signed bodies: per second, and each one's POST-to-received latency."""
    latencies = []
    started = time.perf_counter()
    for n in range(events):
        uid = f"evt_baseline{n}_{started}"
        body = b'{"type":"task.created","timestamp":"2026-01-01T00:00:00+00:00","data":{"task_id":%d}}' % n
        sent = time.perf_counter()
        client.post(url, content=body, headers=signed_headers("whsec_" + "A" * 32, uid, int(time.time()), body))
        latencies.append(receiver.arrivals[uid] - sent)
    return events / (time.perf_counter() - started), latencies


def outbox_steady(
    engine: Engine, settings: Settings, receiver: Receiver, url: str, client: httpx.Client, events: int, rate: float
) -> list[float]:
    reset(engine, url)
    committed: dict[str, float] = {}
    done = threading.Event()

    def deliver_loop() -> None:
        while not done.is_set():
            process_outbox(engine, settings, None, client)
            time.sleep(0.005)

    worker = threading.Thread(target=deliver_loop)
    worker.start()
    for n in range(events):
        uid, at = commit_event(engine, n)
        committed[uid] = at
        time.sleep(1 / rate)
    deadline = time.monotonic() + 30
    while not all(uid in receiver.arrivals for uid in committed) and time.monotonic() < deadline:
        time.sleep(0.01)
    done.set()
    worker.join()
    return [receiver.arrivals[uid] - at for uid, at in committed.items()]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rate", type=float, default=50.0, help="Events committed per second in the steady run.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        url = args.database_url or f"sqlite:///{Path(directory) / 'bench.db'}"
        if args.database_url is None:
            upgrade(url)
        run(url, args)


def run(database_url: str, args: argparse.Namespace) -> None:
    settings = Settings(database_url=database_url, _env_file=None)
    engine = create_sync_engine(database_url)
    receiver = Receiver()
    outbox_rates, baseline_rates, outbox_latency, baseline_latency = [], [], [], []
    with serve(receiver.app()) as base_url, httpx.Client() as client:
        hook_url = f"{base_url}/hooks"
        for _ in range(args.rounds):  # interleaved: baseline, outbox, baseline, outbox...
            rate, latencies = baseline_burst(receiver, hook_url, client, args.events)
            baseline_rates.append(rate)
            baseline_latency += latencies
            outbox_rates.append(outbox_burst(engine, settings, hook_url, client, args.events))
            outbox_latency += outbox_steady(engine, settings, receiver, hook_url, client, args.events // 3, args.rate)
    engine.dispose()
    base_rate, box_rate = statistics.median(baseline_rates), statistics.median(outbox_rates)
    print(f"database: {database_url.split('@')[-1]}; {args.rounds} rounds of {args.events} events, interleaved")
    print(
        f"baseline (plain httpx POSTs):  {base_rate:8.0f} /s   p50 {percentile(baseline_latency, 0.5) * 1000:6.1f} ms"
        f"   p99 {percentile(baseline_latency, 0.99) * 1000:6.1f} ms (POST -> received)"
    )
    print(
        f"webhooks (outbox, signed):     {box_rate:8.0f} /s   p50 {percentile(outbox_latency, 0.5) * 1000:6.1f} ms"
        f"   p99 {percentile(outbox_latency, 0.99) * 1000:6.1f} ms (commit -> received, {args.rate:.0f} events/s)"
    )
    print(
        f"ratio webhooks/baseline: throughput x{box_rate / base_rate:.2f}, "
        f"p99 latency x{percentile(outbox_latency, 0.99) / percentile(baseline_latency, 0.99):.1f}"
    )


if __name__ == "__main__":
    main()
