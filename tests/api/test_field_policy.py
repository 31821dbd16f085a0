"""Field-level authorization: the schema walk per reader, and the two holes of issue 9 closed over HTTP."""

from __future__ import annotations

from collections import deque

import pytest
from graphql import GraphQLSchema, get_named_type, is_abstract_type, is_composite_type, is_object_type

from acctgraph import models as m
from acctgraph.graphql.ids import to_global_id
from acctgraph.graphql.policy import INTEGRATION, TYPE_READERS, Reader, may_read, may_read_type
from acctgraph.graphql.schema import build_schema
from acctgraph.settings import Settings
from tests.api.mutation_cases import gid, mutate

READERS: list[Reader] = [*m.Role, INTEGRATION]

ADMIN_ONLY = {"AuditEntry", "AuditEntryConnection", "AuditEntryEdge"}
INTEGRATION_SEES = {
    "Query",
    "Mutation",
    "Viewer",
    "User",
    "ApiKeyInfo",
    "TriggerSyncPayload",
    "SyncRequest",
    "UserError",
}


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return build_schema(Settings(_env_file=None))._schema


def _reachable(schema: GraphQLSchema, reader: Reader) -> dict[str, list[str]]:
    """Every type ``reader`` can reach from the roots through fields the policy lets it resolve, with the
    path that reaches it first (an interface or union counts as each of its possible types)."""
    roots = [schema.query_type, schema.mutation_type, schema.subscription_type]
    paths = {root.name: [root.name] for root in roots if root is not None and may_read_type(reader, root.name)}
    queue = deque(paths)
    while queue:
        name = queue.popleft()
        parent = schema.type_map[name]
        for field_name, field in parent.fields.items():  # type: ignore[attr-defined]
            returns = get_named_type(field.type)
            if not is_composite_type(returns) or not may_read(reader, name, field_name, returns.name):
                continue
            targets = schema.get_possible_types(returns) if is_abstract_type(returns) else [returns]  # type: ignore[arg-type]
            for target in targets:
                if target.name not in paths and may_read_type(reader, target.name):
                    paths[target.name] = [*paths[name], f"{field_name}:{target.name}"]
                    queue.append(target.name)
                elif target.name not in paths:
                    # A type the reader may not read must not be reachable: its fields refuse it anyway,
                    # but record the path so the assertion below names it.
                    paths.setdefault(f"!{target.name}", [*paths[name], field_name])
    return paths


def test_every_type_in_the_schema_is_in_the_policy(schema: GraphQLSchema) -> None:
    composite = {name for name, t in schema.type_map.items() if is_composite_type(t) and not name.startswith("__")}
    assert composite - set(TYPE_READERS) == set(), "add the new types to TYPE_READERS in graphql/policy.py"
    assert set(TYPE_READERS) - composite == set(), "TYPE_READERS names types that are gone"


@pytest.mark.parametrize("reader", READERS)
def test_no_reader_reaches_a_type_the_policy_refuses_it(schema: GraphQLSchema, reader: Reader) -> None:
    paths = _reachable(schema, reader)
    refused_but_reached = {name: path for name, path in paths.items() if name.startswith("!")}
    object_types = {name for name in paths if not name.startswith("!") and is_object_type(schema.type_map[name])}
    for name in object_types:
        assert reader in TYPE_READERS[name], (name, paths[name])
    # Through a field the reader may resolve, nothing returns a type it may not read (node() is refused
    # at run time by type name: its possible types are listed, then refused, here).
    assert all(path[-1] in ("node", "nodes") for path in refused_but_reached.values()), refused_but_reached


def test_integration_keys_reach_only_me_and_trigger_sync(schema: GraphQLSchema) -> None:
    reached = {name for name in _reachable(schema, INTEGRATION) if not name.startswith("!")}
    assert reached == INTEGRATION_SEES
    user = schema.type_map["User"]
    readable = {f for f in user.fields if may_read(INTEGRATION, "User", f, get_named_type(user.fields[f].type).name)}  # type: ignore[attr-defined]
    assert readable == {"id", "name", "email", "role", "active", "createdAt", "updatedAt"}


@pytest.mark.parametrize("role", [m.Role.MANAGER, m.Role.ACCOUNT_MANAGER, m.Role.VIEWER])
def test_audit_entries_are_unreachable_but_for_admins(schema: GraphQLSchema, role: m.Role) -> None:
    reached = {name for name in _reachable(schema, role) if not name.startswith("!")}
    assert reached & ADMIN_ONLY == set()
    assert set(_reachable(schema, m.Role.ADMIN)) >= ADMIN_ONLY


