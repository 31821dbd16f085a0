"""SSO bearer JWTs, verified against the issuer's JWKS (a file, or served over HTTP on loopback)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import AsyncIterator, Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from acctgraph import models as m
from acctgraph.app import create_app
from acctgraph.settings import Settings

ISSUER = "https://sso.example.test/"
ME = {"query": "{ me { role user { email } apiKey { name } } }"}


@pytest.fixture(scope="module")
def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def jwks_file(tmp_path: Path, signing_key: rsa.RSAPrivateKey) -> Path:
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(signing_key.public_key()))
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps({"keys": [{**public, "kid": "test-key", "use": "sig", "alg": "RS256"}]}))
    return path


@pytest.fixture
def jwks_server(jwks_file: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(jwks_file.parent)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/{jwks_file.name}"
    server.shutdown()


def token(key: rsa.RSAPrivateKey, **claims: object) -> str:
    payload = {"iss": ISSUER, "aud": "acctgraph", "email": "ana@example.com", "exp": int(time.time()) + 300, **claims}
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": "test-key"})


async def _client(db_url: str, jwks: str) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        database_url=db_url, jwt_issuer=ISSUER, jwt_jwks_url=jwks, jwt_audience="acctgraph", _env_file=None
    )
    app = create_app(settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        yield http
    await app.state.shutdown()


@pytest.fixture(params=["file", "http"])
async def sso(request: pytest.FixtureRequest, db_url: str, jwks_file: Path) -> AsyncIterator[httpx.AsyncClient]:
    jwks = str(jwks_file) if request.param == "file" else request.getfixturevalue("jwks_server")
    async for http in _client(db_url, jwks):
        yield http


async def test_valid_jwt_acts_as_the_user_with_that_email(sso, sample, signing_key) -> None:
    sample.user(email="ana@example.com", role=m.Role.MANAGER)
    sample.session.commit()
    response = await sso.post("/graphql", json=ME, headers={"Authorization": f"Bearer {token(signing_key)}"})
    assert response.json()["data"]["me"] == {"role": "MANAGER", "user": {"email": "ana@example.com"}, "apiKey": None}


async def test_bad_jwts_are_401(sso, sample, signing_key) -> None:
    sample.user(email="ana@example.com")
    sample.session.commit()
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cases = [
        (token(signing_key, exp=int(time.time()) - 10), "expired"),
        (token(signing_key, iss="https://evil.example/"), "issuer"),
        (token(signing_key, aud="someone-else"), "Audience"),
        (token(stranger), "Signature verification failed"),
        (token(signing_key, email="nobody@example.com"), "not an active acctgraph user"),
    ]
    for bad, reason in cases:
        response = await sso.post("/graphql", json=ME, headers={"Authorization": f"Bearer {bad}"})
        assert response.status_code == 401, reason
        assert reason in response.json()["errors"][0]["message"]


async def test_api_keys_still_work_when_sso_is_on(sso, sample) -> None:
    key = sample.api_key(sample.user(role=m.Role.VIEWER))
    sample.session.commit()
    response = await sso.post("/graphql", json=ME, headers={"Authorization": f"Bearer {key}"})
    assert response.json()["data"]["me"]["role"] == "VIEWER"


def test_issuer_without_jwks_is_a_clear_settings_error() -> None:
    with pytest.raises(ValueError, match="ACCTGRAPH_JWT_JWKS_URL"):
        Settings(jwt_issuer=ISSUER, _env_file=None)
