"""The SQL connector: each stream is one SELECT on any database SQLAlchemy reaches, its rows mapped to a
canonical entity by column name (or a ``fields`` rename) plus constants.

A read wraps the query as ``SELECT * FROM (query) AS source WHERE cursor >= :cursor AND (cursor, key)
> :after ORDER BY cursor, key``: incremental on the cursor column with the engine's ``>=`` and lookback
rule, and resumable mid-stream by keyset (the last row's cursor and key), so a resumed read neither
skips nor repeats a page. Rows stream through a server-side cursor (``stream_results``) in batches, each
followed by a checkpoint, so memory stays flat however large the table.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationInfo, field_validator
from sqlalchemy import Connection, Engine, create_engine, exc, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

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
from acctgraph.integration.errors import ConfigError, ConnectorError, TransientError
from acctgraph.integration.records import Entity, source_values

#: SQLite keeps timestamps as text in several spellings: both sides of a comparison are normalised.
SQLITE_TIME = "strftime('%Y-%m-%d %H:%M:%f', {})"


class SqlStream(BaseModel):
    """One stream: a query whose rows become records of one canonical entity."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="The stream's name, e.g. usage")
    entity: Entity = Field(description="The canonical entity each row becomes, e.g. usage_metric")
    query: str = Field(min_length=1, description="A SELECT; its columns are named as canonical fields or renamed")
    primary_key: tuple[str, ...] = Field(min_length=1, description="Result columns that identify a row")
    cursor_column: str | None = Field(default=None, description="A timestamp column: read incrementally on it")
    lookback_seconds: int = Field(default=0, ge=0, description="How far behind the sync's start to keep the cursor")
    deleted_column: str | None = Field(default=None, description="A column true for rows deleted upstream")
    fields: dict[str, str] = Field(default_factory=dict, description="canonical field -> result column")
    constants: dict[str, Any] = Field(default_factory=dict, description="canonical field -> a fixed value")

    @field_validator("query")
    @classmethod
    def _no_trailing_semicolon(cls, value: str) -> str:
        return value.strip().rstrip(";")

    def column(self, canonical: str) -> str:
        return self.fields.get(canonical, canonical)

    def keyset(self) -> tuple[str, ...]:
        """The columns rows are ordered and resumed by: the cursor, then the primary key."""
        return (self.cursor_column, *self.primary_key) if self.cursor_column else self.primary_key

    def columns_used(self) -> set[str]:
        return {*self.keyset(), *self.fields.values(), *filter(None, [self.deleted_column])}


class SqlConfig(ConnectorConfig):
    url: SecretStr = Field(description="A SQLAlchemy URL, e.g. postgresql://reader:...@warehouse/analytics")
    streams_file: Path | None = Field(default=None, description="YAML or JSON {streams: [...]}, instead of streams")
    streams: list[SqlStream] = Field(default_factory=list, min_length=1, validate_default=True)
    batch_size: int = Field(default=1000, ge=1, le=100_000, description="Rows fetched, and checkpointed, at a time")

    @field_validator("streams", mode="before")
    @classmethod
    def _streams_from_file(cls, value: Any, info: ValidationInfo) -> Any:
        """``streams_file`` (what the CLI's ``--set`` can give) is read into ``streams`` at each parse."""
        path = info.data.get("streams_file")
        if path is None:
            return value
        if value:
            raise ValueError("give streams or streams_file, not both")
        try:
            content = path.read_text()
            raw = yaml.safe_load(content) if path.suffix in (".yaml", ".yml") else json.loads(content)
        except (OSError, ValueError) as error:
            raise ValueError(f"streams_file {path}: {error}") from error
        if not isinstance(raw, dict) or "streams" not in raw:
            raise ValueError(f"streams_file {path}: expected an object with a `streams` list")
        return raw["streams"]

    @field_validator("streams")
    @classmethod
    def _unique_names(cls, streams: list[SqlStream]) -> list[SqlStream]:
        names = [stream.name for stream in streams]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"stream names repeat: {', '.join(repeated)}")
        return streams


def describe(error: Exception, config: SqlConfig) -> str:
    """The database's own first line about the error, never the URL's password."""
    cause = getattr(error, "orig", None) or error
    lines = str(cause).strip().splitlines()
    message = lines[0] if lines else type(cause).__name__
    password = make_url(config.url.get_secret_value()).password
    return message.replace(password, "***") if password else message


