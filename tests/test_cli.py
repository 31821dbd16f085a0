"""The admin CLI, run as users run it: a real process, real databases, one-line errors."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from alembic.script import ScriptDirectory

from acctgraph import migrations
from acctgraph import models as m
from tests.fixtures import SampleData


def acctgraph(*args: str, database_url: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ACCTGRAPH_DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "acctgraph", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=120
    )


def test_db_upgrade_then_current_then_history(backend: str, new_database_url) -> None:
    url = new_database_url(backend)

    upgraded = acctgraph("db", "upgrade", database_url=url)
    current = acctgraph("db", "current", database_url=url)
    history = acctgraph("db", "history", database_url=url)

    assert upgraded.returncode == 0, upgraded.stderr
    assert "(head)" in current.stdout
    assert "0001" in history.stdout


def test_a_bad_database_url_is_one_line_saying_what_to_fix() -> None:
    result = acctgraph("db", "current", database_url="mysql://root@localhost/x")

    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert "supports SQLite and PostgreSQL" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unreachable_database_is_one_line_saying_what_to_fix() -> None:
    result = acctgraph("db", "upgrade", database_url="postgresql://postgres@127.0.0.1:1/acctgraph")

    assert result.returncode == 1
    assert result.stderr.startswith(
        "error: cannot reach the database at postgresql+psycopg://postgres@127.0.0.1:1/acctgraph"
    )
    assert "Check ACCTGRAPH_DATABASE_URL" in result.stderr


def test_an_unknown_revision_is_a_clear_error(new_database_url) -> None:
    result = acctgraph("db", "upgrade", "nonexistent", database_url=new_database_url("sqlite"))

    assert result.returncode == 1
    assert "acctgraph db history" in result.stderr
    assert "Traceback" not in result.stderr


def test_schema_export_writes_the_sdl(tmp_path: Path) -> None:
    result = acctgraph("schema", "export", "--output", str(tmp_path / "schema.graphql"), database_url="sqlite://")

    assert result.returncode == 0, result.stderr
    assert "type Query" in (tmp_path / "schema.graphql").read_text()


def head_revision() -> str:
    return ScriptDirectory.from_config(migrations.alembic_config("sqlite://")).get_current_head()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_answers_graphql_with_two_workers(migrated_url: str, sample: SampleData) -> None:
    token = sample.api_key(sample.user(role=m.Role.VIEWER))
    sample.session.commit()
    port = free_port()
    env = {**os.environ, "ACCTGRAPH_DATABASE_URL": migrated_url}
    server = subprocess.Popen(
        [sys.executable, "-m", "acctgraph", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        health = wait_for(f"http://127.0.0.1:{port}/healthz")
        answer = httpx.post(
            f"http://127.0.0.1:{port}/graphql",
            json={"query": "{ accounts { totalCount } }"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]

    assert health.json() == {"status": "ok", "database": "reachable"}
    assert answer.json() == {"data": {"accounts": {"totalCount": 0}}}
    assert f"http://127.0.0.1:{port}/graphql" in output


def wait_for(url: str, seconds: float = 30) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while True:
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_a_command_on_an_unmigrated_database_says_to_upgrade(new_database_url) -> None:
    result = acctgraph("sync", "status", database_url=new_database_url("sqlite"))

    assert result.returncode == 1
    assert result.stderr.strip() == (
        "error: the database has no acctgraph tables yet; this acctgraph needs "
        f"{head_revision()}: run `acctgraph db upgrade`"
    )
