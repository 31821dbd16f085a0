"""The sync engine: runs a connection's streams into the model with an exactly-once effect.

Records are written in batches; each batch is committed in one transaction together with the state
checkpoint that covers it and the run's counts, so a process killed at any moment resumes from a state
that never runs ahead of its data, and the idempotent upserts absorb what is read twice. The cursor
only advances when a stream completes, and never past the run's start minus the stream's lookback.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from pydantic import SecretStr, ValidationError
from pydantic_core import to_jsonable_python
from sqlalchemy import Engine, exists, select, update
from sqlalchemy.orm import Session

from acctgraph.db import sync_sessionmaker
from acctgraph.domain.events import EventType, publish
from acctgraph.integration import deletions, triage, writers
from acctgraph.integration.batches import Batch, BatchOutcome, record_key
from acctgraph.integration.collector import collector_tuned_for_sync
from acctgraph.integration.connections import Connectors, connector_and_config, get_connection
from acctgraph.integration.connector import (
    Checkpoint,
    Connector,
    ConnectorConfig,
    Message,
    RecordError,
    Stream,
    StreamState,
    Tombstone,
)
from acctgraph.integration.errors import ConnectorError, RateLimited, TransientError
from acctgraph.integration.identity import Source
from acctgraph.integration.locks import connection_lock
from acctgraph.integration.records import CanonicalRecord
from acctgraph.integration.triage import Rejection, describe_validation_error
from acctgraph.models import QuarantinedRecord, RejectedRecord, SyncRun, SyncRunStatus, SyncRunStream, SyncState
from acctgraph.models.base import utcnow

MAX_STATE_BYTES = 16 * 1024
logger = logging.getLogger("acctgraph.sync")

ProgressCallback = Callable[[SyncRunStream], None]


@dataclass(frozen=True)
class SyncOptions:
    streams: Sequence[str] | None = None
    full_refresh: bool = False
    batch_size: int = 5000
    transient_retries: int = 3
    retry_backoff: float = 2.0


@dataclass
class RunContext:
    """What every stream of one run shares."""

    session: Session
    source: Source
    run: SyncRun
    connector: Connector
    config: ConnectorConfig
    options: SyncOptions
    full_refresh_every: timedelta
    hook: Any = None
    on_progress: ProgressCallback | None = None


@dataclass
class Buffer:
    """Messages read since the last commit; bounded by the batch size, so memory stays flat."""

    read: int = 0
    records: list[CanonicalRecord] = field(default_factory=list)
    tombstones: list[Tombstone] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.records) + len(self.tombstones) + len(self.rejections)


class StreamStateTooLarge(ConnectorError):
    """A connector checkpointed a state beyond the engine's bound."""


def run_sync(
    engine: Engine,
    connection_name: str,
    connectors: Connectors,
    *,
    secret_key: SecretStr | None = None,
    options: SyncOptions = SyncOptions(),
    hook: Any = None,
    on_progress: ProgressCallback | None = None,
) -> SyncRun:
    """Sync one connection (all its streams, or ``options.streams``) and return its recorded run.

    Raises ``SyncLockedError`` if another process is syncing the connection, ``ConnectionSetupError``
    for an unknown connection or bad configuration, ``KeyError`` for an unknown stream.
    """
    with sync_sessionmaker(engine)() as session:
        connection = get_connection(session, connection_name)
        connector, config = connector_and_config(connection, connectors, secret_key)
        streams = _selected_streams(connector, config, options.streams)
        with connection_lock(engine, connection_name), collector_tuned_for_sync():
            _fail_interrupted_runs(session, connection.id)
            run = SyncRun(connection_id=connection.id, full_refresh=options.full_refresh, started_at=utcnow())
            session.add(run)
            session.commit()
            context = RunContext(
                session,
                Source(connection.id, connection.name),
                run,
                connector,
                config,
                options,
                timedelta(days=connection.full_refresh_days),
                hook,
                on_progress,
            )
            _run_streams(context, streams)
        session.refresh(run, ["streams"])
        return run


def _selected_streams(connector: Connector, config: ConnectorConfig, names: Sequence[str] | None) -> list[Stream]:
    if not names:
        return connector.streams(config)
    return [connector.stream(config, name) for name in names]


