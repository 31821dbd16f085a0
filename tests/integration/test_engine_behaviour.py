"""How the engine reacts to what a connector does: rate limits end a run as partial and the next run
resumes; transient failures are retried; cursors never pass the run's start minus the lookback;
tombstones and dropped contract lines mark rows deleted; oversized state is refused."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import ClassVar

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from acctgraph import models as m
from acctgraph.db import sync_sessionmaker
from acctgraph.integration.connections import Connectors, add_connection
from acctgraph.integration.connector import (
    Checkpoint,
    CheckResult,
    Connector,
    ConnectorConfig,
    Message,
    Stream,
    StreamState,
    SyncMode,
    Tombstone,
)
from acctgraph.integration.engine import SyncOptions, run_sync
from acctgraph.integration.errors import RateLimited, TransientError
from acctgraph.integration.records import AccountRecord, ContractRecord, Entity
from acctgraph.models import SyncRunStatus

FUTURE = datetime.now(UTC) + timedelta(days=1)


class ScriptedConfig(ConnectorConfig):
    scenario: str
    accounts: int = 10
    lines: int = 2


class Scripted(Connector):
    """A connector whose behaviour is chosen by its configuration's ``scenario``."""

    name = "scripted"
    config_model = ScriptedConfig
    transient_failures_left: ClassVar[int] = 0

    def check(self, config: ScriptedConfig) -> CheckResult:  # type: ignore[override]
        return CheckResult(True, "scripted")

    def streams(self, config: ScriptedConfig) -> list[Stream]:  # type: ignore[override]
        modes = frozenset({SyncMode.INCREMENTAL, SyncMode.FULL_REFRESH})
        return [
            Stream(
                "companies",
                Entity.ACCOUNT,
                cursor_field="updated_at",
                lookback=timedelta(hours=1),
                reports_deletes=True,
                sync_modes=modes,
            ),
            Stream("subscriptions", Entity.CONTRACT, reports_deletes=True),
        ]

    def read(self, stream: Stream, config: ScriptedConfig, state: StreamState) -> Iterator[Message]:  # type: ignore[override]
        if stream.entity is Entity.CONTRACT:
            yield from self._contracts(config)
            return
        start = int(state.resume.get("next", 0))
        for n in range(start, config.accounts):
            if config.scenario == "rate_limited" and n == 7 and start == 0:
                raise RateLimited(FUTURE)
            if config.scenario == "transient" and n == 3 and Scripted.transient_failures_left:
                Scripted.transient_failures_left -= 1
                raise TransientError("connection reset")
            yield AccountRecord(external_id=f"S{n}", name=f"Scripted {n}")
            if n % 2 == 1:
                yield Checkpoint(
                    cursor=FUTURE,
                    resume={"next": n + 1, "padding": "x" * 20_000}
                    if config.scenario == "huge_state"
                    else {"next": n + 1},
                )
        if config.scenario == "tombstone":
            yield Tombstone("S0")
        yield Checkpoint(cursor=FUTURE)

    def _contracts(self, config: ScriptedConfig) -> Iterator[Message]:
        lines = [
            {"external_id": f"L{n}", "product_external_id": "P", "unit_price_minor": 100} for n in range(config.lines)
        ]
        yield ContractRecord.model_validate(
            {
                "external_id": "K1",
                "account_external_id": "S1",
                "number": "K-1",
                "start_date": date(2024, 1, 1),
                "end_date": date(2024, 12, 31),
                "currency": "usd",
                "lines": lines,
            }
        )
        yield Checkpoint()


CONNECTORS = Connectors({"scripted": Scripted})


def connect(engine: Engine, scenario: str, **config: object) -> None:
    with sync_sessionmaker(engine)() as session:
        add_connection(session, CONNECTORS, "s", "scripted", {"scenario": scenario, **config}, None, replace=True)
        session.commit()


def sync(engine: Engine, **options: object) -> m.SyncRun:
    return run_sync(engine, "s", CONNECTORS, options=SyncOptions(retry_backoff=0, **options))  # type: ignore[arg-type]


def account_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(m.Account).where(m.Account.deleted_at.is_(None)))


