"""Structured logs: with ACCTGRAPH_LOG_FORMAT=json every line is a JSON object, and lines logged while a
request runs carry its id (the one the response returns)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import httpx
import pytest

from acctgraph import models as m
from acctgraph.app import create_app
from acctgraph.observability.logs import configure_logging
from acctgraph.settings import Settings

LOGGERS = ("", "uvicorn", "uvicorn.error", "uvicorn.access")


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Logging is process-wide: put back what the test changed, for the tests that follow."""
    saved = {name: (logging.getLogger(name), list(logging.getLogger(name).handlers)) for name in LOGGERS}
    levels = {name: (logger.level, logger.propagate) for name, (logger, _) in saved.items()}
    yield
    for name, (logger, handlers) in saved.items():
        logger.handlers = handlers
        logger.level, logger.propagate = levels[name]


async def test_json_log_lines_carry_the_request_id(
    api_settings: Settings, sample, capsys: pytest.CaptureFixture[str], restore_logging: None
) -> None:
    token = sample.api_key(sample.user(role=m.Role.VIEWER))
    sample.session.commit()
    settings = api_settings.model_copy(update={"log_format": "json"})
    configure_logging(settings)
    app = create_app(settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        response = await http.post(
            "/graphql",
            json={"query": "query Count { accounts { totalCount } }"},
            headers={"Authorization": f"Bearer {token}"},
        )
    await app.state.engine.dispose()
    logging.getLogger("acctgraph.test").warning("outside any request")

    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    request_id = response.headers["x-request-id"]
    (request_line,) = [line for line in lines if line["logger"] == "acctgraph.request"]
    assert request_line["request_id"] == request_id
    assert request_line["message"] == "POST /graphql 200"
    assert (request_line["operation"], request_line["status"], request_line["level"]) == ("query Count", 200, "INFO")
    assert request_line["sql_statements"] >= 1 and request_line["duration_ms"] > 0
    assert lines[-1]["message"] == "outside any request" and lines[-1]["request_id"] == "-"
    assert all({"time", "level", "logger", "message", "request_id"} <= set(line) for line in lines)


def test_text_is_the_default_format() -> None:
    assert Settings(_env_file=None).log_format == "text"


def test_creating_the_app_leaves_the_process_logging_alone(api_settings: Settings) -> None:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    create_app(api_settings.model_copy(update={"log_format": "json"}))
    assert (root.handlers, root.level) == (handlers, level)
