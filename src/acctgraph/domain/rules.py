"""Business-rule failures: the caller can act on them (GraphQL ``userErrors``), nothing was written."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session


class BusinessRuleError(Exception):
    """A change refused by a rule; ``field`` is the input field to fix (camelCase path), if one is at fault."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


def check_version(row: Any, seen: int) -> None:
    """Optimistic concurrency: refuse a change based on an old read instead of overwriting silently."""
    if row.version != seen:
        raise BusinessRuleError(
            "STALE_VERSION",
            f"this {type(row).__name__.lower()} was changed by someone else since you read it (you sent version "
            f"{seen}, it is now at version {row.version}); reload it and apply your change again",
            "version",
        )


def get_row(session: Session, model: Any, pk: int, field: str = "id") -> Any:
    """The row, or a NOT_FOUND error on ``field``; archived or deleted-upstream rows count as missing."""
    row = session.get(model, pk)
    if row is None or getattr(row, "deleted_at", None) is not None:
        raise BusinessRuleError("NOT_FOUND", f"no {model.__name__} with this id; check `{field}`", field)
    return row


def get_rows(session: Session, model: Any, pks: Sequence[int], field: str) -> list[Any]:
    """All rows, in the order asked, or NOT_FOUND naming the first missing one's position."""
    return [get_row(session, model, pk, f"{field}.{index}") for index, pk in enumerate(pks)]
