"""Keyset pagination: orderings with a unique tail, opaque cursors, and the "rows after" predicate.

A page never uses OFFSET: the cursor holds the sort values of the row it points at, and the next page
is the rows strictly after those values in the ordering. Every ordering ends with the primary key, so
the order is total and stable. Nullable sort keys put nulls last in both directions.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_
from sqlalchemy.orm import QueryableAttribute

from acctgraph.graphql.errors import InvalidArgument, InvalidCursor
from acctgraph.settings import Settings


@dataclass(frozen=True)
class SortKey:
    """One column of an ordering. ``value_type`` decodes the cursor's JSON back into a bindable value."""

    name: str
    column: ColumnElement[Any] | QueryableAttribute[Any]
    descending: bool = False
    nullable: bool = False
    value_type: type = int
    nulls_first: bool = False

    def reversed(self) -> SortKey:
        return replace(self, descending=not self.descending, nulls_first=self.nullable and not self.nulls_first)

    def order_by(self) -> ColumnElement[Any]:
        ordered = self.column.desc() if self.descending else self.column.asc()
        if not self.nullable:
            return ordered
        return ordered.nulls_first() if self.nulls_first else ordered.nulls_last()

    def beyond(self, value: Any) -> ColumnElement[bool]:
        """Rows strictly past ``value`` in this key's direction (nulls excluded)."""
        return self.column < value if self.descending else self.column > value


@dataclass(frozen=True)
class Ordering:
    keys: tuple[SortKey, ...]

    @property
    def signature(self) -> str:
        return ",".join(f"{key.name}:{'desc' if key.descending else 'asc'}" for key in self.keys)

    def reversed(self) -> Ordering:
        return Ordering(tuple(key.reversed() for key in self.keys))

    def order_by(self) -> list[ColumnElement[Any]]:
        return [key.order_by() for key in self.keys]

    def after(self, values: list[Any]) -> ColumnElement[bool]:
        """The predicate selecting rows that come after ``values`` in this ordering."""
        return _after(self.keys, values)


def _after(keys: tuple[SortKey, ...], values: list[Any]) -> ColumnElement[bool]:
    key, value = keys[0], values[0]
    rest = _after(keys[1:], values[1:]) if len(keys) > 1 else None
    column = key.column
    if value is None:
        # The cursor sits in the block of nulls: later nulls, then (nulls first) every non-null row.
        inside_nulls = and_(column.is_(None), rest) if rest is not None else None
        if key.nulls_first:
            return or_(column.is_not(None), inside_nulls) if inside_nulls is not None else column.is_not(None)
        if inside_nulls is None:
            raise InvalidCursor("cursor is not valid for this list; restart from the first page")
        return inside_nulls
    tie = and_(column == value, rest) if rest is not None else None
    strictly_after = or_(key.beyond(value), tie) if tie is not None else key.beyond(value)
    if key.nullable and not key.nulls_first:
        return or_(column.is_(None), strictly_after)
    return strictly_after


def encode_cursor(ordering: Ordering, values: list[Any]) -> str:
    payload = {"o": ordering.signature, "v": [_to_json(value) for value in values]}
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode()


def decode_cursor(ordering: Ordering, cursor: str) -> list[Any]:
    """The sort values inside ``cursor``; an error that says what to do if it is not ours or not for this order."""
    try:
        payload = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        signature, raw_values = payload["o"], payload["v"]
    except (binascii.Error, ValueError, TypeError, KeyError, UnicodeDecodeError):
        raise InvalidCursor(
            f"cursor {cursor!r} is not valid; pass a cursor taken from this list's pageInfo or edges"
        ) from None
    if signature != ordering.signature or len(raw_values) != len(ordering.keys):
        raise InvalidCursor("cursor belongs to another ordering of this list; restart from the first page")
    try:
        return [_from_json(key, value) for key, value in zip(ordering.keys, raw_values, strict=True)]
    except (TypeError, ValueError):
        raise InvalidCursor(f"cursor {cursor!r} is corrupted; restart from the first page") from None


def _to_json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "value") and not isinstance(value, int | float | str):
        return value.value  # enums
    return value


def _from_json(key: SortKey, value: Any) -> Any:
    if value is None:
        if not key.nullable:
            raise ValueError("null in a non-nullable key")
        return None
    if key.value_type is datetime:
        return datetime.fromisoformat(value)
    if key.value_type is date:
        return date.fromisoformat(value)
    if key.value_type is int and (not isinstance(value, int) or isinstance(value, bool)):
        raise TypeError("expected an integer")
    return key.value_type(value)


@dataclass(frozen=True)
class PageRequest:
    """Validated Relay arguments: ``first``/``after`` forward or ``last``/``before`` backward."""

    limit: int
    forward: bool
    cursor: str | None

    @classmethod
    def from_arguments(
        cls, settings: Settings, first: int | None, after: str | None, last: int | None, before: str | None
    ) -> PageRequest:
        if first is not None and last is not None:
            raise InvalidArgument("pass either `first` (with `after`) or `last` (with `before`), not both")
        if (first is not None and before is not None) or (last is not None and after is not None):
            raise InvalidArgument("`first` pages forward from `after`; `last` pages backward from `before`")
        if after is not None and before is not None:
            raise InvalidArgument("pass either `after` or `before`, not both")
        size = first if first is not None else last
        if size is None:
            size = settings.default_page_size
        if size < 0:
            raise InvalidArgument(f"page size must be 0 or more; got {size}")
        if size > settings.max_page_size:
            raise InvalidArgument(
                f"page size {size} is over the maximum of {settings.max_page_size}; "
                f"ask for at most {settings.max_page_size} and page on with `after`"
            )
        forward = last is None and before is None
        return cls(limit=size, forward=forward, cursor=after if forward else before)
