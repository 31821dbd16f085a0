"""Shared pieces of the integration tests: the csv connector, CSV files, a connection, and a snapshot of
the synced data that ignores surrogate ids and timestamps (so two databases can be compared)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from acctgraph.db import sync_sessionmaker
from acctgraph.integration.connections import Connectors, add_connection
from acctgraph.integration.engine import SyncOptions, run_sync
from acctgraph.integration.plugins import connector_classes, create_plugin_manager
from acctgraph.models import SyncRun
from acctgraph.testing.engine_runs import synced_snapshot

CSV_PLUGIN_SOURCE = Path(__file__).resolve().parents[2] / "plugins" / "csv" / "src"
if str(CSV_PLUGIN_SOURCE) not in sys.path:
    sys.path.append(str(CSV_PLUGIN_SOURCE))  # the first-party plugin, whether or not pip-installed

import acctgraph_csv  # noqa: E402

SNAPSHOT_TABLES = (
    "accounts",
    "account_domains",
    "contacts",
    "usage_metrics",
    "external_refs",
    "quarantined_records",
    "rejected_records",
)


def csv_connectors() -> tuple[Any, Connectors]:
    """A plugin manager holding only the csv plugin: nothing else installed leaks into the tests."""
    manager = create_plugin_manager(load_entry_points=False)
    manager.register(acctgraph_csv, name="csv")
    return manager, Connectors(connector_classes(manager))


def write_csv_files(directory: Path, accounts: int = 20, usage_days: int = 3) -> None:
    """accounts.csv, contacts.csv (one per account, plus one whose account is unknown and one bad row)
    and usage_metrics.csv, in the canonical columns."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "accounts.csv").write_text(
        "external_id,name,domain,segment,region,parent_external_id,employees\n"
        + "".join(f"A{n},Account {n},account{n}.example,smb,EMEA,{'A0' if n else ''},{n}\n" for n in range(accounts))
    )
    (directory / "contacts.csv").write_text(
        "external_id,account_external_id,name,email\n"
        + "".join(f"C{n},A{n},Contact {n},c{n}@account{n}.example\n" for n in range(accounts))
        + "C-orphan,Z1,Orphan,o@later.example\n"
        + "C-bad,A0,,bad@account0.example\n"
    )
    (directory / "usage_metrics.csv").write_text(
        "account_external_id,metric,day,value\n"
        + "".join(
            f"A{n},active_users,2024-01-{d + 1:02d},{n * d}\n" for d in range(usage_days) for n in range(accounts)
        )
    )


def add_csv_connection(engine: Engine, directory: Path, name: str = "sheet", **config: Any) -> None:
    _, connectors = csv_connectors()
    with sync_sessionmaker(engine)() as session:
        add_connection(session, connectors, name, "csv", {"directory": str(directory), **config}, None)
        session.commit()


def sync(engine: Engine, name: str = "sheet", **options: Any) -> SyncRun:
    manager, connectors = csv_connectors()
    return run_sync(engine, name, connectors, options=SyncOptions(**options), hook=manager.hook)


def counts(run: SyncRun) -> dict[str, dict[str, int]]:
    columns = ("read", "created", "updated", "unchanged", "deleted", "rejected", "quarantined")
    return {s.stream: {c: getattr(s, c) for c in columns} for s in run.streams}


def snapshot(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every synced table as sorted rows, internal ids replaced by the external ids they stand for."""
    return synced_snapshot(session, SNAPSHOT_TABLES)


@pytest.fixture
def csv_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "exports"
    write_csv_files(directory)
    return directory


@pytest.fixture
def sheet(engine: Engine, db_url: str, csv_dir: Path) -> Callable[..., SyncRun]:
    """A csv connection named 'sheet' over ``csv_dir``; call it to sync."""
    add_csv_connection(engine, csv_dir, checkpoint_every=7)
    return lambda **options: sync(engine, **options)
