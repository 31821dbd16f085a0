"""The connector contract kit: a test class any connector subclasses to be checked against the contract.

Subclass :class:`ConnectorContract` in a test class named ``Test...``, set ``connector_class`` and
provide the fixtures it asks for (docs/connectors.md lists them): a working configuration, one the
config model refuses, one with wrong credentials, one whose data the connector's test server serves
in several pages, and the test server's controls (to answer 429). Each check is a function of
:mod:`acctgraph.testing.checks` or :mod:`acctgraph.testing.engine_runs`, so a test can also call one.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

import pytest

from acctgraph.testing import checks
from acctgraph.testing.checks import read_stream

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from acctgraph.integration.connector import Connector, ConnectorConfig, StreamState
    from acctgraph.testing.http import VendorControls


class ConnectorContract:
    """The contract every connector must pass. Not collected itself (its name does not start with Test)."""

    connector_class: ClassVar[type[Connector]]
    #: Record errors a stream may legitimately report with the ``connector_config`` data.
    expected_record_errors: ClassVar[int] = 0
    #: False for a source that cannot answer HTTP 429 (files, a database, a subprocess): no throttle check.
    rate_limited_source: ClassVar[bool] = True

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
    def paged_connector_config(self) -> Mapping[str, Any]:
        """A working configuration whose data the test server serves in several pages per stream (the
        connector's tests provide it: more records, a page size of 2), with a deleted record in each
        stream that reports deletes."""
        raise NotImplementedError(
            "override the paged_connector_config fixture: a configuration for which your test server serves "
            "every stream in several pages (resuming after each checkpoint is checked on it)"
        )

    @pytest.fixture
    def bad_credentials_config(self) -> Mapping[str, Any] | None:
        """A configuration the source refuses (a wrong token); None only for a connector without secrets."""
        return None

    @pytest.fixture
    def vendor_controls(self) -> VendorControls | None:
        """The ``VendorControls`` of the server ``paged_connector_config`` points at (to answer 429)."""
        return None

    @pytest.fixture
    def connector(self) -> Connector:
        return self.connector_class()

    @pytest.fixture
    def config(self, connector: Connector, connector_config: Mapping[str, Any]) -> ConnectorConfig:
        return connector.parse_config(connector_config)

    @pytest.fixture
    def paged_config(self, connector: Connector, paged_connector_config: Mapping[str, Any]) -> ConnectorConfig:
        return connector.parse_config(paged_connector_config)

    def _state(self, **kwargs: Any) -> StreamState:
        from acctgraph.integration.connector import StreamState

        return StreamState(**kwargs)

    def test_config_validates_and_hides_secrets(self, connector: Connector, config: ConnectorConfig) -> None:
        assert isinstance(config, connector.config_model)
        for name in connector.config_model.secret_fields():
            value = getattr(config, name)
            assert value is None or value.get_secret_value() not in repr(config), f"secret {name} shows in repr"

    def test_secret_looking_fields_are_secret(self) -> None:
        checks.check_secrets_are_secret(self.connector_class)

    def test_bad_config_is_refused(self, connector: Connector, invalid_connector_config: Mapping[str, Any]) -> None:
        from pydantic import ValidationError

        with pytest.raises(ValidationError):
            connector.parse_config(invalid_connector_config)

    def test_check_succeeds_with_a_message(self, connector: Connector, config: ConnectorConfig) -> None:
        result = connector.check(config)
        assert result.ok, result.message
        assert result.message

    def test_check_and_read_with_bad_credentials_fail_cleanly(
        self, connector: Connector, config: ConnectorConfig, bad_credentials_config: Mapping[str, Any] | None
    ) -> None:
        secret_names = connector.config_model.secret_fields()
        if bad_credentials_config is None:
            assert not secret_names, (
                f"the configuration has secrets ({', '.join(sorted(secret_names))}): override the "
                "bad_credentials_config fixture with credentials the test server refuses"
            )
            pytest.skip("the connector has no credentials")
        bad = connector.parse_config(bad_credentials_config)
        secrets = {name: getattr(bad, name).get_secret_value() for name in secret_names if getattr(bad, name)}
        checks.check_bad_credentials(connector, connector.streams(config)[0], bad, secrets)

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

    def test_paged_data_spans_several_checkpoints(self, connector: Connector, paged_config: ConnectorConfig) -> None:
        for stream in connector.streams(paged_config):
            checks.check_several_pages(connector, stream, paged_config)

    def test_read_stopped_after_every_checkpoint_then_resumed_equals_a_full_read(
        self, connector: Connector, paged_config: ConnectorConfig
    ) -> None:
        for stream in connector.streams(paged_config):
            checks.check_resume_after_every_checkpoint(connector, stream, paged_config)

    def test_cursor_advances(self, connector: Connector, paged_config: ConnectorConfig) -> None:
        for stream in connector.streams(paged_config):
            checks.check_cursor_advances(connector, stream, paged_config)

    def test_streams_that_report_deletes_yield_tombstones(
        self, connector: Connector, paged_config: ConnectorConfig
    ) -> None:
        checks.check_tombstones(connector, connector.streams(paged_config), paged_config)

    def test_read_from_a_future_state_yields_nothing_new(self, connector: Connector, config: ConnectorConfig) -> None:
        future = self._state(cursor=datetime.now(UTC) + timedelta(days=3650))
        for stream in connector.streams(config):
            if stream.incremental:
                assert read_stream(connector, stream, config, future).records == {}, stream.name

    def test_second_run_changes_nothing(self, connector: Connector, config: ConnectorConfig) -> None:
        for stream in connector.streams(config):
            first = read_stream(connector, stream, config, self._state())
            cursor = max((c.cursor for c in first.checkpoints if c.cursor), default=None)
            second = read_stream(connector, stream, config, self._state(cursor=cursor))
            changed = {key for key, record in second.records.items() if first.records.get(key) != record}
            assert not changed, f"stream {stream.name}: a second read changed {sorted(changed)[:5]}"

    def test_429_with_retry_after_is_waited_out(self, connector: Connector, request: pytest.FixtureRequest) -> None:
        if not self.rate_limited_source:
            pytest.skip("the source cannot answer 429 (rate_limited_source = False)")
        controls: VendorControls | None = request.getfixturevalue("vendor_controls")
        assert controls is not None, (
            "override the vendor_controls fixture with your test server's VendorControls "
            "(or set rate_limited_source = False if the source is not an HTTP API)"
        )
        paged_config: ConnectorConfig = request.getfixturevalue("paged_config")
        checks.check_retry_after_honoured(connector, connector.streams(paged_config)[0], paged_config, controls)

    def test_sync_killed_at_a_checkpoint_then_rerun_equals_clean_run(
        self,
        connector: Connector,
        paged_config: ConnectorConfig,
        paged_connector_config: Mapping[str, Any],
        engine: Engine,
        db_url: str,
    ) -> None:
        """Through the real engine, on each test database (SQLite, and PostgreSQL when configured)."""
        from acctgraph.testing.engine_runs import check_sync_killed_at_a_checkpoint_then_rerun_equals_clean_run

        reads = {
            s.name: read_stream(connector, s, paged_config, self._state()) for s in connector.streams(paged_config)
        }
        stream = max(reads, key=lambda name: len(reads[name].checkpoints))
        middle = max(1, len(reads[stream].checkpoints) // 2)
        check_sync_killed_at_a_checkpoint_then_rerun_equals_clean_run(
            engine, self.connector_class, paged_connector_config, stream, middle
        )
