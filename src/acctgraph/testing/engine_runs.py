"""The contract kit's end-to-end checks: a connector synced through the real engine into a test database,
killed right after a committed checkpoint and run again, leaves exactly what a clean run leaves, and a
further run changes nothing; and the same with syncs in a process killed with SIGKILL at random moments.

The kill is simulated in the process: the connector's ``read`` raises :class:`SimulatedKill` (a
``BaseException``, so nothing catches it as an error) as soon as the engine has taken the chosen
checkpoint, which is when a ``kill -9`` loses the most. acctgraph's own kill tests send real SIGKILLs.
"""

from __future__ import annotations

import random
import signal
import subprocess
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import nullcontext
from typing import Any

from sqlalchemy import Engine, Table, select
from sqlalchemy.orm import Session

from acctgraph import migrations
from acctgraph.db import create_sync_engine
from acctgraph.integration.connections import Connectors
from acctgraph.integration.connector import Checkpoint, Connector, ConnectorConfig, Message, Stream, StreamState
from acctgraph.integration.engine import SyncOptions, run_sync
from acctgraph.integration.entity_specs import SPECS
from acctgraph.integration.records import Entity
from acctgraph.models import Base, ExternalRef, SyncRun, SyncRunStatus
from acctgraph.testing.databases import empty_all_tables
from acctgraph.testing.http import (
    TEST_SECRET_KEY,
    add_test_connection,
    start_sync_process,
    sync_connection,
    wait_until_run_started,
)

#: Surrogate keys, engine timestamps, and ``version`` (it counts writes, so it depends on batch boundaries).
IGNORED_COLUMNS = frozenset({"id", "internal_id", "created_at", "updated_at", "run_id", "connection_id", "version"})
SNAPSHOT_TABLES = (
    *(spec.table.name for spec in SPECS.values()),
    "account_domains",
    "external_refs",
    "quarantined_records",
    "rejected_records",
)


class SimulatedKill(BaseException):
    """Stands for ``kill -9`` right after the engine took a checkpoint."""


def killed_after_checkpoint(connector_class: type[Connector], stream_name: str, number: int) -> type[Connector]:
    """The connector, dying after yielding checkpoint ``number`` of stream ``stream_name``."""

    class Killed(connector_class):  # type: ignore[valid-type,misc]
        def read(self, stream: Stream, config: ConnectorConfig, state: StreamState) -> Iterator[Message]:
            taken = 0
            for message in super().read(stream, config, state):
                yield message
                if stream.name == stream_name and isinstance(message, Checkpoint):
                    taken += 1
                    if taken == number:
                        raise SimulatedKill(f"killed after checkpoint {number} of {stream_name}")

    return Killed


def synced_snapshot(
    bind: Engine | Session, tables: Sequence[str] = SNAPSHOT_TABLES
) -> dict[str, list[tuple[Any, ...]]]:
    """Every synced table as sorted rows, internal ids replaced by the source ids they stand for and
    ``deleted_at`` by whether the row is deleted: two syncs of the same data compare equal."""
    with Session(bind) if isinstance(bind, Engine) else nullcontext(bind) as session:
        external: dict[str, dict[int, str]] = {}
        for ref in session.scalars(select(ExternalRef)):
            table_name = SPECS[Entity(ref.object_type)].table.name
            external.setdefault(table_name, {})[ref.internal_id] = f"{ref.source}/{ref.external_id}"
        return {name: sorted(_rows(session, Base.metadata.tables[name], external)) for name in tables}


def _rows(session: Session, table: Table, external: dict[str, dict[int, str]]) -> Iterator[tuple[Any, ...]]:
    for row in session.execute(select(table)).mappings():
        values = []
        for column in table.columns:
            if column.name in IGNORED_COLUMNS:
                continue
            value = row[column.name]
            if column.name == "deleted_at":
                value = value is not None
            for foreign_key in column.foreign_keys:
                value = external.get(foreign_key.column.table.name, {}).get(value, value)
            values.append((column.name, str(value)))
        yield tuple(values)


def _sync(engine: Engine, connector_class: type[Connector], name: str, batch_size: int) -> SyncRun:
    connectors = Connectors({name: connector_class})
    options = SyncOptions(batch_size=batch_size, retry_backoff=0.01)
    return run_sync(engine, name, connectors, secret_key=TEST_SECRET_KEY, options=options)


