"""Identity across systems: which internal row a source's id stands for, resolved in bulk per batch.

An account is found through ``external_refs`` (what this connection synced before), then by domain
(``account_domains``), then by an admin's explicit mapping (``identity_mappings``).

The bulk lookups are Core selects of table columns, built once per database: a batch's lookup needs no
ORM entity, and the ORM's statement compilation cost more than the query (see ``value_lists``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, func, insert, select
from sqlalchemy.orm import Session

from acctgraph.integration.value_lists import dialect_name, one_of
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
    return _pairs(session, _known_refs_query, parameters)


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
    return _pairs(session, _accounts_by_domain_query, {"domains": list(set(domains))})


def mapped_accounts(session: Session, source: Source, external_ids: Collection[str]) -> dict[str, int]:
    if not external_ids:
        return {}
    parameters = {"connection_id": source.id, "external_ids": list(set(external_ids))}
    return _pairs(session, _mapped_accounts_query, parameters)


def users_by_email(session: Session, emails: Collection[str]) -> dict[str, int]:
    if not emails:
        return {}
    return _pairs(session, _users_by_email_query, {"emails": list({email.lower() for email in emails})})


def _pairs(session: Session, query: Callable[[str], Select[Any]], parameters: dict[str, Any]) -> dict[str, int]:
    """The (key, id) rows of the lookup ``query`` built for the session's database, as a dict."""
    return {key: value for key, value in session.execute(query(dialect_name(session)), parameters)}


@cache
def _known_refs_query(dialect: str) -> Select[Any]:
    refs = ExternalRef.__table__.c
    return select(refs.external_id, refs.internal_id).where(
        refs.source == bindparam("source"),
        refs.object_type == bindparam("object_type"),
        one_of(refs.external_id, "external_ids", dialect),
    )


@cache
def _accounts_by_domain_query(dialect: str) -> Select[Any]:
    domains = AccountDomain.__table__.c
    return select(domains.domain, domains.account_id).where(one_of(domains.domain, "domains", dialect))


@cache
def _mapped_accounts_query(dialect: str) -> Select[Any]:
    mappings = IdentityMapping.__table__.c
    return select(mappings.external_id, mappings.account_id).where(
        mappings.connection_id == bindparam("connection_id"), one_of(mappings.external_id, "external_ids", dialect)
    )


@cache
def _users_by_email_query(dialect: str) -> Select[Any]:
    users = User.__table__.c
    email = func.lower(users.email, type_=users.email.type)  # typed: PostgreSQL's array parameter needs it
    return select(email, users.id).where(one_of(email, "emails", dialect))


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
