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
from typing import Any, cast

from pydantic_core import to_jsonable_python
from sqlalchemy import CursorResult, Table, Update, bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from acctgraph import models as m
from acctgraph.integration import identity
from acctgraph.integration.identity import Source
from acctgraph.integration.line_history import close_removed_lines, keep_line_history
from acctgraph.integration.records import (
    AccountRecord,
    CanonicalRecord,
    ContactRecord,
    ContractLineRecord,
    ContractRecord,
    Entity,
    SourceRecord,
)


@dataclass(frozen=True)
class Reference:
    """A record field naming another record of the same source by its external id."""

    field: str
    entity: Entity
    column: str
    required: bool = False


@dataclass(frozen=True)
class EntitySpec:
    model: type[m.Base]
    references: tuple[Reference, ...] = ()
    users: dict[str, str] = field(default_factory=dict)
    natural_key: str | None = None

    @property
    def table(self) -> Table:
        return self.model.__table__


_ACCOUNT = Reference("account_external_id", Entity.ACCOUNT, "account_id", required=True)
_CONTRACT = Reference("contract_external_id", Entity.CONTRACT, "contract_id")

SPECS: dict[Entity, EntitySpec] = {
    Entity.ACCOUNT: EntitySpec(
        m.Account, (Reference("parent_external_id", Entity.ACCOUNT, "parent_id"),), {"owner_email": "owner_id"}
    ),
    Entity.CONTACT: EntitySpec(
        m.Contact, (_ACCOUNT, Reference("reports_to_external_id", Entity.CONTACT, "reports_to_id"))
    ),
    Entity.PRODUCT: EntitySpec(m.Product, natural_key="sku"),
    Entity.CONTRACT: EntitySpec(
        m.Contract,
        (_ACCOUNT, Reference("renewal_of_external_id", Entity.CONTRACT, "renewal_of_id")),
        natural_key="number",
    ),
    Entity.CONTRACT_LINE: EntitySpec(
        m.ContractLine,
        (
            Reference("contract_external_id", Entity.CONTRACT, "contract_id", required=True),
            Reference("product_external_id", Entity.PRODUCT, "product_id", required=True),
        ),
    ),
    Entity.OPPORTUNITY: EntitySpec(m.Opportunity, (_ACCOUNT, _CONTRACT), {"owner_email": "owner_id"}),
    Entity.ACTIVITY: EntitySpec(m.Activity, (_ACCOUNT,), {"author_email": "author_id"}),
    Entity.INVOICE: EntitySpec(m.Invoice, (_ACCOUNT, _CONTRACT), natural_key="number"),
    Entity.SUPPORT_TICKET: EntitySpec(
        m.SupportTicket, (_ACCOUNT, Reference("requester_external_id", Entity.CONTACT, "requester_id"))
    ),
    Entity.NPS_RESPONSE: EntitySpec(
        m.NpsResponse, (_ACCOUNT, Reference("contact_external_id", Entity.CONTACT, "contact_id"))
    ),
    Entity.USAGE_METRIC: EntitySpec(m.UsageMetric, (_ACCOUNT,)),
    Entity.ACCOUNT_SENTIMENT: EntitySpec(m.AccountSentiment, (_ACCOUNT,), {"author_email": "author_id"}),
}


@dataclass
class Waiting:
    """A record held back because a required reference is not known yet."""

    record: CanonicalRecord
    waiting_for: str
    reason: str


@dataclass
class BatchOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    waiting: list[Waiting] = field(default_factory=list)
    written: list[CanonicalRecord] = field(default_factory=list)
    ref_ids: list[int] = field(default_factory=list)

    def add(self, other: BatchOutcome) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.deleted += other.deleted
        self.waiting += other.waiting
        self.written += other.written


@dataclass
class Batch:
    """Everything one batch write needs to know about where it runs."""

    session: Session
    source: Source
    now: datetime


def record_key(record: CanonicalRecord) -> str:
    return ":".join(str(value) for value in record.key())


