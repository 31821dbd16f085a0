"""Connection secrets: stored as a reference to an environment variable or encrypted (Fernet), never in clear.

A secret given as ``env:VAR`` is stored as ``{"env": "VAR"}`` and read from the environment at sync
time; any other value is encrypted with the key in ``ACCTGRAPH_SECRET_KEY``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from pydantic import SecretStr

ENV_PREFIX = "env:"
HIDDEN = "********"


class SecretsError(Exception):
    """A secret cannot be stored or read; the message says how to fix it."""


def _fernet(key: SecretStr | None) -> Fernet:
    if key is None:
        raise SecretsError(
            "ACCTGRAPH_SECRET_KEY is not set, so secrets cannot be encrypted; generate one with "
            "`acctgraph connections keygen` and export it, or pass the secret as env:VARIABLE"
        )
    try:
        return Fernet(key.get_secret_value().encode())
    except ValueError:
        raise SecretsError(
            "ACCTGRAPH_SECRET_KEY is not a valid Fernet key; generate one with `acctgraph connections keygen`"
        ) from None


def new_key() -> str:
    return Fernet.generate_key().decode()


def seal(values: Mapping[str, Any], secret_fields: frozenset[str], key: SecretStr | None) -> dict[str, Any]:
    """The configuration as stored: every secret replaced by an env reference or its ciphertext."""
    stored = dict(values)
    for name in secret_fields & stored.keys():
        value = stored[name]
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        if value is None:
            continue
        if str(value).startswith(ENV_PREFIX):
            stored[name] = {"env": str(value).removeprefix(ENV_PREFIX)}
        else:
            stored[name] = {"fernet": _fernet(key).encrypt(str(value).encode()).decode()}
    return stored


def unseal(
    stored: Mapping[str, Any], secret_fields: frozenset[str], key: SecretStr | None, require_env: bool = True
) -> dict[str, Any]:
    """The configuration with its secrets in clear, to build the connector's config model (only in memory).

    ``require_env=False`` lets a connection be added before its environment variable is set (the
    variable's name stands in for the value while validating)."""
    values = dict(stored)
    for name in secret_fields & values.keys():
        reference = values[name]
        if not isinstance(reference, dict):
            continue
        if "env" in reference:
            if reference["env"] not in os.environ and require_env:
                raise SecretsError(f"secret {name!r} is read from ${reference['env']}, which is not set")
            values[name] = os.environ.get(reference["env"], f"${reference['env']}")
        else:
            try:
                values[name] = _fernet(key).decrypt(reference["fernet"].encode()).decode()
            except InvalidToken:
                raise SecretsError(
                    f"secret {name!r} cannot be decrypted with this ACCTGRAPH_SECRET_KEY; use the key it was "
                    "stored with, or set the secret again with `acctgraph connections add --replace`"
                ) from None
    return values


def describe(stored: Mapping[str, Any], secret_fields: frozenset[str]) -> dict[str, Any]:
    """The configuration safe to show: secrets as ``env:VAR`` or ``********``."""
    shown = dict(stored)
    for name in secret_fields & shown.keys():
        reference = shown[name]
        shown[name] = (
            f"{ENV_PREFIX}{reference['env']}" if isinstance(reference, dict) and "env" in reference else HIDDEN
        )
    return shown
