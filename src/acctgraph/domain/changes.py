"""What a unit of work changed, row by row, with before/after values: the audit trail and the book check read it.

A ``ChangeSet`` listens to the session's flushes for the length of one mutation, so it sees every row a
domain function wrote, whichever function wrote it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from acctgraph.domain.actors import Actor
from acctgraph.models import Account, AuditRecord, Event

UNTRACKED = frozenset({"created_at", "updated_at", "version"})


def _plain(value: Any) -> Any:
    """A JSON-safe form of a column value."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


@dataclass
class RowChange:
    entity_type: str
    entity_id: int
    action: str
    fields: dict[str, dict[str, Any]] = field(default_factory=dict)
    account_ids: set[int] = field(default_factory=set)
    previous_owner_ids: set[int | None] = field(default_factory=set)

    def merge(self, fields: dict[str, dict[str, Any]]) -> None:
        for name, values in fields.items():
            before = self.fields.get(name, values)["before"]
            self.fields[name] = {"before": before, "after": values["after"]}


class ChangeSet:
    """Rows created, updated and deleted in ``session`` while the set is open (``with ChangeSet(s) as changes``)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.rows: dict[tuple[str, int], RowChange] = {}

    def __enter__(self) -> ChangeSet:
        event.listen(self.session, "after_flush", self._collect)
        return self

    def __exit__(self, *_exc: object) -> None:
        event.remove(self.session, "after_flush", self._collect)

    def _collect(self, session: Session, _context: Any) -> None:
        for action, rows in (("created", session.new), ("updated", session.dirty), ("deleted", session.deleted)):
            for row in rows:
                if isinstance(row, AuditRecord | Event):  # the trail's own rows, and the outbox's
                    continue
                fields = _changed_fields(row, action)
                if fields or action != "updated":
                    self._add(row, action, fields)

    def _add(self, row: Any, action: str, fields: dict[str, dict[str, Any]]) -> None:
        key = (type(row).__name__, row.id)
        change = self.rows.get(key)
        if change is None:
            change = self.rows[key] = RowChange(type(row).__name__, row.id, action)
        else:
            change.action = "deleted" if action == "deleted" else change.action
        change.merge(fields)
        change.account_ids |= _account_ids(row, fields)
        if isinstance(row, Account) and change.action != "created":
            change.previous_owner_ids.add(fields.get("owner_id", {"before": row.owner_id})["before"])

    def write_audit(self, actor: Actor | None, operation: str) -> list[AuditRecord]:
        """One audit record per changed row, in the session's transaction (so none if it rolls back).
        ``actor`` is None for an operator's CLI command (no user is signed in)."""
        records = [
            AuditRecord(
                actor_id=actor.user_id if actor else None,
                api_key_id=actor.api_key_id if actor else None,
                operation=operation,
                entity_type=change.entity_type,
                entity_id=change.entity_id,
                action=change.action,
                changes=change.fields,
            )
            for change in self.rows.values()
        ]
        self.session.add_all(records)
        self.session.flush()
        return records


def _changed_fields(row: Any, action: str) -> dict[str, dict[str, Any]]:
    state = inspect(row)
    fields: dict[str, dict[str, Any]] = {}
    for attribute in state.mapper.column_attrs:
        name = attribute.key
        if name in UNTRACKED:
            continue
        current = getattr(row, name) if action != "deleted" else None
        if action == "created":
            if current is not None:
                fields[name] = {"before": None, "after": _plain(current)}
            continue
        history = state.attrs[name].history
        if action == "deleted":
            before = history.deleted[0] if history.deleted else state.dict.get(name)
            fields[name] = {"before": _plain(before), "after": None}
        elif history.has_changes():
            before = history.deleted[0] if history.deleted else None
            if before != current:
                fields[name] = {"before": _plain(before), "after": _plain(current)}
    return fields


def _account_ids(row: Any, fields: dict[str, dict[str, Any]]) -> set[int]:
    """The accounts a row belongs to, before and after the change."""
    if isinstance(row, Account):
        return {row.id}
    if not hasattr(row, "account_id"):
        return set()
    before = fields.get("account_id", {}).get("before")
    return {pk for pk in (row.account_id, before) if pk is not None}
