"""Exactly-once from a SQL source: a sync killed with SIGKILL at random moments, then run again, leaves
what a clean sync leaves, on SQLite and PostgreSQL targets."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from acctgraph_sql import SqlConnector
from sql_sources import sql_config, write_source

from acctgraph.testing.engine_runs import check_sigkilled_sync_then_rerun_equals_clean_run

URL_VARIABLE = "ACCTGRAPH_TEST_SQL_SOURCE_URL"


@pytest.mark.slow
def test_sql_sync_killed_mid_run_then_rerun_equals_clean_run(
    backend: str, new_database_url: Callable[[str], str], new_source_url: Callable[[str], str], monkeypatch
) -> None:
    source = new_source_url("sqlite")
    write_source(source, accounts=400, days=4)  # the 400th deleted: a tombstone, no row
    monkeypatch.setenv(URL_VARIABLE, source)
    values = {**sql_config(f"env:{URL_VARIABLE}", batch_size=25)}
    expected = check_sigkilled_sync_then_rerun_equals_clean_run(
        new_database_url, backend, SqlConnector, values, batch_size=50, kill_after=(0.05, 0.5)
    )  # the whole sync takes seconds: each kill lands within its first half second
    assert len(expected["accounts"]) == 399 and len(expected["usage_metrics"]) == 399 * 4
