"""The real set-up path without the demo: an empty database, `db upgrade`, `init --admin-email`, `serve`,
and the printed key answering a real HTTP call; with JSON logs carrying the request id, and /metrics."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import httpx
import pytest

from tests.test_cli import acctgraph, free_port, wait_for


@pytest.mark.slow
def test_an_empty_database_to_a_first_admin_and_a_working_key(backend: str, new_database_url) -> None:
    url = new_database_url(backend)
    assert acctgraph("db", "upgrade", database_url=url).returncode == 0

    first = acctgraph("init", "--admin-email", "Lead@Corp.example", database_url=url)
    again = acctgraph("init", "--admin-email", "other@corp.example", database_url=url)

    assert first.returncode == 0, first.stderr
    token = first.stdout.strip()
    assert token.startswith("ag_") and "\n" not in token
    assert "not shown again" in first.stderr
    assert again.returncode == 1
    assert again.stderr.strip() == (
        "error: the database already has 1 user: `init` only sets up an empty database; "
        "add users with `acctgraph users create`"
    )

    port = free_port()
    env = {**os.environ, "ACCTGRAPH_DATABASE_URL": url, "ACCTGRAPH_LOG_FORMAT": "json"}
    server = subprocess.Popen(
        [sys.executable, "-m", "acctgraph", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
        answer = httpx.post(
            f"http://127.0.0.1:{port}/graphql",
            json={"query": "query Me { me { role user { email } } }", "operationName": "Me"},
            headers={"Authorization": f"Bearer {token}", "X-Request-ID": "setup-check-1"},
            timeout=10,
        )
        metrics = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
    finally:
        server.terminate()
        _, logs = server.communicate(timeout=30)

    assert answer.json() == {"data": {"me": {"role": "ADMIN", "user": {"email": "lead@corp.example"}}}}
    assert answer.headers["x-request-id"] == "setup-check-1"
    assert 'acctgraph_requests_total{operation="query Me",status="200"} 1.0' in metrics
    lines = [json.loads(line) for line in logs.splitlines() if line.startswith("{")]
    request_line = next(line for line in lines if line.get("request_id") == "setup-check-1")
    assert request_line["logger"] == "acctgraph.request"
    assert (request_line["operation"], request_line["status"]) == ("query Me", 200)
    assert request_line["message"] == "POST /graphql 200"
