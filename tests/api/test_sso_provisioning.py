"""SSO provisioning (off by default): a valid JWT's first login creates the user from its claims, with the
role from a configured claim or the default role; real RS256 tokens verified against a JWKS file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from acctgraph import models as m
from acctgraph.app import create_app
from acctgraph.settings import Settings
from tests.api.test_auth_jwt import ISSUER, ME, jwks_file, signing_key, token

__all__ = ["jwks_file", "signing_key"]


@pytest.fixture
def sso_client(db_url: str, jwks_file: Path) -> Callable[..., Any]:
    def build(**options: Any) -> Any:
        settings = Settings(
            database_url=db_url,
            jwt_issuer=ISSUER,
            jwt_jwks_url=str(jwks_file),
            jwt_audience="acctgraph",
            _env_file=None,
            **options,
        )
        return create_app(settings)

    return build


async def me(app: Any, bearer: str) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        response = await http.post("/graphql", json=ME, headers={"Authorization": f"Bearer {bearer}"})
    await app.state.engine.dispose()
    return response


async def test_without_provisioning_an_unknown_identity_is_refused(sso_client, sample, signing_key) -> None:
    response = await me(sso_client(), token(signing_key, email="new@example.com"))
    assert response.status_code == 401
    assert "not an active acctgraph user" in response.json()["errors"][0]["message"]
    assert sample.session.scalar(select(m.User).where(m.User.email == "new@example.com")) is None


async def test_first_login_creates_the_user_with_the_role_claim(sso_client, sample, signing_key) -> None:
    app = sso_client(sso_provision_users=True, sso_role_claim="acctgraph_roles")
    bearer = token(signing_key, email="New@Example.com", name="Nia New", acctgraph_roles=["viewer", "Manager"])

    response = await me(app, bearer)

    assert response.json()["data"]["me"] == {"role": "MANAGER", "user": {"email": "new@example.com"}, "apiKey": None}
    user = sample.session.scalars(select(m.User).where(m.User.email == "new@example.com")).one()
    assert (user.name, user.role, user.active) == ("Nia New", m.Role.MANAGER, True)
    audit = sample.session.scalars(select(m.AuditRecord).where(m.AuditRecord.entity_id == user.id)).one()
    assert (audit.operation, audit.actor_id, audit.action) == ("sso provision", None, "created")


async def test_the_default_role_when_the_claim_is_absent_or_unknown(sso_client, sample, signing_key) -> None:
    options = {"sso_provision_users": True, "sso_role_claim": "role", "sso_default_role": "account_manager"}
    absent = await me(sso_client(**options), token(signing_key, email="a@example.com"))
    unknown = await me(sso_client(**options), token(signing_key, email="b@example.com", role="superuser"))
    second_login = await me(sso_client(**options), token(signing_key, email="a@example.com", role="admin"))

    assert absent.json()["data"]["me"]["role"] == "ACCOUNT_MANAGER"
    assert unknown.json()["data"]["me"]["role"] == "ACCOUNT_MANAGER"
    assert second_login.json()["data"]["me"]["role"] == "ACCOUNT_MANAGER"
    names = sample.session.scalars(select(m.User.name).order_by(m.User.email)).all()
    assert names == ["a", "b"]


async def test_a_deactivated_user_is_not_provisioned_again(sso_client, sample, signing_key) -> None:
    sample.user(email="gone@example.com", active=False)
    sample.session.commit()
    response = await me(sso_client(sso_provision_users=True), token(signing_key, email="gone@example.com"))
    assert response.status_code == 401
    assert sample.session.query(m.User).count() == 1
