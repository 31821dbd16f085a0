"""Exactly-once through a Singer tap: a sync of the SDK-built tap killed with SIGKILL at random moments
(the sync process, and with it the tap's pipe), then run again, leaves what a clean sync leaves."""

from __future__ import annotations

import json
import random
import signal
import subprocess
from collections.abc import Callable
from typing import Any

import pytest
from acctgraph_singer import SingerConnector
from companies_api import TOKEN, CompaniesApi

from acctgraph import migrations
from acctgraph.db import create_sync_engine
from acctgraph.integration.engine import SyncOptions
from acctgraph.models import SyncRunStatus
from acctgraph.testing.engine_runs import synced_snapshot
from acctgraph.testing.http import add_test_connection, start_sync_process, sync_connection, wait_until_run_started

SECRETS_VARIABLE = "ACCTGRAPH_TEST_TAP_SECRETS"


@pytest.mark.slow
def test_singer_sync_killed_mid_run_then_rerun_equals_clean_run(
    backend: str,
    new_database_url: Callable[[str], str],
    companies_api: CompaniesApi,
    companies_config: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for n in range(40):
        companies_api.add(f"More {n}", minutes=10 + n)
    companies_api.controls.delay = 0.03
    monkeypatch.setenv(SECRETS_VARIABLE, json.dumps({"api_token": TOKEN}))
    values = {**companies_config, "tap_secrets": f"env:{SECRETS_VARIABLE}"}
    killed, clean = (create_sync_engine(new_database_url(backend)) for _ in range(2))
    for engine in (killed, clean):
        migrations.upgrade(engine.url.render_as_string(hide_password=False))
        add_test_connection(engine, SingerConnector, values)

    seed = random.randrange(1_000_000)
    rng, kills = random.Random(seed), 0
    for attempt in range(1, 3):  # the tap takes a second to start, then some 24 pages at 30 ms each
        process = start_sync_process(killed.url.render_as_string(hide_password=False), SingerConnector, batch_size=1)
        wait_until_run_started(killed, attempt, process)
        try:
            process.wait(timeout=rng.uniform(0.8, 1.8))
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=60)
            kills += 1
    assert kills >= 1, f"no sync was killed mid-way (seed {seed})"

    for engine in (killed, clean):
        run = sync_connection(engine, SingerConnector, values, SyncOptions(batch_size=1))
        assert run.status == SyncRunStatus.SUCCEEDED, run.error
    expected = synced_snapshot(clean)
    assert synced_snapshot(killed) == expected, f"seed {seed}"
    assert len(expected["accounts"]) == 46  # 47 companies, one deleted upstream
    for engine in (killed, clean):
        engine.dispose()