def _fail_interrupted_runs(session: Session, connection_id: int) -> None:
    """Runs still 'running' while we hold the lock belong to a process that died."""
    session.execute(
        update(SyncRun)
        .where(SyncRun.connection_id == connection_id, SyncRun.status == SyncRunStatus.RUNNING)
        .values(
            status=SyncRunStatus.FAILED,
            finished_at=utcnow(),
            error="interrupted: the process ended before the run finished",
        )
    )
    session.commit()


def _run_streams(context: RunContext, streams: Sequence[Stream]) -> None:
    run, session = context.run, context.session
    try:
        if context.options.full_refresh:
            _begin_full_refresh(session, context.source.id, streams)
        _apply_quarantined(context)
        for stream in streams:
            StreamSync(context, stream).run()
        _apply_quarantined(context)
        run.status = SyncRunStatus.SUCCEEDED
    except RateLimited as error:
        session.rollback()
        run.status, run.error = SyncRunStatus.PARTIAL, f"{error}; the next run resumes from the last checkpoint"
    except ConnectorError as error:
        session.rollback()
        run.status, run.error = SyncRunStatus.FAILED, str(error)
    except BaseException as error:
        session.rollback()
        run.status, run.error = SyncRunStatus.FAILED, f"{type(error).__name__}: {error}"
        _finish(session, run)
        raise
    _finish(session, run)


def _begin_full_refresh(session: Session, connection_id: int, streams: Sequence[Stream]) -> None:
    """Mark a requested full refresh on every stream before any is read: a run that dies part-way
    leaves each unfinished stream marked, and the next run, plain or not, finishes it (its deletions too)."""
    for stream in streams:
        state = _stream_state(session, connection_id, stream.name)
        if not state.full_refresh_in_progress:
            _new_generation(state)
    session.commit()


def _stream_state(session: Session, connection_id: int, stream: str) -> SyncState:
    """The stream's saved state, added to the session if it has none yet."""
    state = session.get(SyncState, (connection_id, stream))
    if state is None:
        state = SyncState(connection_id=connection_id, stream=stream, resume={}, full_refresh_generation=0)
        session.add(state)
    return state


def _new_generation(state: SyncState) -> None:
    """Start a new generation: rows of the stream not seen in it are deleted when it completes."""
    state.full_refresh_generation = (state.full_refresh_generation or 0) + 1
    state.full_refresh_in_progress = True
    state.resume = {}
    state.pending_cursor = None


def _finish(session: Session, run: SyncRun) -> None:
    """Record the run's end with its ``sync.finished`` (succeeded or partial) or ``sync.failed`` event."""
    run.finished_at = utcnow()
    session.add(run)
    failed = run.status == SyncRunStatus.FAILED
    publish(
        session,
        EventType.SYNC_FAILED if failed else EventType.SYNC_FINISHED,
        {
            "sync_run_id": run.id,
            "connection_id": run.connection_id,
            "status": run.status,
            "full_refresh": run.full_refresh,
            "started_at": run.started_at,
            "finished_at": run.finished_at,
            "error": run.error,
        },
    )
    session.commit()


def _apply_quarantined(context: RunContext) -> None:
    """Records waiting for an account that has appeared since (synced elsewhere, or mapped) are written now."""
    batch = Batch(context.session, context.source, utcnow())
    triage.apply_quarantined(batch, context.source.id, context.options.batch_size)
    context.session.commit()


