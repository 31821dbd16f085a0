"""Exactly-once through a Singer tap: a sync of the SDK-built tap killed with SIGKILL at random moments
(the sync process, and with it the tap's pipe), then run again, leaves what a clean sync leaves."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from acctgraph_singer import SingerConnector
from companies_api import TOKEN, CompaniesApi

from acctgraph.testing.engine_runs import check_sigkilled_sync_then_rerun_equals_clean_run

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
    companies_api.controls.delay = 0.05
    monkeypatch.setenv(SECRETS_VARIABLE, json.dumps({"api_token": TOKEN}))
    values = {**companies_config, "tap_secrets": f"env:{SECRETS_VARIABLE}"}
    expected = check_sigkilled_sync_then_rerun_equals_clean_run(
        new_database_url, backend, SingerConnector, values, batch_size=1, kill_after=(0.2, 1.5), attempts=4
    )  # the tap takes up to a second to start, then some 24 pages at 50 ms each
    assert len(expected["accounts"]) == 46  # 47 companies, one deleted upstream
