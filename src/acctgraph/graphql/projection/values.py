"""Rows as one JSON document: the SQL that builds it on each database, and reading its values back.

A page travels as a single text value, ``[[v1, v2, ...], ...]`` (``json_agg`` on PostgreSQL, JSON1's
``json_group_array`` on SQLite), parsed by orjson in one call. JSON loses the column types, so each
column gets a decoder from its SQLAlchemy type that gives back what SQLAlchemy itself would have
returned (the projection then serializes it with the schema's own scalars and enums, like the resolvers).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, Enum, Integer, String, Text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeEngine

from acctgraph.graphql.projection.selection import NotCovered
from acctgraph.models.base import UTCDateTime

Decoder = Callable[[Any], Any]
MAX_COLUMNS = 100
"""PostgreSQL's limit on a function's arguments (``json_build_array``)."""


class json_rows(FunctionElement[str]):
    """Aggregate: the rows of its FROM as a JSON array of arrays of the given columns, as text."""

    type = Text()
    inherit_cache = True
    name = "json_rows"


@compiles(json_rows, "postgresql")
def _json_rows_postgresql(element: json_rows, compiler: SQLCompiler, **kwargs: Any) -> str:
    columns = compiler.process(element.clauses, **kwargs)
    return f"CAST(coalesce(json_agg(json_build_array({columns})), '[]') AS TEXT)"


@compiles(json_rows, "sqlite")
def _json_rows_sqlite(element: json_rows, compiler: SQLCompiler, **kwargs: Any) -> str:
    return f"json_group_array(json_array({compiler.process(element.clauses, **kwargs)}))"


def _nullable(decode: Decoder) -> Decoder:
    def decode_or_none(value: Any) -> Any:
        return None if value is None else decode(value)

    return decode_or_none


def _moment(value: str) -> datetime:
    """What ``UTCDateTime`` reads: SQLite's ``2026-11-30 15:07:57.620221`` or PostgreSQL's ISO text with
    an offset, as an aware UTC datetime."""
    moment = datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def decoder(column_type: TypeEngine[Any]) -> Decoder | None:
    """How a JSON value of a column of ``column_type`` becomes the Python value SQLAlchemy would give
    (None: JSON already gives it, as for integers and text)."""
    if isinstance(column_type, UTCDateTime):
        return _nullable(_moment)
    if isinstance(column_type, Enum) and column_type.enum_class is not None:
        return _nullable(_enum_member(column_type.enum_class))
    if isinstance(column_type, Boolean):
        return _nullable(bool)  # SQLite's JSON has 0 and 1
    if isinstance(column_type, Date):
        return _nullable(date.fromisoformat)
    if isinstance(column_type, Integer | String):
        return None
    raise NotCovered(f"a column of type {column_type!r}")


def _enum_member(enum_class: type[enum.Enum]) -> Decoder:
    members = {member.value: member for member in enum_class}
    return members.__getitem__
