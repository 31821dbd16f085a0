"""Custom scalars, registered in the schema's ``scalar_map``: BigInt, and Date/DateTime with bounds.

Every input passes through a scalar's parser before any resolver runs, so a value out of range is
refused here the same way on SQLite and PostgreSQL, as a ``BAD_USER_INPUT`` error that says the range.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import NewType, TypeVar

import dateutil.parser
import strawberry
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.schema.types.base_scalars import wrap_parser
from strawberry.types.scalar import ScalarDefinition

BigInt = NewType("BigInt", int)

BIGINT_MAX = 2**63 - 1
"""Columns of money and counts are 64-bit integers."""
EARLIEST_DAY = dt.date(1900, 1, 1)
LATEST_DAY = dt.date(2999, 12, 31)
"""Days and times outside these are mistakes (or attacks on date arithmetic), not business data."""

T = TypeVar("T")


def _bounded(parse: Callable[[object], object], check: Callable[[T], None]) -> Callable[[object], T]:
    """``parse`` (one of strawberry's string parsers, which return T), then ``check`` the value."""

    def parse_bounded(value: object) -> T:
        parsed: T = parse(value)  # type: ignore[assignment]
        check(parsed)
        return parsed

    return parse_bounded


def _big_int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise StrawberryInputCoercionError(f"BigInt must be an integer or a string of digits, not {value!r}")
    try:
        number = int(value)
    except ValueError:
        raise StrawberryInputCoercionError(f"BigInt must be an integer, not {value!r}") from None
    if not -BIGINT_MAX <= number <= BIGINT_MAX:
        raise StrawberryInputCoercionError(f"BigInt {value} is outside the 64-bit range (+/- {BIGINT_MAX})")
    return number


def _check_day(value: dt.date) -> None:
    if not EARLIEST_DAY <= value <= LATEST_DAY:
        raise StrawberryInputCoercionError(f"give a date between {EARLIEST_DAY} and {LATEST_DAY}, not {value}")


def _check_moment(value: dt.datetime) -> None:
    try:
        day = value.astimezone(dt.UTC).date() if value.tzinfo else value.date()
    except OverflowError:
        day = dt.date.min
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise StrawberryInputCoercionError(
            f"give a time between {EARLIEST_DAY} and {LATEST_DAY} (in UTC), not {value.isoformat()}"
        )


SCALARS: dict[object, ScalarDefinition] = {
    BigInt: strawberry.scalar(
        name="BigInt",
        description="An integer beyond GraphQL's 32 bits (money in minor units), serialized as a JSON number; "
        "a JSON number or a string of digits in inputs, within the 64-bit range.",
        serialize=int,
        parse_value=_big_int,
    ),
    dt.date: strawberry.scalar(
        name="Date",
        description=f"A calendar day, ISO 8601 (2026-01-31); inputs between {EARLIEST_DAY} and {LATEST_DAY}.",
        serialize=dt.date.isoformat,
        parse_value=_bounded(wrap_parser(dt.date.fromisoformat, "Date"), _check_day),
    ),
    dt.datetime: strawberry.scalar(
        name="DateTime",
        description="A moment, ISO 8601 with its offset (2026-01-31T09:30:00+01:00); inputs between "
        f"{EARLIEST_DAY} and {LATEST_DAY} in UTC.",
        serialize=dt.datetime.isoformat,
        parse_value=_bounded(wrap_parser(dateutil.parser.isoparse, "DateTime"), _check_moment),
    ),
}
