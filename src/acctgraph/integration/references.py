"""Resolve the references a batch of records makes (accounts, contracts, contacts, users) in bulk:
records whose required reference is still unknown come back as waiting, with the reason."""

from __future__ import annotations

from typing import Any

from acctgraph.integration import identity
from acctgraph.integration.batches import Batch, BatchOutcome, Waiting
from acctgraph.integration.entity_specs import EntitySpec, Reference
from acctgraph.integration.identity import Source
from acctgraph.integration.records import AccountRecord, CanonicalRecord, ContactRecord, Entity


def domains_of(record: CanonicalRecord) -> list[str]:
    if isinstance(record, AccountRecord):
        return [domain for domain in [record.domain, *record.domains] if domain]
    hints = [getattr(record, "account_domain", None)]
    if isinstance(record, ContactRecord) and record.email and "@" in record.email:
        hints.append(record.email.rsplit("@", 1)[1].lower())
    return [hint for hint in hints if hint]


def resolve_references(
    batch: Batch, spec: EntitySpec, records: list[CanonicalRecord]
) -> tuple[dict[int, dict[str, Any]], BatchOutcome]:
    """id(record) -> resolved foreign-key columns, for the records whose required references resolved."""
    outcome = BatchOutcome()
    lookups: dict[Reference, dict[str, int]] = {}
    for reference in spec.references:
        wanted = {getattr(r, reference.field) for r in records if getattr(r, reference.field, None)}
        lookups[reference] = identity.known_refs(batch.session, batch.source, reference.entity, wanted)
        if reference.entity is Entity.ACCOUNT and reference.required and len(lookups[reference]) < len(wanted):
            lookups[reference].update(_accounts_by_hints(batch, reference, records, lookups[reference]))
    emails = {getattr(r, attr) for r in records for attr in spec.users if getattr(r, attr, None)}
    users = identity.users_by_email(batch.session, emails)
    # One column of values per reference and per user field, then one row per record: a batch costs a
    # few list comprehensions, not a function call and dict lookups per record and reference.
    names = [reference.column for reference in spec.references] + list(spec.users.values())
    if not names:
        return {id(record): {} for record in records}, outcome
    value_columns = [_internal_ids(records, reference.field, lookups[reference]) for reference in spec.references]
    value_columns += [_user_ids(records, attr, users) for attr in spec.users]
    required = [n for n, reference in enumerate(spec.references) if reference.required]
    resolved: dict[int, dict[str, Any]] = {}
    for record, values in zip(records, zip(*value_columns, strict=True), strict=True):
        unresolved = next((n for n in required if values[n] is None), None)
        if unresolved is None:
            resolved[id(record)] = dict(zip(names, values, strict=True))
        else:
            outcome.waiting.append(_waiting(batch.source, spec.references[unresolved], record))
    return resolved, outcome


def _internal_ids(records: list[CanonicalRecord], field: str, lookup: dict[str, int]) -> list[int | None]:
    return [lookup.get(external_id) if (external_id := getattr(r, field, None)) else None for r in records]


def _user_ids(records: list[CanonicalRecord], attr: str, users: dict[str, int]) -> list[int | None]:
    return [users.get(email.lower()) if (email := getattr(r, attr)) else None for r in records]


def _accounts_by_hints(
    batch: Batch, reference: Reference, records: list[CanonicalRecord], known: dict[str, int]
) -> dict[str, int]:
    """Accounts this source has not synced under the records' ids, found by domain or an admin's mapping
    (the domains are worked out only for these records: most batches name accounts already synced)."""
    candidates = {
        external_id: domains_of(r) for r in records if (external_id := getattr(r, reference.field)) not in known
    }
    return identity.resolve_accounts(batch.session, batch.source, candidates)


def _waiting(source: Source, reference: Reference, record: CanonicalRecord) -> Waiting:
    """The record held back for its unresolved required reference, with the reason and what resolves it."""
    external_id: str | None = getattr(record, reference.field, None)
    if reference.entity is Entity.ACCOUNT:
        reason = identity.unresolved_account_reason(source, str(external_id), domains_of(record))
    else:
        reason = (
            f"{reference.entity} {external_id!r} of connection {source.name!r} has not been synced yet; "
            "the record is applied once it is"
        )
    return Waiting(record, str(external_id), reason)
