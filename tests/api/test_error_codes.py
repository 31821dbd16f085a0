"""Every error carries ``extensions.code`` from the one ErrorCode enum, and userErrors use the same enum."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from acctgraph.graphql.errors import ErrorCode
from tests.api.mutation_cases import gid

DOMAIN = Path(__file__).parents[2] / "src" / "acctgraph" / "domain"


@pytest.mark.parametrize(
    ("document", "variables", "code"),
    [
        ("{ accounts { ", None, "GRAPHQL_PARSE_FAILED"),
        ("{ accounts { nosuchfield } }", None, "GRAPHQL_VALIDATION_FAILED"),
        ("{ " + " ".join(f"a{i}: me {{ role }}" for i in range(40)) + " }", None, "TOO_MANY_ALIASES"),
        ("{ me { user { " + "manager { " * 12 + "name" + " }" * 12 + " } } }", None, "QUERY_TOO_DEEP"),
        ("{ me { role " + "role " * 6000 + "} }", None, "TOO_MANY_TOKENS"),
        ("query($id: ID!) { account(id: $id) { name } }", {"id": "not-an-id"}, "INVALID_ID"),
        ("query($n: Int) { accounts(first: $n) { totalCount } }", {"n": "ten"}, "BAD_USER_INPUT"),
        ("{ accounts(first: -1) { totalCount } }", None, "BAD_USER_INPUT"),
        ('{ accounts(after: "garbage") { totalCount } }', None, "INVALID_CURSOR"),
        ('{ account(id: "QWNjb3VudDo5OTk5OTk=") { name } }', None, "NOT_FOUND"),
    ],
)
async def test_each_kind_of_error_has_its_code(graphql, document, variables, code) -> None:
    result = await graphql.execute(document, variables)
    assert [error["extensions"]["code"] for error in result["errors"]][:1] == [code], result


async def test_a_bad_global_id_in_a_mutation_input_is_invalid_id(graphql) -> None:
    result = await graphql.execute(
        "mutation($input: ArchiveAccountInput!) { archiveAccount(input: $input) { userErrors { code } } }",
        {"input": {"id": "zzz", "version": 1}},
    )
    assert result["errors"][0].get("extensions", {}).get("code") == "INVALID_ID", result
    assert "Give the `id` field of an acctgraph object" in result["errors"][0]["message"]


async def test_unauthenticated_has_its_code(graphql) -> None:
    response = await graphql.anonymous().post("{ me { role } }")
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_every_domain_rule_code_is_in_the_enum() -> None:
    source = "\n".join(path.read_text() for path in DOMAIN.rglob("*.py"))
    used = set(re.findall(r'BusinessRuleError\(\s*"([A-Z_]+)"', source))
    assert len(used) > 20
    assert used - set(ErrorCode.__members__) == set(), "add the new codes to ErrorCode (graphql/errors.py)"


def test_the_enum_is_documented_in_api_md() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "api.md").read_text()
    missing = [code for code in ErrorCode.__members__ if f"`{code}`" not in doc]
    assert missing == []


async def test_a_failing_field_beside_a_running_query_leaves_the_session_closable(graphql, sample) -> None:
    """graphql-core cancels ``me`` when the non-null ``book`` fails; ``me``'s statement must finish, so
    the session closes cleanly instead of answering an uncoded SQLAlchemy state error (found by the
    generated operations on PostgreSQL)."""
    account = sample.account()
    sample.session.commit()
    for _ in range(3):
        result = await graphql.execute(
            "query($id: ID!) { me { role } book(ownerId: $id) { openAlerts } }", {"id": gid(account)}
        )
        assert [error["extensions"]["code"] for error in result["errors"]] == ["INVALID_ID"], result
    assert (await graphql.data("{ me { role } }"))["me"]["role"] == "ADMIN"
