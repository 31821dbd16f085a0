"""OpenTelemetry tracing, off unless ``ACCTGRAPH_OTEL_ENDPOINT`` names an OTLP/HTTP collector.

Spans come from strawberry's ``OpenTelemetryExtension`` (operation, parse, validate, resolvers) and
SQLAlchemy's instrumentation (one span per statement). The packages are the optional ``otel`` extra
(``pip install acctgraph[otel]``); a configured endpoint without them is a clear error at start-up.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from strawberry.extensions import SchemaExtension

from acctgraph.settings import Settings

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider


class TracingUnavailable(Exception):
    """Tracing is configured but the ``otel`` extra is not installed."""


_providers: list[TracerProvider] = []


def tracer_provider(settings: Settings) -> TracerProvider | None:
    """The process's tracer provider for the configured endpoint, or None when tracing is off."""
    if not settings.otel_endpoint:
        return None
    return _provider(settings.otel_endpoint.rstrip("/"), settings.otel_service_name)


@cache
def _provider(endpoint: str, service_name: str) -> TracerProvider:
    try:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError:
        raise TracingUnavailable(
            "ACCTGRAPH_OTEL_ENDPOINT is set but OpenTelemetry is not installed: pip install 'acctgraph[otel]'"
        ) from None
    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=f"{endpoint}/v1/traces")))
    _providers.append(provider)
    return provider


def tracing_extensions(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    """Strawberry's tracing extension when tracing is on; nothing otherwise."""
    provider = tracer_provider(settings)
    if provider is None:
        return []
    from strawberry.extensions.tracing import OpenTelemetryExtension

    return [lambda: OpenTelemetryExtension(tracer_provider=provider)]


def trace_sql(settings: Settings, engines: Sequence[Engine]) -> None:
    """One span per SQL statement of the ``engines`` when tracing is on (instrumented together: the
    instrumentor instruments once per process)."""
    provider = tracer_provider(settings)
    if provider is not None:
        from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

        # The instrumentation declares "sqlalchemy < 2.1" while it uses only the engine events 2.1 kept the
        # same; its dependency check would otherwise refuse to instrument (a test checks the SQL spans).
        SQLAlchemyInstrumentor().instrument(engines=list(engines), tracer_provider=provider, skip_dep_check=True)


def flush_spans(settings: Settings) -> None:
    """Send the spans still batched (at shutdown)."""
    provider = tracer_provider(settings)
    if provider is not None:
        provider.force_flush()


def shutdown_tracing() -> None:
    """Stop tracing in this process: undo the SQLAlchemy instrumentation (which also traces engines created
    later) and shut the providers down. For tests and programs embedding several apps."""
    if _provider.cache_info().currsize == 0:
        return
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    SQLAlchemyInstrumentor().uninstrument()
    for provider in _providers:
        provider.shutdown()
    _providers.clear()
    _provider.cache_clear()
