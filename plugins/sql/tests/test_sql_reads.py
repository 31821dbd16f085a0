"""What the SQL connector reads: mapped rows, tombstones, incremental reads on the cursor column, clear
errors from check(), flat memory over a large table, and DuckDB as a source when its driver is installed."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from datetime import UTC, timedelta

import pytest
from acctgraph_sql import SqlConnector
from sql_sources import CRM_ACCOUNTS, START, sql_config, write_source
from sqlalchemy import create_engine, insert, update

from acctgraph.integration.connector import StreamState
from acctgraph.integration.errors import ConfigError
from acctgraph.testing import checks
from acctgraph.testing.databases import database_backends
from acctgraph.testing.engine_runs import check_sync_killed_at_a_checkpoint_then_rerun_equals_clean_run
from acctgraph.testing.http import read_messages


@pytest.fixture(params=database_backends())
def source_url(request: pytest.FixtureRequest, new_source_url: Callable[[str], str]) -> str:
    url = new_source_url(request.param)
    write_source(url)
    return url


def test_rows_are_mapped_renamed_with_constants_and_extra_columns(source_url: str) -> None:
    connector = SqlConnector()
    config = connector.parse_config(sql_config(source_url))
    accounts = read_messages(connector, config, "accounts")
    first = accounts.records[0]
    assert (first["external_id"], first["name"], first["domain"]) == ("1", "Account 1", "account1.example")
    assert first["employees"] == 10  # not canonical: kept as extra
    assert "updated_at" not in first and "is_deleted" not in first
    assert [t.external_id for t in accounts.tombstones] == ["9"]
    # pages of 4 ordered by (updated_at, id): the first ends at account 4, updated at START + 4 minutes
    page_end = (START + timedelta(minutes=4)).replace(tzinfo=UTC).isoformat()
    assert len(accounts.checkpoints) == 4 and accounts.checkpoints[0].resume == {"after": [page_end, 4]}

    usage = read_messages(connector, config, "usage").records
    assert {(u["account_external_id"], u["metric"], str(u["day"]), u["value"]) for u in usage} >= {
        ("3", "active_users", "2026-01-02", 6.0)
    }
    assert len(usage) == 16


def test_an_incremental_read_takes_rows_at_or_after_the_cursor(source_url: str) -> None:
    connector = SqlConnector()
    config = connector.parse_config(sql_config(source_url))
    first = read_messages(connector, config, "accounts")
    cursor = first.state().cursor
    assert cursor == (START + timedelta(minutes=8)).replace(tzinfo=UTC)

    engine = create_engine(source_url)
    with engine.begin() as connection:
        connection.execute(
            update(CRM_ACCOUNTS)
            .where(CRM_ACCOUNTS.c.id == 3)
            .values(name="Renamed", updated_at=START + timedelta(hours=1))
        )
        connection.execute(
            insert(CRM_ACCOUNTS).values(id=20, name="New", updated_at=START + timedelta(hours=2), is_deleted=False)
        )
    engine.dispose()
    again = read_messages(connector, config, "accounts", StreamState(cursor=cursor))
    assert [(r["external_id"], r["name"]) for r in again.records] == [
        ("8", "Account 8"),
        ("3", "Renamed"),
        ("20", "New"),
    ]
    assert again.tombstones[0].external_id == "9"  # shares the cursor's timestamp: read again (>=)


def test_check_names_a_missing_column_and_a_bad_query(sqlite_source: str) -> None:
    connector = SqlConnector()
    config = sql_config(sqlite_source)
    config["streams"][0]["fields"]["domain"] = "homepage"
    result = connector.check(connector.parse_config(config))
    assert not result.ok and "stream accounts: the query has no column homepage" in result.message

    config = sql_config(sqlite_source)
    config["streams"][1]["query"] = "SELECT * FROM no_such_table"
    result = connector.check(connector.parse_config(config))
    assert not result.ok and "no such table: no_such_table" in result.message


def test_a_url_without_its_driver_says_which_extra_to_install() -> None:
    connector = SqlConnector()
    config = connector.parse_config(sql_config("snowflake://reader:s3cret@acme/analytics"))
    result = connector.check(config)
    assert not result.ok and "pip install 'acctgraph-sql[" in result.message and "s3cret" not in result.message
    with pytest.raises(ConfigError, match="no SQLAlchemy driver"):
        list(connector.read(connector.streams(config)[0], config, StreamState()))


def test_memory_stays_flat_however_many_rows(new_source_url: Callable[[str], str]) -> None:
    """Reading ten times the rows does not take ten times the memory: rows stream in batches."""
    peaks = []
    for accounts in (1_000, 10_000):
        url = new_source_url("sqlite").replace("source.sqlite", f"source-{accounts}.sqlite")
        write_source(url, accounts=accounts, days=0)
        connector = SqlConnector()
        config = connector.parse_config(sql_config(url, batch_size=200))
        stream = connector.streams(config)[0]
        tracemalloc.start()
        read = sum(1 for _ in connector.read(stream, config, StreamState()))
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert read == accounts + accounts // 200 + 1  # rows and tombstone, a checkpoint per batch, the last
    assert peaks[1] < 2 * peaks[0], f"peak memory grew from {peaks[0]} to {peaks[1]} bytes"


def test_duckdb_as_a_source_reads_resumes_and_syncs(new_source_url: Callable[[str], str], engine, db_url) -> None:
    pytest.importorskip("duckdb_engine")
    url = new_source_url("duckdb")
    write_source(url)
    connector = SqlConnector()
    config = connector.parse_config(sql_config(url))
    for stream in connector.streams(config):
        checks.check_resume_after_every_checkpoint(connector, stream, config)
        checks.check_cursor_advances(connector, stream, config)
    check_sync_killed_at_a_checkpoint_then_rerun_equals_clean_run(engine, SqlConnector, sql_config(url), "usage", 2)