class StreamSync:
    """One stream of one run: read, validate, batch, commit with state, retry transient failures."""

    def __init__(self, context: RunContext, stream: Stream) -> None:
        self.context = context
        self.stream = stream
        self.session = context.session
        self.state = _stream_state(self.session, context.source.id, stream.name)
        self.full_refresh = self._wants_full_refresh()
        self.counts = SyncRunStream(run_id=context.run.id, stream=stream.name, full_refresh=self.full_refresh)
        self.session.add(self.counts)
        if self.full_refresh and not self.state.full_refresh_in_progress:
            _new_generation(self.state)
        self.session.commit()
        self.has_quarantined = self._any(QuarantinedRecord)
        self.has_rejected = self._any(RejectedRecord)

    def _wants_full_refresh(self) -> bool:
        if self.context.options.full_refresh or not self.stream.incremental or self.state.full_refresh_in_progress:
            return True
        if self.stream.reports_deletes:
            return False
        last = self.state.last_full_refresh_at
        return last is None or last <= self.context.run.started_at - self.context.full_refresh_every

    def _any(self, model: type[QuarantinedRecord] | type[RejectedRecord]) -> bool:
        return bool(
            self.session.scalar(
                select(exists().where(model.connection_id == self.context.source.id, model.stream == self.stream.name))
            )
        )

    def run(self) -> None:
        for attempt in range(self.context.options.transient_retries + 1):
            state = StreamState(cursor=None if self.full_refresh else self.state.cursor, resume=self.state.resume or {})
            try:
                self._consume(self.context.connector.read(self.stream, self.context.config, state))
                return
            except TransientError:
                if attempt == self.context.options.transient_retries:
                    raise
                time.sleep(self.context.options.retry_backoff * 2**attempt)

    def _consume(self, messages: Iterator[Message]) -> None:
        buffer, pending = Buffer(), None
        batch_size = self.context.options.batch_size
        bound = 4 * batch_size  # a connector that checkpoints rarely is cut here, without a checkpoint
        record_type = self.stream.record_type
        try:
            for message in messages:
                if type(message) is record_type:  # the common case, taken without further checks
                    buffer.read += 1
                    buffer.records.append(message)
                    if len(buffer.records) < bound:
                        continue
                elif isinstance(message, Checkpoint):
                    pending = self._bounded(message)
                    if len(buffer) >= batch_size:
                        self._commit(buffer, pending)
                        buffer, pending = Buffer(), None
                    continue
                else:
                    self._take(buffer, message)
                if len(buffer) >= bound:
                    self._commit(buffer, None)
                    buffer = Buffer()
        except ConnectorError:
            self._commit(buffer, pending)
            raise
        self._commit(buffer, pending, complete=True)

    def _take(self, buffer: Buffer, message: CanonicalRecord | Mapping[str, Any] | Tombstone | RecordError) -> None:
        if isinstance(message, Tombstone):
            buffer.tombstones.append(message)
            return
        buffer.read += 1
        if isinstance(message, RecordError):
            key = message.external_id or message.location or "unknown"
            reason = f"{message.location}: {message.reason}" if message.location else message.reason
            buffer.rejections.append(Rejection(key, dict(message.payload), reason))
            return
        record_type = self.stream.record_type
        try:
            if isinstance(message, record_type):
                buffer.records.append(message)
            else:
                payload = (
                    message.model_dump(exclude_unset=True) if isinstance(message, CanonicalRecord) else dict(message)
                )
                buffer.records.append(record_type.model_validate(payload))
        except ValidationError as error:
            payload = dict(message) if not isinstance(message, CanonicalRecord) else message.model_dump()
            key = next((str(payload[k]) for k in self.stream.primary_key if payload.get(k)), "unknown")
            buffer.rejections.append(Rejection(key, payload, describe_validation_error(error)))

    def _commit(self, buffer: Buffer, checkpoint: Checkpoint | None, complete: bool = False) -> None:
        """Write the buffer, its checkpoint and the counts in one transaction, then tell the plugins."""
        batch = Batch(self.session, self.context.source, utcnow())
        entity = self.stream.entity
        outcome = writers.write_records(batch, entity, buffer.records) if buffer.records else BatchOutcome()
        deleted = self._apply_tombstones(batch, buffer.tombstones)
        self._triage(batch, buffer, outcome)
        if self.full_refresh and entity.has_external_refs:
            keys = [record_key(record) for record in outcome.written]
            deletions.record_sightings(batch, entity, keys, self.state.full_refresh_generation)
        if checkpoint is not None:
            self._save_checkpoint(checkpoint)
        if complete:
            deleted += self._complete(batch)
        self._count(buffer, outcome, deleted)
        self.session.commit()
        if self.context.hook is not None and outcome.written:
            self._tell_plugins(outcome.written)
        if self.context.on_progress is not None:
            self.context.on_progress(self.counts)

    def _tell_plugins(self, records: list[CanonicalRecord]) -> None:
        """The batch is committed: a failing plugin is logged, it cannot undo or stop the sync."""
        try:
            self.context.hook.records_synced(
                connection=self.context.source.name,
                stream=self.stream.name,
                entity=str(self.stream.entity),
                records=records,
            )
        except Exception:
            logger.exception("a plugin failed in records_synced for %s/%s", self.context.source.name, self.stream.name)

    def _apply_tombstones(self, batch: Batch, tombstones: list[Tombstone]) -> int:
        deleted = 0
        for tombstone in tombstones:
            deleted += deletions.mark_deleted(
                batch, self.stream.entity, [tombstone.external_id], tombstone.deleted_at or batch.now
            )
        if tombstones and self.has_quarantined:
            keys = [tombstone.external_id for tombstone in tombstones]
            triage.forget(self.session, QuarantinedRecord, self.context.source.id, self.stream.name, keys)
        return deleted

    def _triage(self, batch: Batch, buffer: Buffer, outcome: BatchOutcome) -> None:
        written_keys = [record_key(r) for r in outcome.written] if self.has_quarantined or self.has_rejected else []
        if self.has_quarantined:
            triage.forget(self.session, QuarantinedRecord, self.context.source.id, self.stream.name, written_keys)
        if self.has_rejected:
            triage.forget(self.session, RejectedRecord, self.context.source.id, self.stream.name, written_keys)
        waiting = outcome.waiting + outcome.nested_waiting()
        if waiting:
            triage.quarantine(batch, self.context.source.id, self.stream.name, waiting)
            self.has_quarantined = True
        if buffer.rejections:
            triage.reject(batch, self.context.source.id, self.context.run.id, self.stream.name, buffer.rejections)
            self.has_rejected = True

    def _bounded(self, checkpoint: Checkpoint) -> Checkpoint:
        """State must stay small: refuse a checkpoint whose position is beyond the bound."""
        if len(json.dumps(dict(checkpoint.resume), default=str)) > MAX_STATE_BYTES:
            raise StreamStateTooLarge(
                f"stream {self.stream.name!r} checkpointed a state over {MAX_STATE_BYTES} bytes; "
                "keep only a position (a page token, a file and row) in `resume`"
            )
        return checkpoint

    def _save_checkpoint(self, checkpoint: Checkpoint) -> None:
        self.state.resume = to_jsonable_python(dict(checkpoint.resume))
        if checkpoint.cursor is not None:
            pending = self.state.pending_cursor
            self.state.pending_cursor = max(pending, checkpoint.cursor) if pending else checkpoint.cursor

    def _complete(self, batch: Batch) -> int:
        """The stream read to its end: advance the cursor, clear the position, finish a full refresh."""
        state, deleted = self.state, 0
        if state.pending_cursor is not None:
            ceiling = self.context.run.started_at - self.stream.lookback
            candidate = min(state.pending_cursor, ceiling)
            state.cursor = max(state.cursor, candidate) if state.cursor else candidate
        state.pending_cursor, state.resume = None, {}
        if self.full_refresh:
            deleted = deletions.mark_unseen_deleted(batch, self.stream.entity, state.full_refresh_generation)
            state.full_refresh_in_progress = False
            state.last_full_refresh_at = self.context.run.started_at
        return deleted

    def _count(self, buffer: Buffer, outcome: BatchOutcome, deleted: int) -> None:
        counts = self.counts
        counts.read += buffer.read
        counts.created += outcome.created
        counts.updated += outcome.updated
        counts.unchanged += outcome.unchanged
        counts.deleted += deleted + outcome.deleted
        counts.rejected += len(buffer.rejections)
        counts.quarantined += outcome.quarantined
        if outcome.nested:
            counts.nested = add_counts(counts.nested, outcome.nested)


def add_counts(nested: dict[str, dict[str, int]], outcomes: dict[str, BatchOutcome]) -> dict[str, dict[str, int]]:
    """The nested records' counts by entity, plus a batch's (a new dict: the JSON column sees the change)."""
    total = {entity: dict(counts) for entity, counts in nested.items()}
    for entity, outcome in outcomes.items():
        for name, value in outcome.counts().items():
            total.setdefault(entity, {}).setdefault(name, 0)
            total[entity][name] += value
    return total
