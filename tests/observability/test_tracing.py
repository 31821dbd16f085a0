"""OpenTelemetry tracing: off by default; with ACCTGRAPH_OTEL_ENDPOINT, a query's GraphQL and SQL spans
reach an OTLP/HTTP collector (a local server decoding the protobuf export)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from acctgraph import models as m
from acctgraph.app import create_app
from acctgraph.observability.tracing import shutdown_tracing, tracing_extensions
from acctgraph.settings import Settings


class Collector(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), CollectorHandler)
        self.exports: list[tuple[str, ExportTraceServiceRequest]] = []


class CollectorHandler(BaseHTTPRequestHandler):
    server: Collector

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.exports.append((self.path, ExportTraceServiceRequest.FromString(body)))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def collector() -> Iterator[Collector]:
    server = Collector()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    shutdown_tracing()
    server.shutdown()


def test_tracing_is_off_unless_an_endpoint_is_set() -> None:
    assert tracing_extensions(Settings(_env_file=None)) == []


async def test_a_query_exports_graphql_and_sql_spans(api_settings: Settings, sample, collector: Collector) -> None:
    token = sample.api_key(sample.user(role=m.Role.ADMIN))
    sample.session.commit()
    endpoint = f"http://127.0.0.1:{collector.server_port}"
    app = create_app(api_settings.model_copy(update={"otel_endpoint": endpoint, "otel_service_name": "acctgraph-test"}))

    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
    async with app.router.lifespan_context(app), client as http:
        response = await http.post(
            "/graphql",
            json={"query": "query Traced { accounts { totalCount } }"},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.json() == {"data": {"accounts": {"totalCount": 0}}}

    paths = {path for path, _ in collector.exports}
    spans = [
        (span.name, resource.resource)
        for _, export in collector.exports
        for resource in export.resource_spans
        for scope in resource.scope_spans
        for span in scope.spans
    ]
    names = [name for name, _ in spans]
    assert paths == {"/v1/traces"}
    assert "GraphQL Query: Traced" in names
    assert any(name.startswith("SELECT") for name in names), names
    services = {
        attribute.value.string_value
        for _, resource in spans
        for attribute in resource.attributes
        if attribute.key == "service.name"
    }
    assert services == {"acctgraph-test"}
