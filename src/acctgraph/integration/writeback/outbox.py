"""Queueing write-backs: an outbox row per change and CRM, added to the session of the change itself, so
the two commit (or roll back) together. Delivery is :mod:`acctgraph.integration.writeback.delivery`'s."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from acctgraph.integration.writeback.registry import writable_entities
from acctgraph.models import Connection, CrmWriteback, ExternalRef, WritebackEntity


def crm_sources(
    session: Session, account_id: int, entity: WritebackEntity, writable: Mapping[str, frozenset[str]]
) -> list[int]:
    """The ids of the connections the account came from whose connector writes ``entity`` back."""
    rows = session.execute(
        select(Connection.id, Connection.connector)
        .join(ExternalRef, ExternalRef.source == Connection.name)
        .where(ExternalRef.object_type == "account", ExternalRef.internal_id == account_id)
        .order_by(Connection.id)
    ).all()
    return list(dict.fromkeys(pk for pk, connector in rows if entity.value in writable.get(connector, frozenset())))


def queue_writeback(
    session: Session,
    entity: WritebackEntity,
    entity_id: int,
    account_id: int,
    writable: Mapping[str, frozenset[str]] | None = None,
) -> list[CrmWriteback]:
    """Owe the account's CRM(s) this change; nothing for an account no writing CRM brought in.

    Call it inside the change's transaction. ``writable`` defaults to the process's plugins
    (:func:`~acctgraph.integration.writeback.registry.writable_entities`)."""
    targets = crm_sources(session, account_id, entity, writable_entities() if writable is None else writable)
    rows = [
        CrmWriteback(entity=entity, entity_id=entity_id, account_id=account_id, connection_id=connection_id)
        for connection_id in targets
    ]
    session.add_all(rows)
    return rows
