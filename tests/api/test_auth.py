"""Authentication: every GraphQL operation needs a valid key; only /healthz and GraphiQL's page are open."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from acctgraph import models as m
from acctgraph.domain.api_keys import hash_token

ME = "{ me { user { email } role apiKey { name prefix integration } book { totalCount nodes { name } } } }"


async def test_operation_without_key_is_401_with_a_json_error(graphql) -> None:
    response = await graphql.anonymous().post("{ accounts { totalCount } }")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert "Authorization: Bearer" in error["message"]


async def test_get_query_without_key_is_401_but_graphiql_page_and_healthz_are_open(graphql) -> None:
    anonymous = graphql.http
    assert (await anonymous.get("/graphql", params={"query": "{ me { role } }"})).status_code == 401
    page = await anonymous.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    assert "isHeadersEditorEnabled: true" in page.text  # where a user pastes {"Authorization": "Bearer ag_..."}
    assert (await anonymous.get("/healthz")).status_code == 200


async def test_unknown_malformed_revoked_and_expired_keys_are_refused(graphql, sample) -> None:
    user = sample.user(role=m.Role.VIEWER)
    revoked = sample.api_key(user, revoked_at=datetime.now(UTC))
    expired = sample.api_key(user, expires_at=datetime.now(UTC) - timedelta(minutes=1))
    sample.session.commit()
    for header, reason in [
        ("Bearer ag_nope", "unknown API key"),
        ("Basic abc", "Authorization: Bearer"),
        (f"Bearer {revoked}", "revoked"),
        (f"Bearer {expired}", "expired"),
    ]:
        response = await graphql.anonymous().post("{ me { role } }", Authorization=header)
        assert response.status_code == 401
        assert reason in response.json()["errors"][0]["message"]


async def test_deactivated_user_key_is_refused(graphql, sample) -> None:
    token = sample.api_key(sample.user(active=False))
    sample.session.commit()
    response = await graphql.anonymous().post("{ me { role } }", Authorization=f"Bearer {token}")
    assert response.status_code == 401 and "deactivated" in response.text


async def test_me_gives_user_role_key_and_book(graphql, sample) -> None:
    manager = sample.user(role=m.Role.ACCOUNT_MANAGER, email="am@example.com")
    sample.account(name="Mine", owner_id=manager.id)
    sample.account(name="Not mine")
    sample.session.commit()
    me = (await graphql.acting_as(manager).data(ME))["me"]
    assert me["user"]["email"] == "am@example.com"
    assert me["role"] == "ACCOUNT_MANAGER"
    assert me["apiKey"]["name"] == "test key" and me["apiKey"]["prefix"].startswith("ag_")
    assert me["book"]["totalCount"] == 1 and me["book"]["nodes"][0]["name"] == "Mine"


async def test_key_is_stored_only_as_a_hash_and_last_use_is_noted(graphql, sample) -> None:
    user = sample.user()
    token = sample.api_key(user)
    sample.session.commit()
    await graphql.acting_as().data("{ me { role } }")
    client = graphql.anonymous()
    await client.post("{ me { role } }", Authorization=f"Bearer {token}")
    sample.session.expire_all()
    key = sample.session.scalars(select(m.ApiKey).where(m.ApiKey.user_id == user.id)).one()
    assert key.token_hash == hash_token(token) and token not in (key.prefix, key.token_hash)
    assert key.last_used_at is not None


async def test_integration_key_may_not_read_or_write(graphql) -> None:
    client = graphql.acting_as(role=m.Role.ADMIN, integration=True)
    assert (await client.data("{ me { apiKey { integration } } }"))["me"]["apiKey"]["integration"] is True
    result = await client.execute("{ accounts { totalCount } }")
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "integration keys" in result["errors"][0]["message"]