def test_rate_limit_ends_the_run_as_partial_and_the_next_run_resumes(
    engine: Engine, db_url: str, session: Session
) -> None:
    connect(engine, "rate_limited")
    first = sync(engine, streams=["companies"])
    assert first.status is SyncRunStatus.PARTIAL
    assert "rate limited until" in first.error and "resumes from the last checkpoint" in first.error
    assert account_count(session) == 7, "the records read before the limit are kept"
    state = session.get(m.SyncState, (first.connection_id, "companies"))
    assert state.resume == {"next": 6} and state.cursor is None, "the cursor waits for the stream to complete"
    second = sync(engine, streams=["companies"])
    assert second.status is SyncRunStatus.SUCCEEDED
    assert second.streams[0].read == 4 and second.streams[0].created == 3
    assert account_count(session) == 10


def test_transient_failures_are_retried_from_the_last_checkpoint(engine: Engine, db_url: str, session: Session) -> None:
    connect(engine, "transient")
    Scripted.transient_failures_left = 2
    run = sync(engine, streams=["companies"])
    assert run.status is SyncRunStatus.SUCCEEDED and Scripted.transient_failures_left == 0
    assert account_count(session) == 10


def test_transient_failures_beyond_the_retries_fail_the_run(engine: Engine, db_url: str) -> None:
    connect(engine, "transient")
    Scripted.transient_failures_left = 5
    run = sync(engine, streams=["companies"], transient_retries=1)
    assert run.status is SyncRunStatus.FAILED and run.error == "connection reset"


def test_saved_cursor_is_at_most_the_run_start_minus_the_lookback(
    engine: Engine, db_url: str, session: Session
) -> None:
    connect(engine, "plain")
    run = sync(engine, streams=["companies"])
    state = session.get(m.SyncState, (run.connection_id, "companies"))
    assert state.cursor == run.started_at - timedelta(hours=1)
    assert state.resume == {}


def test_tombstone_marks_the_row_deleted_and_keeps_it(engine: Engine, db_url: str, session: Session) -> None:
    connect(engine, "tombstone")
    run = sync(engine, streams=["companies"])
    assert run.streams[0].deleted == 1
    assert session.scalar(select(m.Account.deleted_at).where(m.Account.name == "Scripted 0")) is not None
    assert account_count(session) == 9


def test_contract_lines_missing_from_a_new_version_are_closed_keeping_their_history(
    engine: Engine, db_url: str, session: Session, sample
) -> None:  # type: ignore[no-untyped-def]
    connect(engine, "plain")
    sync(engine, streams=["companies"])
    product = sample.product(sku="P")
    session.add(m.ExternalRef(source="s", object_type="product", external_id="P", internal_id=product.id))
    session.commit()
    first = sync(engine, streams=["subscriptions"])
    assert session.scalar(select(func.count()).select_from(m.ContractLine)) == 2
    assert (first.streams[0].created, first.streams[0].nested["contract_line"]["created"]) == (1, 2), (
        "lines are counted apart from the contracts they come in"
    )
    connect(engine, "plain", lines=1)
    run = sync(engine, streams=["subscriptions"])
    assert run.streams[0].deleted == 0 and run.streams[0].unchanged == 1
    assert run.streams[0].nested == {
        "contract_line": {"created": 0, "updated": 0, "unchanged": 1, "deleted": 1, "quarantined": 0}
    }
    lines = m.ContractLine
    live = session.scalars(select(lines.unit_price_minor).where(lines.effective_to.is_(None))).all()
    assert live == [100]
    closed = session.scalars(select(lines.effective_to).where(lines.effective_to.is_not(None))).all()
    assert closed == [datetime.now(UTC).date() - timedelta(days=1)]  # it applied until the sync that saw it gone


def test_a_state_beyond_the_bound_fails_the_run_with_a_clear_message(engine: Engine, db_url: str) -> None:
    connect(engine, "huge_state")
    run = sync(engine, streams=["companies"])
    assert run.status is SyncRunStatus.FAILED
    assert "checkpointed a state over 16384 bytes" in run.error


@pytest.mark.parametrize("stream", ["nope"])
def test_an_unknown_stream_is_refused_naming_the_known_ones(engine: Engine, db_url: str, stream: str) -> None:
    connect(engine, "plain")
    with pytest.raises(KeyError, match="streams: companies, subscriptions"):
        sync(engine, streams=[stream])