def as_utc(value: Any, column: str) -> datetime:
    """A cursor value read from the database as an aware UTC datetime (naive ones are taken as UTC)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    elif isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if not isinstance(value, datetime):
        raise ConfigError(f"cursor column {column!r} holds {value!r}: it must be a timestamp or a date")
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class SqlConnector(Connector[SqlConfig]):
    name = "sql"
    version = "0.1.0"
    config_model = SqlConfig
    description = "Any SQL database or warehouse, one query per stream (product usage and more)"

    def check(self, config: SqlConfig) -> CheckResult:
        try:
            with self._connect(config) as connection:
                for spec in config.streams:
                    columns = set(
                        connection.execute(text(f"SELECT * FROM ({spec.query}) AS source WHERE 1 = 0")).keys()
                    )
                    missing = sorted(spec.columns_used() - columns)
                    if missing:
                        return CheckResult(
                            ok=False,
                            message=f"stream {spec.name}: the query has no column {', '.join(missing)} "
                            f"(it returns {', '.join(sorted(columns))})",
                        )
        except (ConnectorError, exc.SQLAlchemyError) as error:
            message = str(error) if isinstance(error, ConnectorError) else describe(error, config)
            return CheckResult(ok=False, message=message)
        return CheckResult(
            ok=True, message=f"{len(config.streams)} queries run: {', '.join(s.name for s in config.streams)}"
        )

    def streams(self, config: SqlConfig) -> list[Stream]:
        return [
            Stream(
                spec.name,
                spec.entity,
                cursor_field=spec.cursor_column,
                lookback=timedelta(seconds=spec.lookback_seconds),
                reports_deletes=spec.deleted_column is not None,
                sync_modes=frozenset(SyncMode) if spec.cursor_column else frozenset({SyncMode.FULL_REFRESH}),
                description=f"{spec.entity} rows of a SQL query",
            )
            for spec in config.streams
        ]

    def read(self, stream: Stream, config: SqlConfig, state: StreamState) -> Iterator[Message]:
        spec = next(spec for spec in config.streams if spec.name == stream.name)
        newest = state.cursor
        with self._connect(config) as connection:
            statement, params = self._statement(connection, spec, state)
            try:
                streaming = {"stream_results": True, "max_row_buffer": config.batch_size}
                result = connection.execution_options(**streaming).execute(statement, params)
                for rows in result.partitions(config.batch_size):
                    last: Mapping[Any, Any] = {}
                    for row in rows:
                        last = row._mapping
                        yield self._message(stream, spec, last)
                    if spec.cursor_column:
                        newest = max(filter(None, [newest, as_utc(last[spec.cursor_column], spec.cursor_column)]))
                    yield Checkpoint(cursor=newest, resume={"after": self._position(spec, last)})
            except exc.OperationalError as error:
                raise TransientError(f"stream {spec.name}: {describe(error, config)}") from error
            except exc.DBAPIError as error:
                raise ConfigError(f"stream {spec.name}: the query failed: {describe(error, config)}") from error
        yield Checkpoint(cursor=newest)

    def _connect(self, config: SqlConfig) -> Connection:
        try:
            engine: Engine = create_engine(config.url.get_secret_value(), poolclass=NullPool)
            return engine.connect()
        except exc.NoSuchModuleError as error:
            raise ConfigError(
                f"no SQLAlchemy driver for this URL ({error}); install the extra, e.g. pip install 'acctgraph-sql[duckdb]'"
            ) from error
        except (exc.ArgumentError, ValueError) as error:
            raise ConfigError(f"the url is not a SQLAlchemy URL: {error}") from error
        except exc.DBAPIError as error:
            raise ConfigError(f"cannot connect: {describe(error, config)}") from error

    @staticmethod
    def _statement(connection: Connection, spec: SqlStream, state: StreamState) -> tuple[Any, dict[str, Any]]:
        """The wrapped query, its cursor filter and keyset position as bound parameters."""
        sqlite = connection.dialect.name == "sqlite"
        quote = connection.dialect.identifier_preparer.quote

        def expression(column: str, param: str) -> tuple[str, str]:
            left, right = f"source.{quote(column)}", f":{param}"
            if sqlite and column == spec.cursor_column:
                return SQLITE_TIME.format(left), SQLITE_TIME.format(right)
            return left, right

        def bound(column: str, value: Any) -> Any:
            if column != spec.cursor_column:
                return value
            moment = as_utc(value, column)
            return moment.isoformat() if sqlite else moment

        conditions, params = [], {}
        if spec.cursor_column and state.cursor is not None:
            left, right = expression(spec.cursor_column, "cursor")
            conditions.append(f"{left} >= {right}")
            params["cursor"] = bound(spec.cursor_column, state.cursor)
        after = state.resume.get("after")
        if after:
            keyset = [(column, *expression(column, f"after_{n}")) for n, column in enumerate(spec.keyset())]
            conditions.append(_after(keyset))
            params.update(
                {
                    f"after_{n}": bound(column, value)
                    for n, (column, value) in enumerate(zip(spec.keyset(), after, strict=True))
                }
            )
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        order = ", ".join(expression(column, "")[0] for column in spec.keyset())
        return text(f"SELECT * FROM ({spec.query}) AS source{where} ORDER BY {order}"), params

    @staticmethod
    def _position(spec: SqlStream, row: Mapping[Any, Any]) -> list[Any]:
        """The last row's keyset values, as JSON (the cursor as ISO 8601)."""
        return [
            as_utc(row[column], column).isoformat()
            if column == spec.cursor_column
            else row[column]
            if isinstance(row[column], int | float | str)
            else str(row[column])
            for column in spec.keyset()
        ]

    @staticmethod
    def _message(stream: Stream, spec: SqlStream, row: Mapping[Any, Any]) -> Message:
        """A row as a canonical payload: mapped fields, constants, and other columns kept as extra."""
        if spec.deleted_column and row[spec.deleted_column]:
            return Tombstone(external_id=str(row[spec.column("external_id")]))
        renamed = {column: canonical for canonical, column in spec.fields.items()}
        skipped = {spec.deleted_column, *([spec.cursor_column] if spec.cursor_column not in renamed else [])}
        values = {renamed.get(column, column): value for column, value in row.items() if column not in skipped}
        return {**source_values(stream.record_type, values), **spec.constants}


def _after(keyset: Sequence[tuple[str, str, str]]) -> str:
    """``(a, b, c) > (:a, :b, :c)`` spelled out, since not every database compares row values."""
    (_, left, right), *rest = keyset
    if not rest:
        return f"{left} > {right}"
    return f"({left} > {right} OR ({left} = {right} AND {_after(rest)}))"
