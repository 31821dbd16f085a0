"""Identity across systems: which internal row a source's id stands for, resolved in bulk per batch.

An account is found through ``external_refs`` (what this connection synced before), then by domain
(``account_domains``), then by an admin's explicit mapping (``identity_mappings``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.orm import Session

from acctgraph.models import AccountDomain, ExternalRef, IdentityMapping, User


@dataclass(frozen=True)
class Source:
    """The connection records come from: its name is ``external_refs.source``."""

    id: int
    name: str


def known_refs(session: Session, source: Source, object_type: str, external_ids: Collection[str]) -> dict[str, int]:
    """external id -> internal id, for the records of ``object_type`` this source already synced."""
    if not external_ids:
        return {}
    parameters = {"source": source.name, "object_type": object_type, "external_ids": list(set(external_ids))}
    return {key: value for key, value in session.execute(_KNOWN_REFS, parameters)}


# Built once with an expanding parameter: SQLAlchemy then neither rebuilds nor coerces a long IN list
# value by value, which cost more than the query itself in a large batch.
_KNOWN_REFS = select(ExternalRef.external_id, ExternalRef.internal_id).where(
    ExternalRef.source == bindparam("source"),
    ExternalRef.object_type == bindparam("object_type"),
    ExternalRef.external_id.in_(bindparam("external_ids", expanding=True)),
)


def add_refs(session: Session, source: Source, object_type: str, pairs: Iterable[tuple[str, int]]) -> None:
    rows = [
        {"source": source.name, "object_type": object_type, "external_id": external_id, "internal_id": internal_id}
        for external_id, internal_id in pairs
    ]
    if rows:
        session.execute(insert(ExternalRef), rows)


def accounts_by_domain(session: Session, domains: Collection[str]) -> dict[str, int]:
    if not domains:
        return {}
    rows = session.execute(
        select(AccountDomain.domain, AccountDomain.account_id).where(AccountDomain.domain.in_(set(domains)))
    )
    return {key: value for key, value in rows}


def mapped_accounts(session: Session, source: Source, external_ids: Collection[str]) -> dict[str, int]:
    if not external_ids:
        return {}
    rows = session.execute(
        select(IdentityMapping.external_id, IdentityMapping.account_id).where(
            IdentityMapping.connection_id == source.id, IdentityMapping.external_id.in_(set(external_ids))
        )
    )
    return {key: value for key, value in rows}


def users_by_email(session: Session, emails: Collection[str]) -> dict[str, int]:
    if not emails:
        return {}
    lowered = {email.lower() for email in emails}
    rows = session.execute(select(func.lower(User.email), User.id).where(func.lower(User.email).in_(lowered)))
    return {key: value for key, value in rows}


def resolve_accounts(session: Session, source: Source, wanted: dict[str, list[str]]) -> dict[str, int]:
    """Resolve account external ids, each with its candidate domains, to account ids; unresolved ones are absent."""
    found = known_refs(session, source, "account", wanted)
    missing = {external_id: domains for external_id, domains in wanted.items() if external_id not in found}
    by_domain = accounts_by_domain(session, {domain for domains in missing.values() for domain in domains})
    for external_id, domains in missing.items():
        match = next((by_domain[domain] for domain in domains if domain in by_domain), None)
        if match is not None:
            found[external_id] = match
    mapped = mapped_accounts(session, source, [external_id for external_id in missing if external_id not in found])
    return {**found, **mapped}


def unresolved_account_reason(source: Source, external_id: str, domains: list[str]) -> str:
    tried = f"no account with domain {', '.join(domains)}" if domains else "no domain to match"
    return (
        f"account {external_id!r} of connection {source.name!r} is unknown: not synced under that id, {tried}, "
        f"no identity mapping; it is applied once the account is synced, or map it with "
        f"`acctgraph identities map {source.name} {external_id} ACCOUNT_ID`"
    )


def map_identity(session: Session, source: Source, external_id: str, account_id: int) -> IdentityMapping:
    """Record the admin's decision that ``external_id`` of this connection is account ``account_id``."""
    mapping = session.scalar(
        select(IdentityMapping).where(
            IdentityMapping.connection_id == source.id, IdentityMapping.external_id == external_id
        )
    )
    if mapping is None:
        mapping = IdentityMapping(connection_id=source.id, external_id=external_id, account_id=account_id)
        session.add(mapping)
    mapping.account_id = account_id
    session.flush()
    return mapping


def unmap_identity(session: Session, source: Source, external_id: str) -> bool:
    """Forget a mapping; records already written keep their account. Returns whether one existed."""
    mapping = session.scalar(
        select(IdentityMapping).where(
            IdentityMapping.connection_id == source.id, IdentityMapping.external_id == external_id
        )
    )
    if mapping is not None:
        session.delete(mapping)
        session.flush()
    return mapping is not None
