"""The contract kit catches broken connectors: each fault found in the 2026-11-30 trial, kept here as a
small connector, fails the kit's check with a message that says what is wrong; a sound connector of
the same shape passes every check, through the engine too."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr

from acctgraph.integration.connector import (
    Checkpoint,
    CheckResult,
    Connector,
    ConnectorConfig,
    Message,
    Stream,
    StreamState,
    SyncMode,
    UnsealedSecretError,
)
from acctgraph.integration.errors import ConfigError
from acctgraph.integration.plugins import create_plugin_manager, plugin_infos
from acctgraph.integration.records import Entity
from acctgraph.testing import checks
from acctgraph.testing.engine_runs import check_sync_killed_at_a_checkpoint_then_rerun_equals_clean_run

START = datetime(2026, 1, 1, tzinfo=UTC)


class LedgerConfig(ConnectorConfig):
    api_token: SecretStr
    accounts: int = 7
    page_size: int = 3


class SoundLedger(Connector):
    """Accounts served in pages from memory: a checkpoint after each page's records, cursor = newest."""

    name = "ledger"
    config_model = LedgerConfig

    def check(self, config: LedgerConfig) -> CheckResult:  # type: ignore[override]
        if config.api_token.get_secret_value() != "good":
            return CheckResult(ok=False, message="the ledger refused the token: copy a valid one")
        return CheckResult(ok=True, message="connected")

    def streams(self, config: LedgerConfig) -> list[Stream]:  # type: ignore[override]
        modes = frozenset({SyncMode.FULL_REFRESH, SyncMode.INCREMENTAL})
        return [Stream("accounts", Entity.ACCOUNT, cursor_field="updated_at", sync_modes=modes)]

    def pages(self, config: LedgerConfig, state: StreamState) -> Iterator[tuple[list[dict[str, object]], int | None]]:
        if config.api_token.get_secret_value() != "good":
            raise ConfigError("the ledger refused the token")
        rows = [
            {"external_id": f"A{n}", "name": f"Account {n}", "updated_at": START + timedelta(hours=n)}
            for n in range(config.accounts)
            if state.cursor is None or START + timedelta(hours=n) >= state.cursor
        ]
        offset = int(state.resume.get("offset", 0))
        while offset < len(rows):
            following = offset + config.page_size
            yield rows[offset:following], following if following < len(rows) else None
            offset = following

    def read(self, stream: Stream, config: LedgerConfig, state: StreamState) -> Iterator[Message]:  # type: ignore[override]
        newest = state.cursor
        for page, following in self.pages(config, state):
            yield from page
            newest = max(filter(None, [newest, *(row["updated_at"] for row in page)]))  # type: ignore[type-var]
            yield Checkpoint(cursor=newest, resume={"offset": following} if following else {})
        if newest is None:
            yield Checkpoint(cursor=state.cursor)


class CheckpointBeforeItsRecords(SoundLedger):
    """Fault (a): the page's checkpoint, pointing past the page, is yielded before the page's records."""

    def read(self, stream: Stream, config: LedgerConfig, state: StreamState) -> Iterator[Message]:  # type: ignore[override]
        for page, following in self.pages(config, state):
            yield Checkpoint(cursor=START, resume={"offset": following} if following else {})
            yield from page


class CursorAlwaysNone(SoundLedger):
    """Fault (b): every checkpoint's cursor is None, so every sync reads everything again."""

    def read(self, stream: Stream, config: LedgerConfig, state: StreamState) -> Iterator[Message]:  # type: ignore[override]
        for message in super().read(stream, config, state):
            yield Checkpoint(resume=message.resume) if isinstance(message, Checkpoint) else message


PLAIN_TEXT_SECRET_PLUGIN = """
from acctgraph import hookimpl
from acctgraph.integration.connector import ConnectorConfig
from acctgraph.testing_kit_faults import SoundLedger


class PlainConfig(ConnectorConfig):
    api_key: str


class PlainTextSecret(SoundLedger):
    name = "plain"
    config_model = PlainConfig


@hookimpl
def register_connectors():
    return [PlainTextSecret]
"""


