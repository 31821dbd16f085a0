"""Idempotent, set-based upserts of canonical records into the model, one batch at a time.

Each batch costs a handful of statements whatever its size: look up the refs, resolve references,
load the existing rows, then one bulk INSERT and one bulk UPDATE. Writing the same batch twice changes
nothing the second time (every row is found through ``external_refs`` or its natural key), which is
what makes a killed-and-resumed sync equal to a clean one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from operator import attrgetter
from typing import Any

from pydantic_core import to_jsonable_python
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from acctgraph import models as m
from acctgraph.integration import identity
from acctgraph.integration.batches import Batch, BatchOutcome, update_rows
from acctgraph.integration.entity_specs import SPECS, EntitySpec
from acctgraph.integration.line_history import close_removed_lines, keep_line_history
from acctgraph.integration.records import (
    RECORD_TYPES,
    AccountRecord,
    CanonicalRecord,
    ContractLineRecord,
    ContractRecord,
    Entity,
    SourceRecord,
)
from acctgraph.integration.references import domains_of, resolve_references
from acctgraph.integration.usage_writer import upsert_usage


def write_records(batch: Batch, entity: Entity, records: Sequence[CanonicalRecord]) -> BatchOutcome:
    """Upsert ``records`` of ``entity``; records with an unknown required reference come back as waiting."""
    key_of = attrgetter(*RECORD_TYPES[entity].primary_key)
    latest = {key_of(record): record for record in records}  # a record read twice in a batch: the last wins
    spec = SPECS[entity]
    resolved, outcome = resolve_references(batch, spec, list(latest.values()))
    ready = [record for record in latest.values() if id(record) in resolved]
    if entity is Entity.USAGE_METRIC:
        outcome.add(upsert_usage(batch, ready, resolved))
    else:
        outcome.add(_upsert_source_records(batch, entity, spec, ready, resolved))  # type: ignore[arg-type]
    return outcome


def _column_values(spec: EntitySpec, record: CanonicalRecord, only_set: bool) -> dict[str, Any]:
    """The record's own columns: all of them for an insert, only those the connector set for an update.

    Unknown source fields belong in ``extra`` even when named like a column (``updated_at``, ``owner_id``):
    ``model_fields_set`` counts them too, so it is narrowed to the schema's own fields."""
    declared = type(record).model_fields.keys()
    names = record.model_fields_set & declared if only_set else declared
    return {name: getattr(record, name) for name in names if name in spec.table.c and name != "id"}


@dataclass
class WritePlan:
    """What a batch of source records changes: rows to insert (with their records), updates, and how
    many rows are already as the records say."""

    inserts: list[dict[str, Any]] = field(default_factory=list)
    inserted_records: list[SourceRecord] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0


def _upsert_source_records(
    batch: Batch,
    entity: Entity,
    spec: EntitySpec,
    records: list[SourceRecord],
    resolved: dict[int, dict[str, Any]],
) -> BatchOutcome:
    ids = _internal_ids(batch, entity, spec, records)
    table = spec.table
    existing = {row.id: row for row in batch.session.execute(select(table).where(table.c.id.in_(set(ids.values()))))}
    plan = _plan(batch, spec, records, resolved, ids, existing)
    if entity is Entity.CONTRACT_LINE:
        keep_line_history(batch.session, plan.updates, existing, batch.now.date())
    if plan.inserts:
        new_ids = batch.session.scalars(
            insert(spec.model).returning(spec.table.c.id, sort_by_parameter_order=True), plan.inserts
        ).all()
        created = list(zip((r.external_id for r in plan.inserted_records), new_ids, strict=True))
        identity.add_refs(batch.session, batch.source, entity, created)
        ids.update(created)
    if plan.updates:
        update_rows(batch.session, spec.table, plan.updates)
    outcome = BatchOutcome(created=len(plan.inserts), updated=len(plan.updates), unchanged=plan.unchanged)
    outcome.written = list(records)
    _link_within_batch(batch, entity, spec, records, resolved, ids)
    if entity is Entity.ACCOUNT:
        _add_domains(batch.session, ids, [r for r in records if isinstance(r, AccountRecord)])
    if entity is Entity.INVOICE:
        date_voids(batch.session, list(ids.values()), batch.now)
    if entity is Entity.CONTRACT:
        lines = _write_nested_lines(batch, ids, [r for r in records if isinstance(r, ContractRecord)])
        outcome.add(BatchOutcome(nested={str(Entity.CONTRACT_LINE): lines}))
    return outcome


def date_voids(session: Session, invoice_ids: list[int], now: datetime) -> None:
    """Date the voids a source did not date: an invoice first seen void was voided by ``now``, so the
    billing measure of an earlier day still sees it open (one statement)."""
    session.execute(
        update(m.Invoice)
        .where(m.Invoice.id.in_(invoice_ids), m.Invoice.status == m.InvoiceStatus.VOID, m.Invoice.voided_at.is_(None))
        .values(voided_at=now)
        .execution_options(synchronize_session=False)
    )


