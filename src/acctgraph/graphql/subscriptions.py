"""Subscriptions (``graphql-transport-ws``): alerts raised on the caller's book, and sync-run progress.

Authenticated in ``connection_init`` (``graphql.http``) and authorized by the one policy (``graphql.policy``:
the ``Subscription`` type and the types it returns), so a role refused the rows is refused the
subscription. Events come from polling the database every
``ACCTGRAPH_SUBSCRIPTION_POLL_SECONDS`` (``domain.live_events``): the API is stateless across workers.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable, Hashable
from datetime import UTC, datetime
from functools import partial
from typing import Annotated, TypeVar

import strawberry
from sqlalchemy.orm import Session

from acctgraph.domain.actors import Actor
from acctgraph.domain.live_events import (
    alerts_raised_after,
    latest_alert_id,
    sync_run_progress,
    sync_runs_active_since,
)
from acctgraph.graphql.context import Info, Loaders
from acctgraph.graphql.ids import decode_id
from acctgraph.graphql.policy import authorize
from acctgraph.graphql.types.alerts import Alert
from acctgraph.graphql.types.sync import SyncRun

T = TypeVar("T")


def _caller(info: Info, returns: str) -> Actor:
    """The authenticated caller, if the policy lets them subscribe to this field (returning ``returns``)."""
    return authorize(info.context.viewer, "Subscription", info.field_name, returns)


async def _look(info: Info, read: Callable[[Session], T]) -> T:
    """One poll in its own transaction (so the next one sees what was committed meanwhile), with fresh
    DataLoaders (so what is reported is not an earlier poll's cached rows)."""

    def in_transaction(session: Session) -> T:
        session.rollback()  # end what resolving the last event opened: its snapshot may be old
        try:
            return read(session)
        finally:
            session.rollback()

    info.context.loaders = Loaders()
    return await info.context.db.run_sync(in_transaction)


def _alerts_after(session: Session, actor: Actor, after_id: int) -> list[Alert]:
    return [Alert.from_row(row) for row in alerts_raised_after(session, actor, after_id)]


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Alerts raised from now on on accounts of the caller's book (admins: every account; "
        "managers: their team's; others: their own), oldest first. Checked every few seconds."
    )
    async def alert_raised(self, info: Info) -> AsyncGenerator[Alert, None]:
        actor = _caller(info, "Alert")
        after = await _look(info, latest_alert_id)
        while True:
            rows = await _look(info, partial(_alerts_after, actor=actor, after_id=after))
            for alert in rows:
                after = alert.id
                yield alert
            await asyncio.sleep(info.context.settings.subscription_poll_seconds)

    @strawberry.subscription(
        description="Sync runs as they progress: a run is sent when it starts, whenever its counts or status "
        "change, and when it ends; runs already going when subscribing are sent first."
    )
    async def sync_run_progress(
        self,
        info: Info,
        connection_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only runs of this connection.")
        ] = None,
    ) -> AsyncGenerator[SyncRun, None]:
        _caller(info, "SyncRun")
        connection = decode_id(connection_id, "DataSource") if connection_id is not None else None
        since = datetime.now(UTC)
        sent: dict[int, Hashable] = {}
        while True:
            runs = await _look(
                info,
                lambda session: [
                    (SyncRun.from_row(run), sync_run_progress(run))
                    for run in sync_runs_active_since(session, since, connection)
                ],
            )
            for run, progress in runs:
                if sent.get(run.id) != progress:
                    sent[run.id] = progress
                    yield run
            await asyncio.sleep(info.context.settings.subscription_poll_seconds)