def paged(connector: Connector, accounts: int = 7) -> tuple[ConnectorConfig, Stream]:
    config = connector.parse_config({"api_token": "good", "accounts": accounts})
    return config, connector.streams(config)[0]


def test_a_sound_connector_passes_every_read_check() -> None:
    connector = SoundLedger()
    config, stream = paged(connector)
    checks.check_secrets_are_secret(SoundLedger)
    checks.check_several_pages(connector, stream, config)
    checks.check_resume_after_every_checkpoint(connector, stream, config)
    checks.check_cursor_advances(connector, stream, config)
    bad = connector.parse_config({"api_token": "wrong"})
    checks.check_bad_credentials(connector, stream, bad, {"api_token": "wrong"})


def test_a_checkpoint_before_its_records_fails_the_resume_check() -> None:
    connector = CheckpointBeforeItsRecords()
    config, stream = paged(connector)
    with pytest.raises(AssertionError, match=r"stopped after checkpoint 1 of 3 .* lost records \[\('A0',\)"):
        checks.check_resume_after_every_checkpoint(connector, stream, config)


def test_one_page_of_data_is_refused_since_it_hides_an_early_checkpoint() -> None:
    connector = CheckpointBeforeItsRecords()
    config, stream = paged(connector, accounts=3)
    checks.check_resume_after_every_checkpoint(connector, stream, config)  # one page: the fault is invisible...
    with pytest.raises(AssertionError, match=r"gave 0 checkpoint\(s\) after records; the kit needs at least 2"):
        checks.check_several_pages(connector, stream, config)  # ...so the kit asks for several pages


def test_a_cursor_always_none_fails_the_cursor_check() -> None:
    connector = CursorAlwaysNone()
    config, stream = paged(connector)
    with pytest.raises(AssertionError, match="read 7 records, but no checkpoint carries a cursor"):
        checks.check_cursor_advances(connector, stream, config)


def test_a_secret_typed_str_fails_the_kit_and_is_refused_when_it_registers(tmp_path, monkeypatch) -> None:
    class PlainConfig(ConnectorConfig):
        api_key: str
        primary_key_column: str = "id"
        not_secret = frozenset({"primary_key_column"})

    class Shell(SoundLedger):
        pass

    Shell.config_model = PlainConfig  # assigned after the class statement, past the registration check
    with pytest.raises(AssertionError, match=r"PlainConfig: field\(s\) api_key look like secrets"):
        checks.check_secrets_are_secret(Shell)

    with pytest.raises(UnsealedSecretError, match="config field 'api_key' of PlainConfig looks like a secret"):

        class PlainTextSecret(SoundLedger):
            name = "plain"
            config_model = PlainConfig

    import sys
    import types

    monkeypatch.setitem(sys.modules, "acctgraph.testing_kit_faults", types.ModuleType("acctgraph.testing_kit_faults"))
    sys.modules["acctgraph.testing_kit_faults"].SoundLedger = SoundLedger  # type: ignore[attr-defined]
    (tmp_path / "plain.py").write_text(PLAIN_TEXT_SECRET_PLUGIN)
    manager = create_plugin_manager(load_entry_points=False, plugins_dir=tmp_path)
    (plain,) = [info for info in plugin_infos(manager) if info.name == "plain"]
    assert plain.error and "looks like a secret but is not typed SecretStr" in plain.error


def test_a_sound_connector_survives_a_kill_at_a_checkpoint_through_the_engine(engine, db_url) -> None:
    check_sync_killed_at_a_checkpoint_then_rerun_equals_clean_run(
        engine, SoundLedger, {"api_token": "good"}, "accounts", checkpoint=2
    )


def test_the_engine_check_catches_a_checkpoint_before_its_records(engine, db_url) -> None:
    with pytest.raises(AssertionError, match="killed after checkpoint 2 of accounts and run again, the data differ"):
        check_sync_killed_at_a_checkpoint_then_rerun_equals_clean_run(
            engine, CheckpointBeforeItsRecords, {"api_token": "good"}, "accounts", checkpoint=2
        )
