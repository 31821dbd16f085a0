"""Observability: JSON logs with a request id, Prometheus metrics, OpenTelemetry tracing, and the doctor's checks."""