def write_records(batch: Batch, entity: Entity, records: Sequence[CanonicalRecord]) -> BatchOutcome:
    """Upsert ``records`` of ``entity``; records with an unknown required reference come back as waiting."""
    latest = {record_key(record): record for record in records}
    spec = SPECS[entity]
    resolved, outcome = _resolve_references(batch, spec, list(latest.values()))
    ready = [record for record in latest.values() if id(record) in resolved]
    if entity is Entity.USAGE_METRIC:
        outcome.add(_upsert_usage(batch, ready, resolved))
    else:
        outcome.add(_upsert_source_records(batch, entity, spec, ready, resolved))  # type: ignore[arg-type]
    return outcome


def _domains_of(record: CanonicalRecord) -> list[str]:
    if isinstance(record, AccountRecord):
        return [domain for domain in [record.domain, *record.domains] if domain]
    hints = [getattr(record, "account_domain", None)]
    if isinstance(record, ContactRecord) and record.email and "@" in record.email:
        hints.append(record.email.rsplit("@", 1)[1].lower())
    return [hint for hint in hints if hint]


def _resolve_references(
    batch: Batch, spec: EntitySpec, records: list[CanonicalRecord]
) -> tuple[dict[int, dict[str, Any]], BatchOutcome]:
    """id(record) -> resolved foreign-key columns, for the records whose required references resolved."""
    outcome = BatchOutcome()
    lookups: dict[Reference, dict[str, int]] = {}
    for reference in spec.references:
        wanted = {getattr(r, reference.field) for r in records if getattr(r, reference.field, None)}
        if reference.entity is Entity.ACCOUNT and reference.required:
            candidates = {getattr(r, reference.field): _domains_of(r) for r in records}
            lookups[reference] = identity.resolve_accounts(batch.session, batch.source, candidates)
        else:
            lookups[reference] = identity.known_refs(batch.session, batch.source, reference.entity, wanted)
    emails = {getattr(r, attr) for r in records for attr in spec.users if getattr(r, attr, None)}
    users = identity.users_by_email(batch.session, emails)
    resolved: dict[int, dict[str, Any]] = {}
    for record in records:
        columns = _foreign_keys(batch.source, spec, record, lookups, outcome)
        if columns is None:
            continue
        for attr, column in spec.users.items():
            email = getattr(record, attr)
            columns[column] = users.get(email.lower()) if email else None
        resolved[id(record)] = columns
    return resolved, outcome


def _foreign_keys(
    source: Source,
    spec: EntitySpec,
    record: CanonicalRecord,
    lookups: dict[Reference, dict[str, int]],
    outcome: BatchOutcome,
) -> dict[str, Any] | None:
    columns: dict[str, Any] = {}
    for reference in spec.references:
        external_id = getattr(record, reference.field, None)
        internal_id = lookups[reference].get(external_id) if external_id else None
        if internal_id is None and reference.required:
            assert external_id is not None  # required references are mandatory fields of their records
            if reference.entity is Entity.ACCOUNT:
                reason = identity.unresolved_account_reason(source, external_id, _domains_of(record))
            else:
                reason = (
                    f"{reference.entity} {external_id!r} of connection {source.name!r} has not been synced yet; "
                    "the record is applied once it is"
                )
            outcome.waiting.append(Waiting(record, external_id, reason))
            return None
        columns[reference.column] = internal_id
    return columns


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


def _rows_changed(session: Session, statement: Update) -> int:
    """Run an UPDATE and return how many rows it changed: Session.execute returns a CursorResult for it,
    which its typing cannot say."""
    return cast(CursorResult[Any], session.execute(statement)).rowcount


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
    if entity is Entity.CONTRACT:
        outcome.add(_write_nested_lines(batch, ids, [r for r in records if isinstance(r, ContractRecord)]))
    return outcome


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


def _bumped(table: Table, **values: Any) -> dict[str, Any]:
    """The values, plus a bump of the optimistic-concurrency ``version`` where the table has one, so an
    API client holding the old version learns that a sync changed the row."""
    return {**values, "version": table.c.version + 1} if "version" in table.c else values


def update_rows(session: Session, table: Table, rows: list[dict[str, Any]], bump: bool = True) -> None:
    """UPDATE by primary key, one executemany per set of changed columns (rows carry ``id``)."""
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        by_columns.setdefault(tuple(sorted(key for key in row if key != "id")), []).append(row)
    for columns, group in by_columns.items():
        statement = (
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values(**{column: bindparam(f"new_{column}") for column in columns})
        )
        statement = statement.values(_bumped(table)) if bump else statement
        session.execute(statement, [{"row_id": row["id"], **{f"new_{c}": row[c] for c in columns}} for row in group])


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
        candidates = {r.external_id: _domains_of(r) for r in records}
        return identity.resolve_accounts(batch.session, batch.source, candidates)
    if spec.natural_key is None:
        return {}
    column = spec.table.c[spec.natural_key]
    by_key = {getattr(r, spec.natural_key): r.external_id for r in records}
    rows = batch.session.execute(select(column, spec.table.c.id).where(column.in_(set(by_key))))
    return {by_key[key]: internal_id for key, internal_id in rows}