def _internal_ids(batch: Batch, entity: Entity, spec: EntitySpec, records: list[SourceRecord]) -> dict[str, int]:
    """external id -> row id, for the records that already have a row (adopting rows of other sources)."""
    ids = identity.known_refs(batch.session, batch.source, entity, [r.external_id for r in records])
    adopted = _adopt_existing(batch, entity, spec, [r for r in records if r.external_id not in ids])
    identity.add_refs(batch.session, batch.source, entity, adopted.items())
    return {**ids, **adopted}


def _plan(
    batch: Batch,
    spec: EntitySpec,
    records: list[SourceRecord],
    resolved: dict[int, dict[str, Any]],
    ids: dict[str, int],
    existing: dict[int, Any],
) -> WritePlan:
    plan = WritePlan()
    for record in records:
        foreign = resolved[id(record)]
        row = existing.get(ids.get(record.external_id, -1))
        if row is None:
            plan.inserts.append(
                {**_column_values(spec, record, only_set=False), **foreign, "extra": _jsonable(record.extra)}
            )
            plan.inserted_records.append(record)
            continue
        wanted = {**_column_values(spec, record, only_set=True), **_set_foreign(record, foreign, spec)}
        wanted["extra"] = {**row.extra, **_jsonable(record.extra)}
        wanted["deleted_at"] = None
        changes = {column: value for column, value in wanted.items() if getattr(row, column) != value}
        if changes:
            plan.updates.append({"id": row.id, **changes, "updated_at": batch.now})
        else:
            plan.unchanged += 1
    return plan


def _link_within_batch(
    batch: Batch,
    entity: Entity,
    spec: EntitySpec,
    records: list[SourceRecord],
    resolved: dict[int, dict[str, Any]],
    ids: dict[str, int],
) -> None:
    """Set references to records of the same batch (a parent account listed after its child)."""
    for reference in spec.references:
        if reference.entity is not entity:
            continue
        late = [
            {"id": ids[r.external_id], reference.column: ids[getattr(r, reference.field)]}
            for r in records
            if resolved[id(r)][reference.column] is None and getattr(r, reference.field, None) in ids
        ]
        if late:
            update_rows(batch.session, spec.table, late, bump=False)  # completes this batch's own writes


def _set_foreign(record: CanonicalRecord, foreign: dict[str, Any], spec: EntitySpec) -> dict[str, Any]:
    """Foreign keys the connector set (a reference it left out keeps its current value)."""
    given = record.model_fields_set
    fields_by_column = {ref.column: ref.field for ref in spec.references}
    fields_by_column.update({column: attr for attr, column in spec.users.items()})
    return {column: value for column, value in foreign.items() if fields_by_column[column] in given}


def _jsonable(extra: dict[str, Any]) -> dict[str, Any]:
    return to_jsonable_python(extra)  # type: ignore[no-any-return]


def _adopt_existing(batch: Batch, entity: Entity, spec: EntitySpec, records: list[SourceRecord]) -> dict[str, int]:
    """Rows that already exist under another source: accounts by domain or mapping, others by natural key."""
    if not records:
        return {}
    if entity is Entity.ACCOUNT:
        candidates = {r.external_id: domains_of(r) for r in records}
        return identity.resolve_accounts(batch.session, batch.source, candidates)
    if spec.natural_key is None:
        return {}
    column = spec.table.c[spec.natural_key]
    by_key = {getattr(r, spec.natural_key): r.external_id for r in records}
    rows = batch.session.execute(select(column, spec.table.c.id).where(column.in_(set(by_key))))
    return {by_key[key]: internal_id for key, internal_id in rows}


def _add_domains(session: Session, ids: dict[str, int], records: list[AccountRecord]) -> None:
    """Give each account the domains its record names that no account has yet (a domain has one owner)."""
    wanted = {domain: (ids[r.external_id], domain == r.domain) for r in records for domain in domains_of(r)}
    taken = identity.accounts_by_domain(session, wanted)
    rows = [
        {"account_id": account_id, "domain": domain, "is_primary": primary}
        for domain, (account_id, primary) in wanted.items()
        if domain not in taken
    ]
    if rows:
        session.execute(insert(m.AccountDomain), rows)


def _write_nested_lines(batch: Batch, contract_ids: dict[str, int], contracts: list[ContractRecord]) -> BatchOutcome:
    """Upsert the lines sent inside contracts, and close the lines a contract no longer has (line_history)."""
    with_lines = [contract for contract in contracts if contract.lines is not None]
    lines = [
        ContractLineRecord.model_validate(
            {**line.model_dump(exclude_unset=True), "contract_external_id": c.external_id}
        )
        for c in with_lines
        for line in c.lines or ()
    ]
    outcome = write_records(batch, Entity.CONTRACT_LINE, lines) if lines else BatchOutcome()
    outcome.written = []
    line_ids = identity.known_refs(
        batch.session, batch.source, Entity.CONTRACT_LINE, [line.external_id for line in lines]
    )
    for contract in with_lines:
        kept = [line_ids[line.external_id] for line in contract.lines or () if line.external_id in line_ids]
        contract_id = contract_ids[contract.external_id]
        outcome.deleted += close_removed_lines(batch.session, contract_id, kept, batch.now.date(), batch.now)
    return outcome
