"""The contract kit's checks, as plain functions: each reads a connector and raises ``AssertionError``
with a message that says what is wrong and how to fix it.

:class:`acctgraph.testing.ConnectorContract` runs them on a connector's own test data; a test can also
call one directly (acctgraph's tests do, on connectors built with each fault the kit must catch).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from acctgraph.integration.connector import Checkpoint, Connector, ConnectorConfig, Stream, StreamState
    from acctgraph.testing.http import VendorControls


@dataclass
class StreamRead:
    """What one read of a stream produced: live records by key (as JSON values), the ids deleted,
    record errors, checkpoints, and how many records and tombstones came before each checkpoint."""

    records: dict[tuple[Any, ...], dict[str, Any]] = field(default_factory=dict)
    tombstones: set[str] = field(default_factory=set)
    record_errors: list[Any] = field(default_factory=list)
    checkpoints: list[Checkpoint] = field(default_factory=list)
    messages_before: list[int] = field(default_factory=list)

    def followed_by(self, rest: StreamRead) -> StreamRead:
        """This read, then ``rest`` (a read resumed from this one's last checkpoint), as the engine applies them."""
        merged = StreamRead(dict(self.records), set(self.tombstones))
        merged.records.update(rest.records)
        merged.tombstones |= rest.tombstones
        return merged

    def pages(self) -> int:
        """Checkpoints that cover at least one message yielded since the previous one."""
        counts = [0, *self.messages_before]
        return sum(1 for before, after in itertools.pairwise(counts) if after > before)


def read_stream(
    connector: Connector,
    stream: Stream,
    config: ConnectorConfig,
    state: StreamState,
    stop_after_checkpoints: int | None = None,
) -> StreamRead:
    """Read a stream into memory, validating every record; stop after that many checkpoints if asked."""
    from acctgraph.integration.connector import Checkpoint, RecordError, Tombstone
    from acctgraph.integration.records import CanonicalRecord

    result, seen = StreamRead(), 0
    messages = connector.read(stream, config, state)
    try:
        for message in messages:
            if isinstance(message, Checkpoint):
                result.checkpoints.append(message)
                result.messages_before.append(seen)
                if stop_after_checkpoints is not None and len(result.checkpoints) >= stop_after_checkpoints:
                    break
                continue
            seen += 1
            if isinstance(message, RecordError):
                result.record_errors.append(message)
            elif isinstance(message, Tombstone):
                assert message.external_id, f"stream {stream.name}: a Tombstone has an empty external_id"
                result.tombstones.add(message.external_id)
                result.records.pop((message.external_id,), None)
            else:
                payload = message.model_dump() if isinstance(message, CanonicalRecord) else dict(message)
                record = stream.record_type.model_validate(payload)
                result.records[record.key()] = record.model_dump(mode="json")
    finally:
        close = getattr(messages, "close", None)
        if close is not None:
            close()  # a stopped read releases what it holds (a connection, a subprocess) now
    return result


def _state(**values: Any) -> StreamState:
    from acctgraph.integration.connector import StreamState

    return StreamState(**values)


def check_secrets_are_secret(connector_class: type[Connector]) -> None:
    """Every configuration field named like a secret (key, token, secret, password) is a ``SecretStr``."""
    model = connector_class.config_model
    unsealed = model.unsealed_secrets()
    assert not unsealed, (
        f"{model.__name__}: field(s) {', '.join(unsealed)} look like secrets but are not typed SecretStr, so "
        "they would be stored in plain text and shown by `connections list`; type them SecretStr "
        f"(or list them in {model.__name__}.not_secret if they hold no secret)"
    )


def check_several_pages(connector: Connector, stream: Stream, config: ConnectorConfig, minimum: int = 2) -> None:
    """The paged test data makes the stream checkpoint several times, each after new records, so that
    resuming is tested where it can go wrong (a single page hides a checkpoint yielded too early)."""
    pages = read_stream(connector, stream, config, _state()).pages()
    assert pages >= minimum, (
        f"stream {stream.name}: the paged test data gave {pages} checkpoint(s) after records; the kit needs at "
        f"least {minimum} to test resuming: make paged_connector_config ask the test server for several pages "
        "(more records, a small page size or checkpoint interval)"
    )


def check_resume_after_every_checkpoint(connector: Connector, stream: Stream, config: ConnectorConfig) -> None:
    """A read stopped after any checkpoint, then resumed from that checkpoint's state, loses nothing."""
    full = read_stream(connector, stream, config, _state())
    for number, _ in enumerate(full.checkpoints, start=1):
        first = read_stream(connector, stream, config, _state(), stop_after_checkpoints=number)
        resume = dict(first.checkpoints[-1].resume)
        merged = first.followed_by(read_stream(connector, stream, config, _state(resume=resume)))
        lost = sorted(key for key in full.records if key not in merged.records)
        changed = sorted(key for key, record in full.records.items() if merged.records.get(key, record) != record)
        lost_deletes = sorted(full.tombstones - merged.tombstones)
        assert not (lost or changed or lost_deletes), (
            f"stream {stream.name}: a read stopped after checkpoint {number} of {len(full.checkpoints)} "
            f"(resume={resume}) and resumed from it lost records {lost[:5]}, changed {changed[:5]}, lost deletes "
            f"{lost_deletes[:5]}: a checkpoint must come after the records it covers, and its resume point "
            "must not skip records not yet yielded"
        )


def check_cursor_advances(connector: Connector, stream: Stream, config: ConnectorConfig) -> None:
    """An incremental stream's checkpoints carry a cursor (the engine keeps the highest), so the next sync
    reads only what changed; a read from that cursor never checkpoints an earlier one."""
    if not stream.incremental:
        return
    full = read_stream(connector, stream, config, _state())
    cursors = [checkpoint.cursor for checkpoint in full.checkpoints if checkpoint.cursor is not None]
    assert cursors or not full.records, (
        f"stream {stream.name} is incremental and read {len(full.records)} records, but no checkpoint carries a "
        f"cursor: every sync would read everything again. Yield Checkpoint(cursor=...) with the highest "
        f"{stream.cursor_field} read so far"
    )
    if cursors:
        _check_cursor_kept(connector, stream, config, max(cursors))


def _check_cursor_kept(connector: Connector, stream: Stream, config: ConnectorConfig, cursor: datetime) -> None:
    assert cursor.tzinfo is not None, f"stream {stream.name}: the checkpoint cursor {cursor} has no time zone"
    again = read_stream(connector, stream, config, _state(cursor=cursor))
    for checkpoint in again.checkpoints:
        assert checkpoint.cursor is None or checkpoint.cursor >= cursor, (
            f"stream {stream.name}: a read from cursor {cursor} checkpointed an earlier cursor {checkpoint.cursor}"
        )


#: Incremental reads from these ages back: some sources report deletes only as changes since a cursor
#: (Stripe's events, kept 30 days).
DELETES_SINCE = (timedelta(days=2), timedelta(days=365 * 30))


def check_tombstones(connector: Connector, streams: list[Stream], config: ConnectorConfig) -> None:
    """A connector whose streams say they report deletes yields a ``Tombstone`` for a record the test
    data deleted, in a full read or an incremental read from long ago."""
    reporting = [stream for stream in streams if stream.reports_deletes]
    if not reporting:
        return
    for stream in reporting:
        now = datetime.now(UTC)
        since = [_state(cursor=now - age) for age in DELETES_SINCE] if stream.incremental else []
        states = [_state(), *since]
        if any(read_stream(connector, stream, config, state).tombstones for state in states):
            return
    raise AssertionError(
        f"streams {', '.join(s.name for s in reporting)} declare reports_deletes=True but the paged test data "
        "yielded no Tombstone: delete (archive) a record in the test server's paged data so deletes are checked"
    )


def check_bad_credentials(
    connector: Connector, stream: Stream, config: ConnectorConfig, secret_values: Mapping[str, str]
) -> None:
    """With wrong credentials ``check()`` answers ``ok=False`` without showing the secret, and ``read()``
    raises ``ConfigError`` (the engine fails the run with its message and does not retry)."""
    from acctgraph.integration.errors import ConfigError

    result = connector.check(config)
    assert not result.ok, f"check() accepted wrong credentials: {result.message!r}"
    assert result.message, "check() refused wrong credentials without saying why"
    for name, value in secret_values.items():
        assert value not in result.message, f"check()'s message shows the secret {name}: {result.message!r}"
    try:
        read_stream(connector, stream, config, _state())
    except ConfigError as error:
        assert str(error), "ConfigError for wrong credentials carries no message"
        for name, value in secret_values.items():
            assert value not in str(error), f"the ConfigError shows the secret {name}: {error}"
    except Exception as error:
        raise AssertionError(
            f"stream {stream.name}: reading with wrong credentials raised {type(error).__name__} ({error}), "
            "not ConfigError: raise ConfigError so the run fails at once with a message the admin can act on"
        ) from error
    else:
        raise AssertionError(f"stream {stream.name}: reading with wrong credentials raised no ConfigError")


def check_retry_after_honoured(
    connector: Connector, stream: Stream, config: ConnectorConfig, controls: VendorControls, retry_after: int = 1
) -> None:
    """A 429 answer with ``Retry-After`` is waited out and retried: the read loses nothing."""
    expected = read_stream(connector, stream, config, _state())
    already = len(controls.requests)
    controls.throttle("/", times=1, retry_after=retry_after)
    started = time.monotonic()
    read = read_stream(connector, stream, config, _state())
    elapsed = time.monotonic() - started
    statuses = [request.status for request in controls.requests[already:]]
    assert 429 in statuses, (
        "the test server answered no 429: vendor_controls must be the controls of the server "
        "paged_connector_config points at"
    )
    assert read.records == expected.records, f"stream {stream.name}: a read throttled once lost or changed records"
    assert elapsed >= retry_after * 0.9, (
        f"stream {stream.name}: the read finished {elapsed:.2f}s after a 429 with Retry-After: {retry_after}; "
        "wait at least that long before retrying (acctgraph.integration.http.HttpClient does)"
    )