def _add_domains(session: Session, ids: dict[str, int], records: list[AccountRecord]) -> None:
    """Give each account the domains its record names that no account has yet (a domain has one owner)."""
    wanted = {domain: (ids[r.external_id], domain == r.domain) for r in records for domain in _domains_of(r)}
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


def _upsert_usage(batch: Batch, records: list[CanonicalRecord], resolved: dict[int, dict[str, Any]]) -> BatchOutcome:
    """Usage metrics are keyed by (account, metric, day): no external ref per row, which keeps them cheap."""
    outcome = BatchOutcome(written=list(records))
    table = m.UsageMetric.__table__
    values = {}
    for record in records:
        account_id = resolved[id(record)]["account_id"]
        values[(account_id, record.metric, record.day)] = record.value  # type: ignore[attr-defined]
    existing = _existing_usage(batch.session, list(values)) if values else {}
    inserts = []
    updates = []
    for key, value in values.items():
        row = existing.get(key)
        if row is None:
            inserts.append({"account_id": key[0], "metric": key[1], "day": key[2], "value": value})
        elif row.value != value:
            updates.append({"id": row.id, "value": value, "updated_at": batch.now})
        else:
            outcome.unchanged += 1
    if inserts:
        # With RETURNING, SQLAlchemy sends multi-row VALUES batches ("insertmanyvalues"), not one INSERT a row.
        batch.session.execute(insert(table).returning(table.c.id), inserts)
    if updates:
        update_rows(batch.session, table, updates)
    outcome.created, outcome.updated = len(inserts), len(updates)
    return outcome


def _existing_usage(session: Session, keys: list[tuple[int, str, Any]]) -> dict[tuple[int, str, Any], Any]:
    """The rows of these (account, metric, day) keys. Three plain IN lists compile far faster than a tuple
    IN; they may match a few extra rows (other combinations), which are dropped here."""
    table = m.UsageMetric.__table__
    accounts, metrics, days = (sorted({key[i] for key in keys}) for i in range(3))
    statement = select(table.c.id, table.c.account_id, table.c.metric, table.c.day, table.c.value).where(
        table.c.account_id.in_(accounts), table.c.metric.in_(metrics), table.c.day.in_(days)
    )
    wanted = set(keys)
    rows = (((row.account_id, row.metric, row.day), row) for row in session.execute(statement))
    return {key: row for key, row in rows if key in wanted}


def mark_deleted(batch: Batch, entity: Entity, external_ids: Sequence[str], deleted_at: datetime) -> int:
    """Tombstones: mark the rows deleted (kept, hidden), never drop them. Returns how many were marked."""
    ids = identity.known_refs(batch.session, batch.source, entity, external_ids)
    if not ids or not entity.has_external_refs:
        return 0
    table = SPECS[entity].table
    return _rows_changed(
        batch.session,
        update(table)
        .where(table.c.id.in_(set(ids.values())), table.c.deleted_at.is_(None))
        .values(_bumped(table, deleted_at=deleted_at, updated_at=batch.now)),
    )


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
    """After a complete full refresh: rows of this source not seen in it were deleted upstream."""
    if not entity.has_external_refs:
        return 0
    table = SPECS[entity].table
    ref, sighting = m.ExternalRef, m.SyncSighting
    unseen = (
        select(ref.internal_id)
        .outerjoin(sighting, sighting.external_ref_id == ref.id)
        .where(
            ref.source == batch.source.name,
            ref.object_type == entity,
            (sighting.generation.is_(None)) | (sighting.generation < generation),
        )
    )
    return _rows_changed(
        batch.session,
        update(table)
        .where(table.c.id.in_(unseen), table.c.deleted_at.is_(None))
        .values(_bumped(table, deleted_at=batch.now, updated_at=batch.now)),
    )
