"""Keyset pagination over rows stamped by SQL (as the demo loader and bulk loads stamp them) mixed with
rows stamped from Python: every order walks every account exactly once, in both directions. On SQLite
the two used to be stored in two text forms (``15:07:57`` and ``15:07:57.620221``) that compared wrongly."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, insert

from acctgraph import models as m
from tests.api.test_read_pagination import ORDERS, PAGE, book_with_ties_and_gaps, walk
from tests.conftest import GraphQLClient
from tests.fixtures import SampleData


def add_sql_stamped_accounts(sample: SampleData, count: int) -> None:
    """``count`` accounts in one INSERT whose timestamps SQL fills: all equal, a tie in UPDATED_AT."""
    statement = insert(m.Account).values(created_at=func.current_timestamp(), updated_at=func.current_timestamp())
    rows = [
        {"name": f"Stamped {n % 3}", "segment": m.Segment.SMB, "lifecycle_stage": m.LifecycleStage.ACTIVE}
        for n in range(count)
    ]
    sample.session.execute(statement, rows)
    sample.session.commit()


@pytest.mark.parametrize(("field", "direction"), ORDERS)
async def test_every_order_walks_sql_and_python_stamped_accounts_once(
    graphql: GraphQLClient, sample: SampleData, field: str, direction: str
) -> None:
    total = book_with_ties_and_gaps(sample) + 9
    add_sql_stamped_accounts(sample, 9)
    order = {"field": field, "direction": direction}

    # A cursor that compares wrongly pages forever: bounded, so that fails instead of hanging.
    forward = await asyncio.wait_for(walk(graphql, order, forward=True, size=4), timeout=60)
    backward = await asyncio.wait_for(walk(graphql, order, forward=False, size=3), timeout=60)
    whole = await graphql.data(PAGE, {"first": 100, "order": order})

    assert len(forward) == len(set(forward)) == total
    assert backward == forward
    assert [edge["node"]["id"] for edge in whole["accounts"]["edges"]] == forward
