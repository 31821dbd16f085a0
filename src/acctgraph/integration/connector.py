"""The connector contract (version 1), modelled on the Airbyte and Singer protocols, kept Pythonic.

A connector is a class with a ``name``, a pydantic ``config_model`` (secrets typed ``SecretStr``),
``check(config)``, ``streams(config)`` and ``read(stream, config, state)``; it subclasses
``Connector[ItsConfig]`` (or, over an HTTP API, :class:`~acctgraph.integration.http_connector.HttpConnector`)
so its methods take its own configuration type. ``read`` is a generator of
canonical records (or dicts to validate), :class:`Tombstone`, :class:`RecordError` and
:class:`Checkpoint` messages. Connectors speak only this module, :mod:`acctgraph.integration.records`,
:mod:`acctgraph.integration.errors`, :mod:`acctgraph.integration.http` and
:mod:`acctgraph.integration.http_connector`: never our models or the database.
"""

from __future__ import annotations

import enum
import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, SecretStr

from acctgraph.integration.records import RECORD_TYPES, CanonicalRecord, Entity

if TYPE_CHECKING:
    from acctgraph.integration.writeback.contract import CrmChange

CONTRACT_VERSION = 1

#: Words that make a configuration field look like a secret (``api_key``, ``access_token``, ``password``).
SECRET_WORDS = ("key", "keys", "token", "tokens", "secret", "secrets", "password", "passwd", "credentials")


def looks_secret(field_name: str) -> bool:
    """Whether a field's name says it holds a secret: a part of it (split on ``_``) is, or ends with, a secret word."""
    return any(part.endswith(SECRET_WORDS) for part in re.split(r"[^a-z0-9]+", field_name.lower()))


class UnsealedSecretError(TypeError):
    """A connector's configuration has a field named like a secret that is not typed ``SecretStr``."""


class SyncMode(enum.StrEnum):
    FULL_REFRESH = "full_refresh"
    INCREMENTAL = "incremental"


