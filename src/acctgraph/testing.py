"""The connector contract suite, for any connector to run against itself (a pytest plugin, ``pytest11``).

Subclass :class:`ConnectorContract` in a test class named ``Test...``, set ``connector_class`` and
either ``valid_config`` / ``invalid_config`` or the ``connector_config`` / ``invalid_connector_config``
fixtures (when the configuration depends on a temporary directory or a local server's port). The plugin is inert until a
test subclasses it: it defines no hooks, no autouse fixtures, and imports nothing heavy at start-up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

import pytest

pytest_plugins = ["acctgraph.testing_databases"]

if TYPE_CHECKING:
    from acctgraph.integration.connector import Checkpoint, Connector, ConnectorConfig, Stream, StreamState


@dataclass
class StreamRead:
    """What one read of a stream produced: records by key (as JSON values), errors and checkpoints."""

    records: dict[tuple[Any, ...], dict[str, Any]] = field(default_factory=dict)
    record_errors: list[Any] = field(default_factory=list)
    checkpoints: list[Checkpoint] = field(default_factory=list)


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

    result = StreamRead()
    for message in connector.read(stream, config, state):
        if isinstance(message, Checkpoint):
            result.checkpoints.append(message)
            if stop_after_checkpoints is not None and len(result.checkpoints) >= stop_after_checkpoints:
                break
        elif isinstance(message, RecordError):
            result.record_errors.append(message)
        elif isinstance(message, Tombstone):
            continue
        else:
            payload = message.model_dump() if isinstance(message, CanonicalRecord) else dict(message)
            record = stream.record_type.model_validate(payload)
            result.records[record.key()] = record.model_dump(mode="json")
    return result


class ConnectorContract:
    """The contract every connector must pass. Not collected itself (its name does not start with Test)."""

    connector_class: ClassVar[type[Connector]]
    #: Record errors a stream may legitimately report with this test configuration.
    expected_record_errors: ClassVar[int] = 0
    #: The checkpoint after which the resume test aborts its first read.
    abort_after_checkpoint: ClassVar[int] = 1

    #: A fixed working configuration, for connectors that need no fixture to build one.
    valid_config: ClassVar[Mapping[str, Any] | None] = None
    #: A fixed configuration the config model must refuse.
    invalid_config: ClassVar[Mapping[str, Any] | None] = None

    @pytest.fixture
    def connector_config(self) -> Mapping[str, Any]:
        if self.valid_config is None:
            raise NotImplementedError("set valid_config or override the connector_config fixture")
        return self.valid_config

    @pytest.fixture
    def invalid_connector_config(self) -> Mapping[str, Any]:
        if self.invalid_config is None:
            raise NotImplementedError("set invalid_config or override the invalid_connector_config fixture")
        return self.invalid_config

    @pytest.fixture
    def connector(self) -> Connector:
        return self.connector_class()

    @pytest.fixture
    def config(self, connector: Connector, connector_config: Mapping[str, Any]) -> ConnectorConfig:
        return connector.parse_config(connector_config)

    def _state(self, **kwargs: Any) -> StreamState:
        from acctgraph.integration.connector import StreamState

        return StreamState(**kwargs)

    def test_config_validates_and_hides_secrets(self, connector: Connector, config: ConnectorConfig) -> None:
        assert isinstance(config, connector.config_model)
        for name in connector.config_model.secret_fields():
            value = getattr(config, name)
            assert value is None or value.get_secret_value() not in repr(config), f"secret {name} shows in repr"

    def test_bad_config_is_refused(self, connector: Connector, invalid_connector_config: Mapping[str, Any]) -> None:
        from pydantic import ValidationError

        with pytest.raises(ValidationError):
            connector.parse_config(invalid_connector_config)

    def test_check_succeeds_with_a_message(self, connector: Connector, config: ConnectorConfig) -> None:
        result = connector.check(config)
        assert result.ok, result.message
        assert result.message

    def test_every_stream_declares_a_primary_key(self, connector: Connector, config: ConnectorConfig) -> None:
        streams = connector.streams(config)
        assert streams, "the connector offers no stream with this configuration"
        assert len({stream.name for stream in streams}) == len(streams), "stream names repeat"
        for stream in streams:
            assert stream.primary_key, f"stream {stream.name} declares no primary key"
            missing = set(stream.primary_key) - set(stream.record_type.model_fields)
            assert not missing, f"stream {stream.name}: primary key fields {missing} are not record fields"

    def test_records_validate(self, connector: Connector, config: ConnectorConfig) -> None:
        errors = 0
        for stream in connector.streams(config):
            read = read_stream(connector, stream, config, self._state())
            assert read.records, f"stream {stream.name} yielded no record"
            assert read.checkpoints, f"stream {stream.name} yielded no checkpoint"
            errors += len(read.record_errors)
        assert errors == self.expected_record_errors

    def test_read_from_a_future_state_yields_nothing_new(self, connector: Connector, config: ConnectorConfig) -> None:
        future = self._state(cursor=datetime.now(UTC) + timedelta(days=3650))
        for stream in connector.streams(config):
            if stream.incremental:
                assert read_stream(connector, stream, config, future).records == {}, stream.name

    def test_read_aborted_after_a_checkpoint_then_resumed_equals_a_full_read(
        self, connector: Connector, config: ConnectorConfig
    ) -> None:
        for stream in connector.streams(config):
            full = read_stream(connector, stream, config, self._state())
            first = read_stream(connector, stream, config, self._state(), self.abort_after_checkpoint)
            checkpoint = first.checkpoints[-1]
            rest = read_stream(connector, stream, config, self._state(resume=dict(checkpoint.resume)))
            assert {**first.records, **rest.records} == full.records, stream.name

    def test_second_run_changes_nothing(self, connector: Connector, config: ConnectorConfig) -> None:
        for stream in connector.streams(config):
            first = read_stream(connector, stream, config, self._state())
            cursor = max((c.cursor for c in first.checkpoints if c.cursor), default=None)
            second = read_stream(connector, stream, config, self._state(cursor=cursor))
            changed = {key for key, record in second.records.items() if first.records.get(key) != record}
            assert not changed, f"stream {stream.name}: a second read changed {sorted(changed)[:5]}"
