"""Connections: named, configured instances of a connector, stored in the database with sealed secrets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from acctgraph.integration import secrets
from acctgraph.integration.connector import CheckResult, Connector, ConnectorConfig
from acctgraph.integration.errors import ConnectorError
from acctgraph.integration.triage import describe_validation_error
from acctgraph.models import Connection


class ConnectionSetupError(Exception):
    """A connection cannot be added, found or configured; the message says how to fix it."""


@dataclass(frozen=True)
class Connectors:
    """The connector classes the loaded plugins provide, by name."""

    classes: Mapping[str, type[Connector]]

    def get(self, name: str) -> type[Connector]:
        if name not in self.classes:
            known = ", ".join(sorted(self.classes)) or "none (install a connector plugin)"
            raise ConnectionSetupError(f"no connector named {name!r}; installed connectors: {known}")
        return self.classes[name]


def get_connection(session: Session, name: str) -> Connection:
    connection = session.scalar(select(Connection).where(Connection.name == name))
    if connection is None:
        known = ", ".join(session.scalars(select(Connection.name).order_by(Connection.name))) or "none"
        raise ConnectionSetupError(
            f"no connection named {name!r}; connections: {known} (add one with `acctgraph connections add`)"
        )
    return connection


def validate_config(connector: type[Connector], values: Mapping[str, Any]) -> ConnectorConfig:
    try:
        return connector.parse_config(values)
    except ValidationError as error:
        reason = describe_validation_error(error, connector.config_model.secret_fields())
        if any(item["type"] == "extra_forbidden" for item in error.errors()):
            reason += f" (its settings: {', '.join(connector.config_model.model_fields)})"
        raise ConnectionSetupError(f"invalid configuration for connector {connector.name!r}: {reason}") from None


def add_connection(
    session: Session,
    connectors: Connectors,
    name: str,
    connector_name: str,
    values: Mapping[str, Any],
    secret_key: SecretStr | None,
    replace: bool = False,
) -> Connection:
    """Validate the configuration, seal its secrets and store the connection (or replace its configuration)."""
    connector = connectors.get(connector_name)
    secret_fields = connector.config_model.secret_fields()
    try:
        sealed = secrets.seal(values, secret_fields, secret_key)
        validate_config(connector, secrets.unseal(sealed, secret_fields, secret_key, require_env=False))
    except secrets.SecretsError as error:
        raise ConnectionSetupError(str(error)) from None
    connection = session.scalar(select(Connection).where(Connection.name == name))
    if connection is not None and not replace:
        raise ConnectionSetupError(f"a connection named {name!r} exists; pass --replace to change its configuration")
    if connection is None:
        connection = Connection(name=name, connector=connector_name, config=sealed)
        session.add(connection)
    else:
        connection.connector, connection.config = connector_name, sealed
    session.flush()
    return connection


def connector_and_config(
    connection: Connection, connectors: Connectors, secret_key: SecretStr | None
) -> tuple[Connector, ConnectorConfig]:
    """The connector instance and its validated configuration, secrets unsealed in memory only."""
    connector_class = connectors.get(connection.connector)
    try:
        values = secrets.unseal(connection.config, connector_class.config_model.secret_fields(), secret_key)
    except secrets.SecretsError as error:
        raise ConnectionSetupError(f"connection {connection.name!r}: {error}") from None
    return connector_class(), validate_config(connector_class, values)


def shown_config(connection: Connection, connectors: Connectors) -> dict[str, Any]:
    """The configuration safe to print or return: no secret in it."""
    connector_class = connectors.classes.get(connection.connector)
    fields = connector_class.config_model.secret_fields() if connector_class else frozenset()
    return secrets.describe(connection.config, fields)


def check_connection(connection: Connection, connectors: Connectors, secret_key: SecretStr | None) -> CheckResult:
    try:
        connector, config = connector_and_config(connection, connectors, secret_key)
        return connector.check(config)
    except (ConnectionSetupError, ConnectorError) as error:
        return CheckResult(ok=False, message=str(error))
