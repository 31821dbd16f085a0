"""Prometheus metrics (``prometheus_client``), served at ``/metrics``; docs/observability.md defines each one.

The API records requests itself; other processes (the worker, webhook delivery) update the sync, queue
and webhook metrics through the functions below, and a process without the API can serve them with
``start_metrics_server``. Under ``PROMETHEUS_MULTIPROC_DIR`` the uvicorn workers' figures are summed.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
    start_http_server,
)

REQUESTS = Counter(
    "acctgraph_requests_total", "HTTP requests, by GraphQL operation (or route) and status.", ["operation", "status"]
)
REQUEST_SECONDS = Histogram(
    "acctgraph_request_duration_seconds", "Time to answer a request, by operation.", ["operation"]
)
REQUEST_STATEMENTS = Histogram(
    "acctgraph_request_sql_statements",
    "SQL statements one request issued (authentication's included), by operation.",
    ["operation"],
    buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500),
)
SYNC_ROWS = Counter(
    "acctgraph_sync_rows_total", "Records committed by syncs, by connection and stream.", ["connection", "stream"]
)
SYNC_LAG = Gauge(
    "acctgraph_sync_lag_seconds",
    "Seconds since the connection's last successful sync finished.",
    ["connection"],
    multiprocess_mode="max",
)
QUEUE_DEPTH = Gauge("acctgraph_queue_depth", "Tasks waiting in a queue.", ["queue"], multiprocess_mode="max")
WEBHOOK_FAILURES = Counter(
    "acctgraph_webhook_failures_total", "Failed webhook delivery attempts, by endpoint.", ["endpoint"]
)


def record_request(operation: str, status: int, seconds: float, statements: int) -> None:
    REQUESTS.labels(operation, str(status)).inc()
    REQUEST_SECONDS.labels(operation).observe(seconds)
    REQUEST_STATEMENTS.labels(operation).observe(statements)


def record_sync_rows(connection: str, stream: str, rows: int) -> None:
    SYNC_ROWS.labels(connection, stream).inc(rows)


def set_sync_lag(connection: str, seconds: float) -> None:
    SYNC_LAG.labels(connection).set(seconds)


def set_queue_depth(queue: str, depth: int) -> None:
    QUEUE_DEPTH.labels(queue).set(depth)


def record_webhook_failure(endpoint: str) -> None:
    WEBHOOK_FAILURES.labels(endpoint).inc()


def exposition() -> tuple[bytes, str]:
    """The metrics in Prometheus' text format, and its content type."""
    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return generate_latest(registry), CONTENT_TYPE_LATEST


def start_metrics_server(port: int, host: str = "127.0.0.1") -> None:
    """Serve ``/metrics`` from a process that has no API (e.g. a worker), on its own port."""
    start_http_server(port, addr=host)
