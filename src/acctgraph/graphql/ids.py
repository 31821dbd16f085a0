"""Opaque global ids (Relay): ``base64("TypeName:pk")``, decoded back to a primary key of a known type."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.relay import GlobalID, GlobalIDValueError

from acctgraph.graphql.errors import InvalidId


def to_global_id(type_name: str, pk: int) -> str:
    return str(GlobalID(type_name=type_name, node_id=str(pk)))


def parse_global_id(value: str | GlobalID) -> GlobalID:
    if isinstance(value, GlobalID):
        return value
    try:
        return GlobalID.from_id(value)
    except GlobalIDValueError:
        raise InvalidId(f"{value!r} is not an acctgraph id; use the `id` field of an object") from None


def decode_id(value: str | GlobalID, type_name: str) -> int:
    """The primary key inside a global id, which must be an id of ``type_name``."""
    global_id = parse_global_id(value)
    if global_id.type_name != type_name or not global_id.node_id.isdigit():
        raise InvalidId(f"{str(value)!r} is the id of a {global_id.type_name}, not of a {type_name}")
    return int(global_id.node_id)


def decode_ids(values: Sequence[str | GlobalID] | None, type_name: str) -> list[int] | None:
    return None if values is None else [decode_id(value, type_name) for value in values]
