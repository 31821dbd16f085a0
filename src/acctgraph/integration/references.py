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
    """id(record) -> resolved foreign-key columns, for the records whose required references resolved.

    One lookup per reference (and one for users' e-mails) for the whole batch, then one pass over the
    records that fills each one's columns from those lookups."""
    outcome = BatchOutcome()
    references = [(reference, _lookup(batch, reference, records)) for reference in spec.references]
    emails = {email for r in records for attr in spec.users if (email := getattr(r, attr, None))}
    users = identity.users_by_email(batch.session, emails)
    user_columns = list(spec.users.items())
    resolved: dict[int, dict[str, Any]] = {}
    for record in records:
        columns: dict[str, Any] = {}
        for reference, internal_ids in references:
            external_id = getattr(record, reference.field, None)
            columns[reference.column] = internal_id = internal_ids.get(external_id) if external_id else None
            if internal_id is None and reference.required:
                outcome.waiting.append(_waiting(batch.source, reference, record))
                break
        else:
            for attr, column in user_columns:
                email = getattr(record, attr)
                columns[column] = users.get(email.lower()) if email else None
            resolved[id(record)] = columns
    return resolved, outcome


def _lookup(batch: Batch, reference: Reference, records: list[CanonicalRecord]) -> dict[str, int]:
    """external id -> internal id of the records' ``reference``; a required account reference the source
    has not synced is looked for by domain and mapping too."""
    wanted = {external_id for r in records if (external_id := getattr(r, reference.field, None))}
    found = identity.known_refs(batch.session, batch.source, reference.entity, wanted)
    if reference.entity is Entity.ACCOUNT and reference.required and len(found) < len(wanted):
        found.update(_accounts_by_hints(batch, reference, records, found))
    return found


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
