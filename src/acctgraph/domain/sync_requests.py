"""Asking for a sync: the API records the request; ``acctgraph sync worker`` runs it."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from acctgraph.domain.actors import Actor
from acctgraph.domain.commands import Command
from acctgraph.domain.rules import BusinessRuleError
from acctgraph.models import Connection, SyncRequest


class RequestSync(Command):
    connection_id: int
    streams: list[Annotated[str, Field(min_length=1, max_length=120)]] = Field(default_factory=list, max_length=50)
    full_refresh: bool = False


def request_sync(session: Session, actor: Actor, command: RequestSync) -> SyncRequest:
    """Queue a sync of a connection; a request already waiting for it is returned instead of a second one."""
    connection = session.get(Connection, command.connection_id)
    if connection is None:
        raise BusinessRuleError("NOT_FOUND", "no such connection; `connections` lists them", "connectionId")
    waiting = session.scalar(
        select(SyncRequest).where(SyncRequest.connection_id == connection.id, SyncRequest.claimed_at.is_(None))
    )
    if waiting is not None:
        return waiting
    request = SyncRequest(
        connection_id=connection.id,
        streams=sorted(set(command.streams)),
        full_refresh=command.full_refresh,
        requested_by_id=actor.user_id,
    )
    session.add(request)
    return request
