"""Logging set-up: plain text for a terminal, or one JSON object per line (``ACCTGRAPH_LOG_FORMAT=json``)
with the request id on every line logged while a request runs."""

from __future__ import annotations

import logging
import logging.config
import sys
from typing import Any, TextIO

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

from acctgraph.observability.request_context import current_request_id
from acctgraph.settings import Settings

JSON_FIELDS = "%(levelname)s %(name)s %(message)s"
NOT_LOGGED = frozenset({"color_message"})  # uvicorn's ANSI-coloured copy of the message
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class RequestIdFilter(logging.Filter):
    """Stamps each record with the id of the request it was logged in ("-" outside requests)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        return True


class AcctgraphHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Ours, so that configuring again replaces it and leaves other handlers (e.g. pytest's) alone.

    Writes to whatever ``sys.stderr`` is at the time (as logging's last-resort handler does), so a
    stream swapped by a test harness or daemon manager is never written to after it is closed.
    """

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def log_formatter(log_format: str) -> logging.Formatter:
    if log_format == "json":
        return JsonFormatter(
            JSON_FIELDS,
            rename_fields={"levelname": "level", "name": "logger"},
            timestamp="time",
            reserved_attrs=[*RESERVED_ATTRS, *NOT_LOGGED],
        )
    return logging.Formatter(TEXT_FORMAT)


def logging_config(settings: Settings) -> dict[str, Any]:
    """A ``logging.config.dictConfig`` dict: the root logger (and uvicorn's, which propagate to it) through
    one stderr handler in the configured format. ``acctgraph serve`` hands it to uvicorn, which applies it
    in every worker process; in JSON mode ``serve`` also turns uvicorn's access log off, the request log
    line (with its id, operation, status and duration) replacing it."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"acctgraph": {"()": log_formatter, "log_format": settings.log_format}},
        "handlers": {"stderr": {"()": AcctgraphHandler, "formatter": "acctgraph", "filters": ["request_id"]}},
        "root": {"level": settings.log_level.upper(), "handlers": ["stderr"]},
        "loggers": {
            name: {"handlers": [], "propagate": True} for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
        },
    }


def configure_logging(settings: Settings) -> None:
    """Apply ``logging_config`` in this process (a worker or another long-running command)."""
    logging.config.dictConfig(logging_config(settings))
