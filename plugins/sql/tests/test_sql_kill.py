"""Exactly-once from a SQL source: a sync killed with SIGKILL at random moments, then run again, leaves
what a clean sync leaves, on SQLite and PostgreSQL targets."""

from __future__ import annotations

import random
import signal
import subprocess
from collections.abc import Callable

import pytest
from acctgraph_sql import SqlConnector
from conftest import sql_config, write_source

from acctgraph import migrations
from acctgraph.db import create_sync_engine
from acctgraph.integration.engine import SyncOptions
from acctgraph.models import SyncRunStatus
from acctgraph.testing.engine_runs import synced_snapshot
from acctgraph.testing.http import add_test_connection, start_sync_process, sync_connection, wait_until_run_started

URL_VARIABLE = "ACCTGRAPH_TEST_SQL_SOURCE_URL"


@pytest.mark.slow
def test_sql_sync_killed_mid_run_then_rerun_equals_clean_run(
    backend: str, new_database_url: Callable[[str], str], new_source_url: Callable[[str], str], monkeypatch
) -> None:
    source = new_source_url("sqlite")
    write_source(source, accounts=400, days=4)  # the 400th deleted: a tombstone, no row
    monkeypatch.setenv(URL_VARIABLE, source)
    values = {**sql_config(f"env:{URL_VARIABLE}", batch_size=25)}
    killed, clean = (create_sync_engine(new_database_url(backend)) for _ in range(2))
    for engine in (killed, clean):
        migrations.upgrade(engine.url.render_as_string(hide_password=False))
        add_test_connection(engine, SqlConnector, values)

    seed = random.randrange(1_000_000)
    rng, kills = random.Random(seed), 0
    for attempt in range(1, 3):  # the whole sync takes seconds: each kill lands within its first half second
        process = start_sync_process(killed.url.render_as_string(hide_password=False), SqlConnector, batch_size=50)
        wait_until_run_started(killed, attempt, process)
        try:
            process.wait(timeout=rng.uniform(0.05, 0.5))
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=60)
            kills += 1
    assert kills >= 1, f"no sync was killed mid-way (seed {seed})"

    for engine in (killed, clean):
        run = sync_connection(engine, SqlConnector, values, SyncOptions(batch_size=50))
        assert run.status == SyncRunStatus.SUCCEEDED, run.error
    expected = synced_snapshot(clean)
    assert synced_snapshot(killed) == expected, f"seed {seed}"
    assert len(expected["accounts"]) == 399 and len(expected["usage_metrics"]) == 399 * 4
    for engine in (killed, clean):
        engine.dispose()
