"""The Singer connector: any Singer tap, run as a subprocess, its streams mapped to canonical entities.

Each acctgraph stream is one tap stream (see :mod:`acctgraph_singer.mapping`). A read runs the tap and
yields the stream's RECORD messages as canonical payloads; each STATE message becomes a checkpoint
whose ``resume`` holds the tap's state, so the engine commits it with the records before it and a sync
killed mid-stream restarts the tap with ``--state`` of its last committed STATE (exactly once, as
Singer's own targets do). When a stream completes, its cursor is the highest ``cursor_property`` read;
the next sync starts the tap from the mapping's ``bookmark`` with that cursor (less the lookback).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator

from acctgraph.integration.connector import (
    Checkpoint,
    CheckResult,
    Connector,
    ConnectorConfig,
    Message,
    Stream,
    StreamState,
    SyncMode,
)
from acctgraph.integration.errors import ConfigError, ConnectorError, TransientError
from acctgraph_singer.mapping import StreamMapping, TapMapping, load_mapping
from acctgraph_singer.tap import TapFailed, run_tap


class SingerConfig(ConnectorConfig):
    tap: str = Field(description="The tap's executable: a name in PATH (tap-hubspot) or a path to it")
    mapping_file: Path = Field(description="YAML or JSON: each tap stream's entity and field mapping")
    tap_config: dict[str, Any] = Field(default_factory=dict, description="The tap's settings (no secrets)")
    tap_secrets: SecretStr | None = Field(
        default=None, description='A JSON object of the tap\'s secret settings, e.g. {"api_key": "..."}'
    )
    catalog_file: Path | None = Field(default=None, description="A catalog selecting the tap's streams")
    catalog_flag: Literal["catalog", "properties"] = Field(default="catalog", description="--properties for old taps")

    @field_validator("tap_config", mode="before")
    @classmethod
    def _settings_from_json(cls, value: Any) -> Any:
        """The CLI's ``--set tap_config='{"start_date": "2024-01-01"}'`` gives a JSON string."""
        if isinstance(value, str):
            try:
                return json.loads(value)
            except json.JSONDecodeError as error:
                raise ValueError(f"tap_config must be a JSON object: {error}") from error
        return value

    @field_validator("mapping_file")
    @classmethod
    def _mapping_reads(cls, path: Path) -> Path:
        try:
            load_mapping(path)
        except (OSError, ValueError, ValidationError) as error:
            raise ValueError(f"mapping file {path}: {error}") from error
        return path

    @field_validator("tap_secrets")
    @classmethod
    def _secrets_are_an_object(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            try:
                parsed = json.loads(value.get_secret_value())
            except json.JSONDecodeError:
                parsed = None
            if not isinstance(parsed, dict):
                raise ValueError('tap_secrets must be a JSON object, e.g. {"api_key": "..."}')
        return value

    def mapping(self) -> TapMapping:
        return load_mapping(self.mapping_file)

    def secrets(self) -> dict[str, Any]:
        return json.loads(self.tap_secrets.get_secret_value()) if self.tap_secrets else {}

    def settings(self) -> dict[str, Any]:
        """What the tap's --config file holds: the settings and the secrets."""
        return {**self.tap_config, **self.secrets()}

    def hide_secrets(self, text: str) -> str:
        for value in self.secrets().values():
            if isinstance(value, str) and value:
                text = text.replace(value, "***")
        return text


class SingerConnector(Connector[SingerConfig]):
    name = "singer"
    version = "0.1.0"
    config_model = SingerConfig
    description = "Any Singer tap, its streams mapped to canonical entities"

    def check(self, config: SingerConfig) -> CheckResult:
        """Run the tap until its first record or state (then stop it): the credentials and settings work."""
        try:
            for message in self._run(config, None):
                if message.get("type") in ("RECORD", "STATE"):
                    break
        except ConnectorError as error:
            return CheckResult(ok=False, message=str(error))
        streams = ", ".join(mapping.tap_stream for mapping in config.mapping().streams)
        return CheckResult(ok=True, message=f"{config.tap} runs; streams mapped: {streams}")

    def streams(self, config: SingerConfig) -> list[Stream]:
        return [
            Stream(
                mapping.stream_name,
                mapping.entity,
                cursor_field=mapping.cursor_property,
                lookback=timedelta(seconds=mapping.lookback_seconds),
                reports_deletes=mapping.reports_deletes,
                sync_modes=frozenset(SyncMode) if mapping.incremental else frozenset({SyncMode.FULL_REFRESH}),
                description=f"tap stream {mapping.tap_stream} of {config.tap}",
            )
            for mapping in config.mapping().streams
        ]

    def read(self, stream: Stream, config: SingerConfig, state: StreamState) -> Iterator[Message]:
        mapping = next(m for m in config.mapping().streams if m.stream_name == stream.name)
        newest = state.cursor
        for message in self._run(config, self._tap_state(mapping, state)):
            kind = message.get("type")
            if kind == "RECORD" and message.get("stream") == mapping.tap_stream:
                record = message.get("record") or {}
                moment = mapping.cursor_of(record)
                newest = max(filter(None, [newest, moment])) if moment else newest
                yield mapping.message(stream.record_type, record)
            elif kind == "STATE":
                yield Checkpoint(cursor=newest, resume={"singer_state": message.get("value") or {}})
        yield Checkpoint(cursor=newest)

    @staticmethod
    def _tap_state(mapping: StreamMapping, state: StreamState) -> dict[str, Any] | None:
        """The last committed STATE of an unfinished read, else the bookmark at the saved cursor."""
        if "singer_state" in state.resume:
            return dict(state.resume["singer_state"])
        if mapping.incremental and state.cursor is not None:
            return mapping.tap_state(state.cursor)
        return None

    @staticmethod
    def _run(config: SingerConfig, tap_state: dict[str, Any] | None) -> Iterator[dict[str, Any]]:
        """The tap's messages; a failure before any record or state is a configuration error (the tap
        refused its settings), after one a passing failure the engine retries from the last STATE."""
        executable = shutil.which(config.tap)
        if executable is None:
            raise ConfigError(
                f"tap {config.tap!r} not found: install it (pip install {Path(config.tap).name}) or give its path"
            )
        catalog = (config.catalog_flag, config.catalog_file) if config.catalog_file else None
        started = False
        try:
            for message in run_tap(executable, config.settings(), tap_state, catalog):
                started = started or message.get("type") in ("RECORD", "STATE")
                yield message
        except TapFailed as error:
            detail = config.hide_secrets(error.stderr_tail)
            if started:
                raise TransientError(
                    f"tap {config.tap} stopped mid-stream ({error.status}): {detail}; resuming from its last STATE"
                ) from error
            raise ConfigError(f"tap {config.tap} failed ({error.status}): {detail}") from error
        except OSError as error:
            raise ConfigError(f"cannot run tap {config.tap}: {error}") from error
