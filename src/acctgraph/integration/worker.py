"""Runs the syncs asked for through the API, one request at a time, from any number of worker processes."""

from __future__ import annotations

from typing import Any, cast

from pydantic import SecretStr
from sqlalchemy import CursorResult, Engine, select, update

from acctgraph.db import sync_sessionmaker
from acctgraph.integration.connections import ConnectionSetupError, Connectors
from acctgraph.integration.engine import SyncOptions, run_sync
from acctgraph.integration.locks import SyncLockedError
from acctgraph.models import Connection, SyncRequest
from acctgraph.models.base import utcnow


def claim_next_request(engine: Engine) -> SyncRequest | None:
    """Take the oldest waiting request; the conditional UPDATE makes one worker win it."""
    with sync_sessionmaker(engine)() as session:
        while True:
            request = session.scalar(
                select(SyncRequest).where(SyncRequest.claimed_at.is_(None)).order_by(SyncRequest.id).limit(1)
            )
            if request is None:
                return None
            # An UPDATE's result is a CursorResult (with rowcount), which Session.execute's typing cannot say.
            claimed = cast(
                CursorResult[Any],
                session.execute(
                    update(SyncRequest)
                    .where(SyncRequest.id == request.id, SyncRequest.claimed_at.is_(None))
                    .values(claimed_at=utcnow())
                ),
            )
            session.commit()
            if claimed.rowcount == 1:
                session.refresh(request)
                return request


def run_requested_syncs(
    engine: Engine, connectors: Connectors, *, secret_key: SecretStr | None = None, hook: Any = None
) -> list[SyncRequest]:
    """Run every waiting request until none is left; each one records its run or why it could not start."""
    done: list[SyncRequest] = []
    while (request := claim_next_request(engine)) is not None:
        done.append(_run(engine, connectors, request, secret_key, hook))
    return done


def _run(
    engine: Engine, connectors: Connectors, request: SyncRequest, secret_key: SecretStr | None, hook: Any
) -> SyncRequest:
    with sync_sessionmaker(engine)() as session:
        request = session.get_one(SyncRequest, request.id)
        name = session.get_one(Connection, request.connection_id).name
        options = SyncOptions(streams=request.streams or None, full_refresh=request.full_refresh)
        try:
            run = run_sync(engine, name, connectors, secret_key=secret_key, options=options, hook=hook)
            request.sync_run_id = run.id
        except (SyncLockedError, ConnectionSetupError, KeyError) as error:
            request.error = str(error).strip("'\"")
        session.commit()
        return request
