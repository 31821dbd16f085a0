"""INSERT that skips rows a unique constraint already holds, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_new_rows(session: Session, model: type[Any], rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` of ``model``; those conflicting with a unique constraint (even one another session
    committed a moment ago) are skipped. Returns the ids inserted."""
    if not rows:
        return []
    return list(session.scalars(_insert_or_skip(session, model).returning(model.id), rows))


def _insert_or_skip(session: Session, model: type[Any]) -> Insert:
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(model).on_conflict_do_nothing()
