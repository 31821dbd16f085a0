"""Self-referencing hierarchies (users' managers, parent accounts, contacts' reports-to): walk them, refuse cycles."""

from __future__ import annotations

from typing import Any

from sqlalchemy import literal, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from acctgraph.domain.rules import BusinessRuleError


def descendant_ids(session: Session, parent: InstrumentedAttribute[Any], root_id: int) -> set[int]:
    """Ids of every row below ``root_id`` (children, their children, ...): one recursive query."""
    model = parent.class_
    tree = select(model.id).where(parent == root_id).cte(name="descendants", recursive=True)
    tree = tree.union(select(model.id).where(parent == tree.c.id))
    return set(session.scalars(select(tree.c.id)))


def ancestor_ids(session: Session, parent: InstrumentedAttribute[Any], start_id: int) -> set[int]:
    """Ids of ``start_id`` and every row above it."""
    model = parent.class_
    chain = select(literal(start_id).label("id")).cte(name="ancestors", recursive=True)
    chain = chain.union(select(parent.label("id")).where(model.id == chain.c.id, parent.is_not(None)))
    return set(session.scalars(select(chain.c.id)))


def refuse_cycle(
    session: Session, parent: InstrumentedAttribute[Any], row_id: int, new_parent_id: int | None, field: str
) -> None:
    """Setting ``new_parent_id`` above ``row_id`` must not put ``row_id`` above itself."""
    if new_parent_id is not None and row_id in ancestor_ids(session, parent, new_parent_id):
        raise BusinessRuleError(
            "CYCLE",
            "this would make the hierarchy a loop (the new parent is the record itself or below it); choose another",
            field,
        )
