"""Who may call which mutation: every mutation x every role, inside and outside the caller's book;
the audit record each mutation writes, and none when it fails."""

from __future__ import annotations

import graphql
import pytest
from sqlalchemy import func, select

from acctgraph import models as m
from acctgraph.domain.api_keys import hash_token
from acctgraph.graphql.policy import INTEGRATION_FIELDS, MUTATION_ROLES
from acctgraph.graphql.schema import schema_sdl
from acctgraph.settings import Settings
from tests.api.mutation_cases import CASES, ID_FREE_FAILURES, SELF_SERVICE, World, document, with_unknown_id

ROLES = [m.Role.ADMIN, m.Role.MANAGER, m.Role.ACCOUNT_MANAGER, m.Role.VIEWER]


def _schema_mutations() -> set[str]:
    mutation = graphql.build_schema(schema_sdl(Settings(_env_file=None))).mutation_type
    assert mutation is not None
    return set(mutation.fields)


def test_every_mutation_has_a_policy_entry_and_a_matrix_case() -> None:
    mutations = _schema_mutations()
    assert mutations <= set(MUTATION_ROLES), mutations - set(MUTATION_ROLES)
    assert mutations == set(CASES), "add a case for each new mutation in tests/api/mutation_cases.py"


def test_no_field_exposes_a_secret() -> None:
    sdl = schema_sdl(Settings(_env_file=None)).lower()
    for word in ("secret", "password", "token_hash", "tokenhash", "credential"):
        assert word not in sdl


def _expected(mutation: str, role: m.Role, inside_book: bool) -> bool:
    if role not in MUTATION_ROLES[mutation]:
        return False
    return role is m.Role.ADMIN or inside_book or mutation in SELF_SERVICE


@pytest.mark.parametrize("mutation", sorted(CASES))
async def test_role_matrix(graphql, sample, mutation: str) -> None:
    world = World.build(sample)
    clients = {
        m.Role.ADMIN: world.admin,
        m.Role.MANAGER: world.manager,
        m.Role.ACCOUNT_MANAGER: world.team_member,
        m.Role.VIEWER: world.viewer,
    }
    cases = [(role, is_inside) for role in ROLES for is_inside in (True, False)]
    inputs = [
        CASES[mutation](sample, world.account(sample, world.team_member if is_inside else world.outsider), world)
        for _role, is_inside in cases
    ]
    sample.session.commit()
    outcomes = {}
    for (role, is_inside), variables in zip(cases, inputs, strict=True):
        result = await graphql.acting_as(clients[role]).execute(document(mutation), {"input": variables})
        if "errors" in result:
            assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN", result
            outcomes[(role, is_inside)] = False
        else:
            assert result["data"][mutation]["userErrors"] == [], (role, result)
            outcomes[(role, is_inside)] = True
    expected = {
        (role, is_inside): _expected(mutation, role, is_inside) for role in ROLES for is_inside in (True, False)
    }
    assert outcomes == expected


async def test_integration_keys_may_call_no_mutation_but_trigger_sync(graphql, sample) -> None:
    world = World.build(sample)
    account = world.account(sample, world.team_member)
    inputs = {
        mutation: case(sample, account, world)
        for mutation, case in CASES.items()
        if mutation not in INTEGRATION_FIELDS["Mutation"]
    }
    sample.session.commit()
    client = graphql.acting_as(world.admin, integration=True)
    for mutation, variables in inputs.items():
        result = await client.execute(document(mutation), {"input": variables})
        assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN", mutation


def _least_privileged_caller(world: World, mutation: str) -> m.User:
    """The team member if account managers may call it, else the manager, else the admin."""
    allowed = MUTATION_ROLES[mutation]
    return next(user for user in (world.team_member, world.manager, world.admin) if user.role in allowed)


def _audit_count(sample, operation: str) -> int:
    sample.session.expire_all()
    return sample.session.scalar(select(func.count()).where(m.AuditRecord.operation == operation))


@pytest.mark.parametrize("mutation", sorted(CASES))
async def test_every_mutation_is_audited_and_a_failed_one_is_not(graphql, sample, mutation: str) -> None:
    world = World.build(sample)
    account = world.account(sample, world.team_member)
    good = CASES[mutation](sample, account, world)
    bad, code = ID_FREE_FAILURES.get(mutation) or (
        with_unknown_id(CASES[mutation](sample, account, world)),
        "NOT_FOUND",
    )
    sample.session.commit()
    client = graphql.acting_as(_least_privileged_caller(world, mutation))

    failed = await client.data(document(mutation), {"input": bad})
    assert failed[mutation]["userErrors"][0]["code"] == code
    assert _audit_count(sample, mutation) == 0

    done = await client.data(document(mutation), {"input": good})
    assert done[mutation]["userErrors"] == []
    records = sample.session.scalars(select(m.AuditRecord).where(m.AuditRecord.operation == mutation)).all()
    assert records, f"{mutation} wrote no audit record"
    key = sample.session.scalars(select(m.ApiKey).where(m.ApiKey.token_hash == hash_token(client.token))).one()
    assert {(record.actor_id, record.api_key_id) for record in records} == {(key.user_id, key.id)}
    assert all(record.changes for record in records)