def _differences(left: dict[str, list[tuple[Any, ...]]], right: dict[str, list[tuple[Any, ...]]]) -> str:
    lines = []
    for table in left:
        only_left = [row for row in left[table] if row not in right[table]]
        only_right = [row for row in right[table] if row not in left[table]]
        if only_left or only_right:
            lines.append(f"{table}: clean run only {only_left[:2]}, killed-and-rerun only {only_right[:2]}")
    return "; ".join(lines)


def check_sync_killed_at_a_checkpoint_then_rerun_equals_clean_run(
    engine: Engine, connector_class: type[Connector], values: Mapping[str, Any], stream_name: str, checkpoint: int
) -> None:
    """Clean sync; empty the database; sync killed after ``checkpoint`` of ``stream_name``, sync again:
    the data equal the clean run's; one more sync creates, updates and deletes nothing."""
    name = connector_class.name
    add_test_connection(engine, connector_class, values)
    clean = _sync(engine, connector_class, name, batch_size=1)
    assert clean.status == SyncRunStatus.SUCCEEDED, f"a clean sync ended {clean.status}: {clean.error}"
    expected = synced_snapshot(engine)
    assert any(expected[spec.table.name] for spec in SPECS.values()), "a clean sync wrote no record"
    empty_all_tables(engine)

    add_test_connection(engine, connector_class, values)
    try:
        _sync(engine, killed_after_checkpoint(connector_class, stream_name, checkpoint), name, batch_size=1)
    except SimulatedKill:
        pass
    else:
        raise AssertionError(f"stream {stream_name} never reached checkpoint {checkpoint} through the engine")
    rerun = _sync(engine, connector_class, name, batch_size=1)
    assert rerun.status == SyncRunStatus.SUCCEEDED, f"the sync after the kill ended {rerun.status}: {rerun.error}"
    after_kill = synced_snapshot(engine)
    assert after_kill == expected, (
        f"killed after checkpoint {checkpoint} of {stream_name} and run again, the data differ from a clean "
        f"run: {_differences(expected, after_kill)}"
    )

    again = _sync(engine, connector_class, name, batch_size=1)
    assert again.status == SyncRunStatus.SUCCEEDED, f"a second sync ended {again.status}: {again.error}"
    changed = {
        counts.stream: (counts.created, counts.updated, counts.deleted)
        for counts in again.streams
        if counts.created or counts.updated or counts.deleted
    }
    assert not changed, f"a second sync of unchanged data changed rows (created, updated, deleted): {changed}"
    assert synced_snapshot(engine) == expected, "a second sync of unchanged data changed the data"


def check_sigkilled_sync_then_rerun_equals_clean_run(
    new_database_url: Callable[[str], str],
    backend: str,
    connector_class: type[Connector],
    values: Mapping[str, Any],
    *,
    batch_size: int,
    kill_after: tuple[float, float],
    attempts: int = 2,
) -> dict[str, list[tuple[Any, ...]]]:
    """Syncs in a process killed with SIGKILL ``kill_after`` (a random span, in seconds) after their run
    started, then one to the end, leave what a clean sync into another database leaves; returns that.

    Secrets in ``values`` must be ``env:VAR`` references: the killed process has no sealing key.
    """
    killed, clean = (create_sync_engine(new_database_url(backend)) for _ in range(2))
    for engine in (killed, clean):
        migrations.upgrade(engine.url.render_as_string(hide_password=False))
        add_test_connection(engine, connector_class, values)
    seed = random.randrange(1_000_000)
    rng, kills = random.Random(seed), 0
    for attempt in range(1, attempts + 1):
        process = start_sync_process(killed.url.render_as_string(hide_password=False), connector_class, batch_size)
        wait_until_run_started(killed, attempt, process)
        try:
            process.wait(timeout=rng.uniform(*kill_after))
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=60)
            kills += 1
    assert kills >= 1, f"no sync was killed mid-way (seed {seed}): make the data larger or kill_after shorter"
    for engine in (killed, clean):
        run = sync_connection(engine, connector_class, values, SyncOptions(batch_size=batch_size))
        assert run.status == SyncRunStatus.SUCCEEDED, run.error
    expected = synced_snapshot(clean)
    assert synced_snapshot(killed) == expected, f"killed {kills} times and rerun, the data differ (seed {seed})"
    for engine in (killed, clean):
        engine.dispose()
    return expected
