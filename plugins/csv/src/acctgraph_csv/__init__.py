"""acctgraph CSV connector: one CSV file per canonical entity, columns named as the canonical fields
unless a mapping file renames them. Bad rows are reported with their row number, column and problem."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from acctgraph import hookimpl
from acctgraph.integration.connector import (
    Checkpoint,
    CheckResult,
    Connector,
    ConnectorConfig,
    Message,
    RecordError,
    Stream,
    StreamState,
    SyncMode,
)
from acctgraph.integration.records import CanonicalRecord, Entity

__version__ = "0.1.0"

# The default file of each entity, in the order streams sync (referenced records first).
DEFAULT_FILES: dict[Entity, str] = {
    Entity.ACCOUNT: "accounts.csv",
    Entity.PRODUCT: "products.csv",
    Entity.CONTACT: "contacts.csv",
    Entity.CONTRACT: "contracts.csv",
    Entity.CONTRACT_LINE: "contract_lines.csv",
    Entity.OPPORTUNITY: "opportunities.csv",
    Entity.ACTIVITY: "activities.csv",
    Entity.INVOICE: "invoices.csv",
    Entity.SUPPORT_TICKET: "support_tickets.csv",
    Entity.NPS_RESPONSE: "nps_responses.csv",
    Entity.ACCOUNT_SENTIMENT: "account_sentiments.csv",
    Entity.USAGE_METRIC: "usage_metrics.csv",
}


class StreamMapping(BaseModel):
    """How one entity's CSV file is named and which column holds each canonical field."""

    model_config = ConfigDict(extra="forbid")
    file: str | None = None
    columns: dict[str, str] = Field(default_factory=dict, description="canonical field -> CSV column")


class CsvConfig(ConnectorConfig):
    directory: Path = Field(description="The folder holding the CSV files")
    mapping_file: Path | None = Field(default=None, description="JSON: {stream: {file, columns}}")
    delimiter: str = Field(default=",", min_length=1, max_length=1)
    encoding: str = "utf-8-sig"
    checkpoint_every: int = Field(default=500, ge=1, description="Rows between state checkpoints")

    @field_validator("directory")
    @classmethod
    def _directory_exists(cls, value: Path) -> Path:
        if not value.is_dir():
            raise ValueError(f"{value} is not a directory")
        return value

    def mappings(self) -> dict[str, StreamMapping]:
        if self.mapping_file is None:
            return {}
        raw = json.loads(self.mapping_file.read_text())
        return {name: StreamMapping.model_validate(value) for name, value in raw.items()}


def stream_name(entity: Entity) -> str:
    return DEFAULT_FILES[entity].removesuffix(".csv")


class CsvConnector(Connector[CsvConfig]):
    name = "csv"
    version = __version__
    config_model = CsvConfig
    description = "Any canonical entity from CSV files"

    def check(self, config: CsvConfig) -> CheckResult:
        try:
            streams = self.streams(config)
        except (OSError, ValueError) as error:
            return CheckResult(ok=False, message=f"cannot read the mapping file: {error}")
        if not streams:
            expected = ", ".join(DEFAULT_FILES.values())
            return CheckResult(
                ok=False, message=f"no CSV file found in {config.directory} (expected some of {expected})"
            )
        return CheckResult(ok=True, message=f"{len(streams)} CSV files: {', '.join(s.name for s in streams)}")

    def streams(self, config: CsvConfig) -> list[Stream]:
        mappings = config.mappings()
        return [
            Stream(
                stream_name(entity),
                entity,
                cursor_field="file_modified_at",
                sync_modes=frozenset({SyncMode.FULL_REFRESH, SyncMode.INCREMENTAL}),
                description=f"{entity} rows of {self._path(config, entity, mappings).name}",
            )
            for entity in DEFAULT_FILES
            if self._path(config, entity, mappings).is_file()
        ]

    @staticmethod
    def _path(config: CsvConfig, entity: Entity, mappings: Mapping[str, StreamMapping]) -> Path:
        mapping = mappings.get(stream_name(entity))
        return config.directory / (mapping.file if mapping and mapping.file else DEFAULT_FILES[entity])

    def read(self, stream: Stream, config: CsvConfig, state: StreamState) -> Iterator[Message]:
        """Rows from ``state.resume["row"]`` on; nothing when the file is older than the state's cursor."""
        mappings = config.mappings()
        path = self._path(config, stream.entity, mappings)
        modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        if state.cursor is not None and modified < state.cursor:
            yield Checkpoint(cursor=state.cursor)
            return
        columns = mappings.get(stream.name, StreamMapping()).columns
        column_of = {field: columns.get(field, field) for field in stream.record_type.model_fields}
        done = int(state.resume.get("row", 1))
        with path.open(newline="", encoding=config.encoding) as handle:
            reader = csv.reader(handle, delimiter=config.delimiter)
            header = next(reader, [])
            position = {column: index for index, column in enumerate(header)}  # a repeated name: its last
            # (payload key, position): the mapped fields the header has, then its other columns as extra fields.
            keys = [(field, position[column]) for field, column in column_of.items() if column in position]
            keys += [(column, position[column]) for column in header if column and column not in column_of.values()]
            validate, row_number = stream.record_type.model_validate, 1
            for cells in reader:
                if not cells:
                    continue  # a blank line is neither read nor numbered
                row_number += 1
                if row_number <= done:
                    continue
                yield self._message(validate, header, cells, row_number, column_of, keys)
                if (row_number - 1) % config.checkpoint_every == 0:
                    yield Checkpoint(cursor=modified, resume={"row": row_number})
        yield Checkpoint(cursor=modified)

    @staticmethod
    def _message(
        validate: Callable[[dict[str, Any]], CanonicalRecord],
        header: list[str],
        cells: list[str],
        row_number: int,
        column_of: Mapping[str, str],
        keys: list[tuple[str, int]],
    ) -> Message:
        """The row as a canonical record, or a RecordError naming the row, the column and the problem.
        ``keys``: (payload key, position) pairs of the header's columns; empty cells are left out."""
        filled = cells if len(cells) >= len(header) else cells + [""] * (len(header) - len(cells))
        payload: dict[str, Any] = {key: value for key, index in keys if (value := filled[index])}
        try:
            return validate(payload)
        except ValidationError as error:
            problems = []
            for item in error.errors(include_url=False):
                field = str(item["loc"][0]) if item["loc"] else ""
                column = column_of.get(field, field)
                problems.append(
                    f"column {column!r}: {item['msg']}"
                    + (f" (got {item['input']!r})" if item["type"] != "missing" else "")
                )
            return RecordError(
                reason="; ".join(problems),
                payload=_as_read(header, cells),
                location=f"row {row_number}",
                external_id=payload.get("external_id") and f"{payload['external_id']}",
            )


def _as_read(header: list[str], cells: list[str]) -> dict[str, Any]:
    """The row keyed by column, as the file has it: a missing cell is None, cells beyond the header are
    listed under ``"..."``."""
    row: dict[str, Any] = {column: None for column in header}
    row.update(zip(header, cells, strict=False))
    if len(cells) > len(header):
        row["..."] = cells[len(header) :]
    return row


@hookimpl
def register_connectors() -> list[type[Connector]]:
    return [CsvConnector]
