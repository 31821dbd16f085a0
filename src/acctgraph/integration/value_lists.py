"""A column among a long list of values (a batch's external ids), bound the way each database takes it
fastest: one array parameter on PostgreSQL, an expanding IN list elsewhere."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, any_, bindparam
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session


def dialect_name(session: Session) -> str:
    return session.get_bind().dialect.name


def one_of(column: ColumnElement[Any], parameter: str, dialect: str) -> ColumnElement[bool]:
    """``column`` is one of the list bound as ``parameter`` (pass a list).

    On PostgreSQL ``= ANY(:parameter)``: the statement's text stays short whatever the list's length, so
    the driver parses it once and the server plans it once, where an IN list of a batch's thousands of
    placeholders is new text to parse on every batch (that parsing cost more than the query). SQLite has
    no arrays: an expanding IN list, which SQLAlchemy renders without coercing value by value."""
    if dialect == "postgresql":
        return column == any_(bindparam(parameter, type_=postgresql.ARRAY(column.type)))
    return column.in_(bindparam(parameter, expanding=True))
