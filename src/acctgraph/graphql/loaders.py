"""Batched loading by primary key and of small child lists: one query per batch, never per row."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, select
from sqlalchemy.orm import InstrumentedAttribute

from acctgraph.graphql.context import RequestContext


def visible(model: Any) -> list[ColumnElement[bool]]:
    """Rows deleted upstream stay in the database but are not served."""
    return [model.deleted_at.is_(None)] if hasattr(model, "deleted_at") else []


async def load_by_id(context: RequestContext, model: Any, pk: int | None) -> Any | None:
    if pk is None:
        return None
    return await _by_id_loader(context, model).load(pk)


async def load_many_by_id(context: RequestContext, model: Any, pks: Sequence[int]) -> list[Any | None]:
    return list(await _by_id_loader(context, model).load_many(list(pks)))


def _by_id_loader(context: RequestContext, model: Any) -> Any:
    async def batch(pks: list[int]) -> list[Any | None]:
        rows = await context.db.scalars(select(model).where(model.id.in_(pks), *visible(model)))
        by_pk = {row.id: row for row in rows}
        return [by_pk.get(pk) for pk in pks]

    return context.loaders.get(("by-id", model), batch)


async def load_children(
    context: RequestContext,
    parent: InstrumentedAttribute[Any],
    parent_id: int,
    order_by: Sequence[SQLColumnExpression[Any]] = (),
) -> list[Any]:
    """All rows whose ``parent`` column is ``parent_id`` (for short lists: lines, domains, refs)."""
    model = parent.class_

    async def batch(parent_ids: list[int]) -> list[list[Any]]:
        rows = await context.db.scalars(
            select(model).where(parent.in_(parent_ids), *visible(model)).order_by(*order_by, model.id)
        )
        grouped: dict[int, list[Any]] = defaultdict(list)
        for row in rows:
            grouped[getattr(row, parent.key)].append(row)
        return [grouped[parent_id] for parent_id in parent_ids]

    return await context.loaders.get(("children", parent), batch).load(parent_id)
