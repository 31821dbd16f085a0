"""The mapping file: which tap streams become which canonical entities, and how their properties map.

YAML or JSON::

    streams:
      - tap_stream: companies        # the tap's stream name
        entity: account
        fields: {external_id: id, domain: website}   # canonical field -> tap property
        constants: {segment: mid_market}
        cursor_property: updated_at  # the tap's replication key, for incremental syncs
        bookmark: {replication_key: updated_at, replication_key_value: "{cursor}"}
      - tap_stream: contacts
        entity: contact
        account: {external_id: company_id}          # the account reference
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from acctgraph.integration.connector import Message, Tombstone
from acctgraph.integration.records import CanonicalRecord, Entity, source_values


class AccountReference(BaseModel):
    """Where a record names its account: the source's id for it, or a domain to match it by."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    external_id: str | None = Field(default=None, description="The tap property holding the account's id")
    domain: str | None = Field(default=None, description="The tap property holding the account's domain")


class StreamMapping(BaseModel):
    """One tap stream mapped to one canonical entity."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    tap_stream: str = Field(min_length=1)
    name: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$", description="Our stream's name")
    entity: Entity
    fields: dict[str, str] = Field(default_factory=dict, description="canonical field -> tap property")
    constants: dict[str, Any] = Field(default_factory=dict, description="canonical field -> a fixed value")
    account: AccountReference | None = None
    cursor_property: str | None = Field(default=None, description="The tap's replication key (a timestamp)")
    bookmark: dict[str, Any] | None = Field(
        default=None, description='The tap\'s bookmark for this stream; "{cursor}" becomes the saved cursor'
    )
    lookback_seconds: int = Field(default=0, ge=0)
    reports_deletes: bool = Field(default=False, description="The tap marks deleted records")
    deleted_property: str = Field(default="_sdc_deleted_at", description="Set on a record deleted upstream")

    @property
    def stream_name(self) -> str:
        return self.name or self.tap_stream.lower().replace("-", "_")

    @property
    def incremental(self) -> bool:
        return self.cursor_property is not None and self.bookmark is not None

    def tap_state(self, cursor: datetime) -> dict[str, Any]:
        """The Singer state that starts the tap at ``cursor`` for this stream."""
        text = json.dumps(self.bookmark).replace("{cursor}", cursor.astimezone(UTC).isoformat())
        return {"bookmarks": {self.tap_stream: json.loads(text)}}

    def cursor_of(self, record: Mapping[str, Any]) -> datetime | None:
        value = record.get(self.cursor_property) if self.cursor_property else None
        if not value:
            return None
        moment = datetime.fromisoformat(str(value))
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment

    def message(self, record_type: type[CanonicalRecord], record: Mapping[str, Any]) -> Message:
        """A tap record as a canonical payload (or a tombstone); Singer's ``_sdc_*`` columns are dropped."""
        if record.get(self.deleted_property):
            return Tombstone(external_id=str(record[self.fields.get("external_id", "external_id")]))
        renamed = {prop: canonical for canonical, prop in self.fields.items()}
        values = {renamed.get(k, k): v for k, v in record.items() if not k.startswith("_sdc_") and k not in renamed}
        values.update({canonical: record.get(prop) for canonical, prop in self.fields.items()})
        if self.account is not None:
            if self.account.external_id:
                values["account_external_id"] = record.get(self.account.external_id)
            if self.account.domain:
                values["account_domain"] = record.get(self.account.domain)
        return {**source_values(record_type, values), **self.constants}


class TapMapping(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    streams: list[StreamMapping] = Field(min_length=1)


def load_mapping(path: Path) -> TapMapping:
    """Read a YAML (``.yaml``/``.yml``) or JSON mapping file; raises ``OSError``, ``ValueError`` (bad
    syntax) or pydantic's ``ValidationError`` naming the bad key."""
    text = path.read_text()
    raw = yaml.safe_load(text) if path.suffix in (".yaml", ".yml") else json.loads(text)
    mapping = TapMapping.model_validate(raw)
    names = [stream.stream_name for stream in mapping.streams]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValueError(f"stream names repeat in {path}: {', '.join(repeated)} (set `name` to tell them apart)")
    return mapping
