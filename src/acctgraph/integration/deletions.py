"""Deletions upstream: tombstones and full refreshes withdraw a source's claim on rows.

A row several sources report (an account in the CRM and in billing) stays live while any other source
still holds it: only the deleting source's ref goes. A row no other source holds is marked deleted
(kept, hidden, never dropped) and keeps the ref, so it comes back if the record does.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from acctgraph import models as m
from acctgraph.integration.batches import Batch, soft_delete
from acctgraph.integration.entity_specs import SPECS
from acctgraph.integration.records import Entity


def mark_deleted(batch: Batch, entity: Entity, external_ids: Sequence[str], deleted_at: datetime) -> int:
    """Tombstones of this source for ``external_ids``. Returns how many rows were marked deleted."""
    if not external_ids or not entity.has_external_refs:
        return 0
    ref = m.ExternalRef
    claims = select(ref.id, ref.internal_id).where(
        ref.source == batch.source.name, ref.object_type == entity, ref.external_id.in_(set(external_ids))
    )
    return _withdraw(batch, entity, claims, deleted_at)


def record_sightings(batch: Batch, entity: Entity, external_ids: Sequence[str], generation: int) -> None:
    """Note that these records were seen by the full refresh ``generation``."""
    if not external_ids:
        return
    ref_ids = batch.session.scalars(
        select(m.ExternalRef.id).where(
            m.ExternalRef.source == batch.source.name,
            m.ExternalRef.object_type == entity,
            m.ExternalRef.external_id.in_(set(external_ids)),
        )
    ).all()
    if not ref_ids:
        return
    dialect = postgresql if batch.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(m.SyncSighting).values(
        [{"external_ref_id": i, "generation": generation} for i in ref_ids]
    )
    batch.session.execute(
        statement.on_conflict_do_update(index_elements=["external_ref_id"], set_={"generation": generation})
    )


def mark_unseen_deleted(batch: Batch, entity: Entity, generation: int) -> int:
    """After a complete full refresh: the records of this source not seen in it were deleted upstream.
    Returns how many rows were marked deleted."""
    if not entity.has_external_refs:
        return 0
    ref, sighting = m.ExternalRef, m.SyncSighting
    unseen = (
        select(ref.id, ref.internal_id)
        .outerjoin(sighting, sighting.external_ref_id == ref.id)
        .where(
            ref.source == batch.source.name,
            ref.object_type == entity,
            (sighting.generation.is_(None)) | (sighting.generation < generation),
        )
    )
    return _withdraw(batch, entity, unseen, batch.now)


def _withdraw(batch: Batch, entity: Entity, claims: Select[int, int], deleted_at: datetime) -> int:
    """This source no longer reports the rows of ``claims`` (ref id, row id): mark deleted those no other
    source holds, and drop this source's ref on the others."""
    table, ref = SPECS[entity].table, m.ExternalRef
    claimed = claims.subquery()
    held_elsewhere = select(ref.internal_id).where(
        ref.object_type == entity,
        ref.source != batch.source.name,
        ref.internal_id.in_(select(claimed.c.internal_id)),
    )
    deleted = soft_delete(
        batch, table, table.c.id.in_(select(claimed.c.internal_id)) & table.c.id.not_in(held_elsewhere), deleted_at
    )
    batch.session.execute(delete(ref).where(ref.id.in_(select(claimed.c.id)), ref.internal_id.in_(held_elsewhere)))
    return deleted
