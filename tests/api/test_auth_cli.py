"""``acctgraph keys``: a created key works against the API until it is revoked."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from acctgraph import models as m
from acctgraph.cli import app
from acctgraph.settings import get_settings

runner = CliRunner()


@pytest.fixture
def cli_env(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("ACCTGRAPH_DATABASE_URL", db_url)
    monkeypatch.setenv("COLUMNS", "200")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def keys(*args: str) -> str:
    result = runner.invoke(app, ["keys", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


async def test_create_list_use_and_revoke_a_key(cli_env, graphql, sample) -> None:
    sample.user(email="ana@example.com", role=m.Role.MANAGER)
    sample.session.commit()
    token = keys("create", "--user", "ANA@example.com", "--name", "laptop", "--expires", "30d").strip().splitlines()[0]
    assert token.startswith("ag_")
    listing = keys("list", "--user", "ana@example.com")
    assert "laptop" in listing and token[:10] in listing and token not in listing and "active" in listing

    client = graphql.anonymous()
    me = await client.execute("{ me { role user { email } } }", Authorization=f"Bearer {token}")
    assert me["data"]["me"] == {"role": "MANAGER", "user": {"email": "ana@example.com"}}

    keys("revoke", token[:10])
    assert "revoked" in keys("list")
    response = await client.post("{ me { role } }", Authorization=f"Bearer {token}")
    assert response.status_code == 401


def test_create_refuses_unknown_user_and_bad_expiry(cli_env, sample) -> None:
    sample.user(email="ana@example.com")
    sample.session.commit()
    unknown = runner.invoke(app, ["keys", "create", "--user", "nobody@example.com"])
    assert unknown.exit_code != 0 and "no user with email" in str(unknown.exception)
    for expiry, hint in [("soon", "duration like 90d"), ("2020-01-01", "in the past")]:
        bad = runner.invoke(app, ["keys", "create", "--user", "ana@example.com", "--expires", expiry])
        assert bad.exit_code != 0 and hint in str(bad.exception)


async def test_demo_prints_a_working_key_for_the_demo_admin(cli_env, graphql) -> None:
    def demo_key() -> str:
        result = runner.invoke(app, ["demo", "--accounts", "10", "--seed", "3"])
        assert result.exit_code == 0, result.output
        assert "GraphiQL: open http://127.0.0.1:8000/graphql and paste" in result.output
        return result.output.split("demo admin API key: ")[1].split()[0]

    first, second = demo_key(), demo_key()
    client = graphql.anonymous()
    me = await client.execute("{ me { role user { email } } }", Authorization=f"Bearer {second}")
    assert me["data"]["me"] == {"role": "ADMIN", "user": {"email": "admin@demo.acctgraph.dev"}}
    assert (await client.post("{ me { role } }", Authorization=f"Bearer {first}")).status_code == 401