def test_every_user_role_reaches_the_book(schema: GraphQLSchema) -> None:
    for role in m.Role:
        reached = set(_reachable(schema, role))
        assert {"Account", "Contact", "Opportunity", "SyncRun", "Forecast"} <= reached, role


THROUGH_ME = """{ me { user { name reports(first: 10) { nodes { reports(first: 10) { nodes { accounts(first: 10) {
    nodes { name arr { amountMinor } contacts(first: 5) { nodes { email } } } } } } } } } } }"""


async def test_an_integration_key_cannot_read_the_book_through_me(graphql, sample) -> None:
    manager = sample.user(role=m.Role.MANAGER)
    report = sample.user(manager_id=manager.id)
    sample.account(owner_id=report.id, name="Hidden Co")
    sample.session.commit()
    client = graphql.acting_as(manager, integration=True)
    result = await client.execute(THROUGH_ME)
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert result["errors"][0]["path"] == ["me", "user", "reports"]
    assert "Hidden Co" not in str(result)
    own = await client.data("{ me { role user { name email } apiKey { integration } } }")
    assert own["me"]["user"]["email"] == manager.email
    assert own["me"]["apiKey"] == {"integration": True}


async def test_the_same_nested_read_works_with_a_user_key(graphql, sample) -> None:
    manager = sample.user(role=m.Role.MANAGER)
    report = sample.user(manager_id=manager.id)
    sample.account(owner_id=report.id, name="Visible Co")
    sample.session.commit()
    data = await graphql.acting_as(manager).data(
        "{ me { user { reports { nodes { accounts(first: 10) { nodes { name } } } } } } }"
    )
    assert data["me"]["user"]["reports"]["nodes"] == [{"accounts": {"nodes": [{"name": "Visible Co"}]}}]


async def test_audit_entries_by_node_id_are_for_admins_only(graphql, sample) -> None:
    am = sample.user()
    account = sample.account(owner_id=am.id)
    sample.session.commit()
    await mutate(
        graphql.acting_as(am), "updateAccount", {"id": gid(account), "version": 1, "name": "N"}, "account { id }"
    )
    entry = (await graphql.data("{ auditLog { nodes { id operation } } }"))["auditLog"]["nodes"][0]
    assert entry["operation"] == "updateAccount"
    query = "query($id: ID!) { node(id: $id) { id ... on AuditEntry { operation } } }"
    many = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
    for role in (m.Role.MANAGER, m.Role.ACCOUNT_MANAGER, m.Role.VIEWER):
        client = graphql.acting_as(role=role)
        for document, variables in ((query, {"id": entry["id"]}), (many, {"ids": [gid(account), entry["id"]]})):
            result = await client.execute(document, variables)
            assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN", (role, result)
            assert "updateAccount" not in str(result["data"])
    admin = await graphql.data(query, {"id": entry["id"]})
    assert admin["node"] == {"id": entry["id"], "operation": "updateAccount"}


async def test_a_nested_audit_type_is_refused_even_without_node(graphql, sample) -> None:
    """No field but ``auditLog`` returns audit entries today; the rule is on the type, so an id of
    an AuditEntry given to ``nodes`` with only ``__typename`` asked is refused as well."""
    sample.session.commit()
    fake = to_global_id("AuditEntry", 1)
    result = await graphql.acting_as(role=m.Role.VIEWER).execute(
        "query($id: ID!) { node(id: $id) { __typename } }", {"id": fake}
    )
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_every_reader_may_introspect_the_schema(graphql, sample) -> None:
    sample.session.commit()
    query = "{ __schema { queryType { name } types { name fields { name } } } }"
    for client in (graphql.acting_as(role=m.Role.VIEWER), graphql.acting_as(role=m.Role.VIEWER, integration=True)):
        types = (await client.data(query))["__schema"]["types"]
        assert {"Account", "AuditEntry"} <= {t["name"] for t in types}


async def test_integration_key_may_still_trigger_a_sync(graphql, sample) -> None:
    user = sample.user(role=m.Role.VIEWER)
    connection = sample.connection()
    sample.session.commit()
    result = await graphql.acting_as(user, integration=True).data(
        """mutation($input: TriggerSyncInput!) { triggerSync(input: $input) {
            syncRequest { id fullRefresh } userErrors { code } } }""",
        {"input": {"connectionId": to_global_id("DataSource", connection.id)}},
    )
    assert result["triggerSync"]["userErrors"] == []
    assert result["triggerSync"]["syncRequest"]["fullRefresh"] is False
