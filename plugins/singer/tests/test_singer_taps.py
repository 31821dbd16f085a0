"""The Singer connector on real taps: tap-jsonl from PyPI over local files (mapping, sync through the
engine, a kill at a STATE then a rerun), and the SDK-built tap crashing mid-stream, which resumes from
its last committed STATE."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from acctgraph_singer import SingerConnector
from companies_api import CompaniesApi
from pydantic import ValidationError
from sqlalchemy import Engine

from acctgraph.integration.connector import StreamState
from acctgraph.integration.engine import SyncOptions
from acctgraph.integration.errors import ConfigError
from acctgraph.models import SyncRunStatus
from acctgraph.testing.engine_runs import check_sync_killed_at_a_checkpoint_then_rerun_equals_clean_run, synced_snapshot
from acctgraph.testing.http import read_messages, sync_connection


def test_tap_jsonl_records_are_mapped_with_account_reference_and_constants(jsonl_usage_config: dict[str, Any]) -> None:
    connector = SingerConnector()
    config = connector.parse_config(jsonl_usage_config)
    read = read_messages(connector, config, "usage")
    assert len(read.records) == 15 and read.checkpoints and not read.errors
    week_two = {(r["account_external_id"], r["metric"], str(r["day"]), r["value"]) for r in read.records}
    assert ("cus_3", "weekly_active_users", "2026-01-15", 9.0) in week_two
    assert read.checkpoints[-2].resume["singer_state"]["bookmarks"]["usage"]  # the tap's own state


def test_tap_jsonl_syncs_through_the_engine_killed_at_its_state_then_rerun(
    jsonl_customers_config: dict[str, Any], engine: Engine, db_url: str
) -> None:
    check_sync_killed_at_a_checkpoint_then_rerun_equals_clean_run(
        engine, SingerConnector, jsonl_customers_config, "accounts", 1
    )
    accounts = synced_snapshot(engine)["accounts"]
    assert len(accounts) == 9 and all(("segment", "enterprise") in row for row in accounts)


def test_a_tap_crashing_mid_stream_resumes_from_its_last_committed_state(
    companies_config: dict[str, Any], companies_api: CompaniesApi, engine: Engine, db_url: str, tmp_path: Path
) -> None:
    flag = tmp_path / "crash-once"
    flag.touch()
    config = {**companies_config, "tap_config": {**companies_config["tap_config"], "crash_flag": str(flag)}}
    run = sync_connection(engine, SingerConnector, config, SyncOptions(batch_size=1, retry_backoff=0.01))
    assert run.status == SyncRunStatus.SUCCEEDED, run.error
    assert not flag.exists(), "the tap never crashed"

    queries = [request.query for request in companies_api.controls.requests]
    assert queries[:2] == ["", "after=2"]  # the first run: two pages (four records, two STATEs), then the crash
    assert "updated_since=2026-01-01T00%3A03%3A00%2B00%3A00" in queries[2], queries  # from the last STATE
    assert len([q for q in queries if "updated_since" not in q]) == 2, "the tap started again from scratch"

    (counts,) = run.streams
    assert (counts.created, counts.deleted) == (6, 0)  # seven companies, the seventh deleted upstream
    assert len(synced_snapshot(engine)["accounts"]) == 6


def test_a_tap_not_installed_is_a_configuration_error(companies_config: dict[str, Any]) -> None:
    connector = SingerConnector()
    config = connector.parse_config({**companies_config, "tap": "tap-not-installed-here"})
    result = connector.check(config)
    assert not result.ok and "tap 'tap-not-installed-here' not found: install it" in result.message
    with pytest.raises(ConfigError, match="not found"):
        list(connector.read(connector.streams(config)[0], config, StreamState()))


def test_a_bad_mapping_file_is_refused_naming_the_key(companies_config: dict[str, Any], tmp_path: Path) -> None:
    mapping = tmp_path / "bad.yaml"
    mapping.write_text("streams:\n  - tap_stream: companies\n    entity: spreadsheet\n")
    with pytest.raises(ValidationError, match=r"(?s)mapping file .*bad.yaml.*streams\.0\.entity"):
        SingerConnector.parse_config({**companies_config, "mapping_file": str(mapping)})
    mapping.write_text(json.dumps({"streams": []}))
    with pytest.raises(ValidationError, match="at least 1 item"):
        SingerConnector.parse_config({**companies_config, "mapping_file": str(mapping)})


def test_a_catalog_is_passed_to_the_tap_and_settings_may_come_as_json(
    jsonl_usage_config: dict[str, Any], tmp_path: Path
) -> None:
    """The tap's own discovered catalog, with the stream deselected, passed as --catalog: no record."""
    settings = tmp_path / "tap-config.json"
    settings.write_text(json.dumps(jsonl_usage_config["tap_config"]))
    discovered = subprocess.run(
        [jsonl_usage_config["tap"], "--config", str(settings), "--discover"], capture_output=True, check=True, text=True
    )
    catalog = json.loads(discovered.stdout)
    for entry in catalog["streams"]:
        for metadata in entry["metadata"]:
            if metadata["breadcrumb"] == []:
                metadata["metadata"]["selected"] = False
    (tmp_path / "catalog.json").write_text(json.dumps(catalog))

    connector = SingerConnector()
    values = {**jsonl_usage_config, "tap_config": json.dumps(jsonl_usage_config["tap_config"])}
    selected = connector.parse_config(values)
    assert len(read_messages(connector, selected, "usage").records) == 15
    deselected = connector.parse_config({**values, "catalog_file": str(tmp_path / "catalog.json")})
    assert read_messages(connector, deselected, "usage").records == []