class ConnectorConfig(BaseModel):
    """Base of a connector's configuration: unknown keys are refused, secrets are ``SecretStr``.

    A ``SecretStr`` field is never printed, logged or returned by the CLI or API, and is stored
    encrypted or as a reference to an environment variable.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: Fields named like secrets that hold none (e.g. ``primary_key`` naming a column): exempt from the check.
    not_secret: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def unsealed_secrets(cls) -> list[str]:
        """Fields whose name looks secret (:func:`looks_secret`) but whose type is not ``SecretStr``."""
        secret = cls.secret_fields()
        return [name for name in cls.model_fields if looks_secret(name) and name not in secret | cls.not_secret]

    @classmethod
    def secret_fields(cls) -> frozenset[str]:
        """The names of the fields holding secrets."""
        return frozenset(
            name
            for name, info in cls.model_fields.items()
            if info.annotation is SecretStr or info.annotation == SecretStr | None
        )


@dataclass(frozen=True)
class Stream:
    """One kind of object a connector reads, mapped to one canonical entity.

    ``cursor_field`` names the record field incremental reads filter on with ``>=``; ``lookback`` is how
    far behind the sync's start the saved cursor is kept, so records changed during a sync (or sharing a
    timestamp) are read again next time. A stream that cannot report deletes gets a periodic full
    refresh that marks deleted what it did not see.
    """

    name: str
    entity: Entity
    primary_key: tuple[str, ...] = ()
    cursor_field: str | None = None
    lookback: timedelta = timedelta(0)
    reports_deletes: bool = False
    sync_modes: frozenset[SyncMode] = frozenset({SyncMode.FULL_REFRESH})
    description: str = ""

    def __post_init__(self) -> None:
        if not self.primary_key:
            object.__setattr__(self, "primary_key", self.record_type.primary_key)
        if SyncMode.INCREMENTAL in self.sync_modes and not self.cursor_field:
            raise ValueError(f"stream {self.name!r} supports incremental reads but declares no cursor_field")

    @property
    def record_type(self) -> type[CanonicalRecord]:
        return RECORD_TYPES[self.entity]

    @property
    def incremental(self) -> bool:
        return SyncMode.INCREMENTAL in self.sync_modes


class StreamState(BaseModel):
    """What a stream resumes from: small by design (the engine refuses more than a few kilobytes).

    ``cursor``: read records whose cursor field is ``>=`` this (None: from the beginning).
    ``resume``: opaque position inside an unfinished read (a page token, a file and row); cleared
    by the engine when the stream completes.
    """

    model_config = ConfigDict(frozen=True)

    cursor: AwareDatetime | None = None
    resume: dict[str, Any] = Field(default_factory=dict)


@dataclass(frozen=True)
class Checkpoint:
    """Everything yielded before this message is covered by this state.

    The engine commits the state in the same transaction as the records it covers. ``cursor`` is the
    highest cursor value read so far; the engine saves at most the sync's start minus the stream's
    lookback. Yield one at least every page or every few hundred records.
    """

    cursor: datetime | None = None
    resume: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Tombstone:
    """The record ``external_id`` was deleted upstream: the engine marks its row deleted (never drops it)."""

    external_id: str
    deleted_at: datetime | None = None


@dataclass(frozen=True)
class RecordError:
    """A record the connector could not turn into a canonical record; the engine rejects it with this reason.

    ``location`` says where: e.g. ``row 12, column amount``.
    """

    reason: str
    payload: Mapping[str, Any]
    location: str = ""
    external_id: str | None = None


Message = CanonicalRecord | Mapping[str, Any] | Tombstone | RecordError | Checkpoint


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    message: str


ConfigT = TypeVar("ConfigT", bound=ConnectorConfig)


class Connector(ABC, Generic[ConfigT]):
    """Base class of every connector. Subclasses are stateless; configuration arrives in each call.

    Generic in its configuration (``class StripeConnector(Connector[StripeConfig])``), so the methods of
    a subclass take its own configuration type. ``config_model`` must be that same type: a class
    variable cannot be typed with ``ConfigT``, so :meth:`parse_config` returns the base type.
    """

    name: ClassVar[str]
    version: ClassVar[str] = "0.0.0"
    config_model: ClassVar[type[ConnectorConfig]]
    contract_version: ClassVar[int] = CONTRACT_VERSION
    description: ClassVar[str] = ""
    #: What this connector can write back to its system (``activity``, ``qbr``, ``task``); see :meth:`write`.
    writes: ClassVar[frozenset[str]] = frozenset()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Refuse a connector whose configuration would store a secret in plain text (its plugin then fails
        to load, and ``acctgraph plugins list`` shows why)."""
        super().__init_subclass__(**kwargs)
        config_model: type[ConnectorConfig] | None = cls.__dict__.get("config_model")
        unsealed = config_model.unsealed_secrets() if config_model is not None else []
        if config_model is not None and unsealed:
            fields = ", ".join(repr(name) for name in unsealed)
            raise UnsealedSecretError(
                f"connector {cls.__dict__.get('name', cls.__name__)!r} refused: config field {fields} of "
                f"{config_model.__name__} looks like a secret but is not typed SecretStr; type it SecretStr "
                f"(stored encrypted, never shown) or list it in {config_model.__name__}.not_secret"
            )

    @classmethod
    def parse_config(cls, values: Mapping[str, Any]) -> ConnectorConfig:
        """Validate a configuration; raises pydantic's ``ValidationError`` naming each bad field."""
        return cls.config_model.model_validate(dict(values))

    @abstractmethod
    def check(self, config: ConfigT) -> CheckResult:
        """Test the configuration against the source (credentials, reachability); never raises for a bad
        config: returns ``CheckResult(ok=False, message=...)`` saying what to fix."""

    @abstractmethod
    def streams(self, config: ConfigT) -> list[Stream]:
        """The streams this configuration offers, in the order they should sync (accounts first)."""

    @abstractmethod
    def read(self, stream: Stream, config: ConfigT, state: StreamState) -> Iterator[Message]:
        """Yield the stream's records from ``state`` on, with tombstones, record errors and checkpoints.

        Raise :class:`~acctgraph.integration.errors.ConfigError`, ``TransientError`` or ``RateLimited``
        when the source fails; the engine knows what to do with each.
        """

    def stream(self, config: ConfigT, name: str) -> Stream:
        """The stream called ``name``; raises ``KeyError`` listing the known ones."""
        by_name = {stream.name: stream for stream in self.streams(config)}
        if name not in by_name:
            raise KeyError(f"connector {self.name!r} has no stream {name!r}; streams: {', '.join(by_name)}")
        return by_name[name]

    def write(self, change: CrmChange, config: ConnectorConfig) -> str:
        """Write one change back to the source (for the entities in ``writes``), idempotently by
        ``change.writeback_key``; return the source's id of the record (docs/connectors.md, write-back)."""
        raise NotImplementedError(f"connector {self.name!r} writes nothing back")
