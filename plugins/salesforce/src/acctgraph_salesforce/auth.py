"""OAuth 2.0 for Salesforce's server-to-server flows, as an ``httpx.Auth``.

Two flows need no person at a browser: the **client credentials** flow (a connected app's consumer key
and secret, run as the app's integration user) and the **JWT bearer** flow (an RS256 assertion signed
with the connected app's private key, ``sub`` the integration user). Both answer an access token and
the org's ``instance_url``. Salesforce does not say when a token expires: a request answered 401
(``INVALID_SESSION_ID``) gets a new token and is sent once more. Every answer's ``Sforce-Limit-Info``
header (``api-usage=used/limit``) is read, so a sync can stop below a ceiling of the org's daily API
allowance instead of starving the org's other integrations; ``REQUEST_LIMIT_EXCEEDED`` ends the run
as partial (the engine resumes from the last checkpoint next time).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Generator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import jwt

from acctgraph.integration.errors import ConfigError, RateLimited, TransientError
from acctgraph.integration.http import retry_after_seconds
from acctgraph_salesforce.config import SalesforceConfig

JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
LIMIT_INFO = re.compile(r"api-usage=(\d+)/(\d+)")
#: Salesforce's daily allowance is a rolling 24 hours: a run stopped by it is tried again an hour on.
LIMIT_BACKOFF = timedelta(hours=1)
LOGIN_RETRIES = 3
MAX_LOGIN_WAIT = 60.0


@dataclass
class ApiUsage:
    """The org's API requests used and allowed in the rolling 24 hours, as last reported."""

    used: int = 0
    limit: int = 0

    def observe(self, header: str | None) -> None:
        match = LIMIT_INFO.search(header or "")
        if match:
            self.used, self.limit = int(match[1]), int(match[2])

    def share(self) -> float:
        return self.used / self.limit if self.limit else 0.0


@dataclass(frozen=True)
class Token:
    access_token: str
    instance_url: str


class SalesforceAuth(httpx.Auth):
    """Bearer auth that fetches its token on first use, renews it on 401 and watches the API usage."""

    requires_response_body = True

    def __init__(self, config: SalesforceConfig, transport: httpx.BaseTransport | None = None) -> None:
        self.config = config
        self.usage = ApiUsage()
        self._transport = transport
        self._token: Token | None = None

    @property
    def token(self) -> Token:
        if self._token is None:
            self._token = self._fetch_token()
        return self._token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        self._refuse_over_ceiling()
        request.headers["Authorization"] = f"Bearer {self.token.access_token}"
        response = yield request
        if response.status_code == 401:
            self._token = self._fetch_token()
            request.headers["Authorization"] = f"Bearer {self._token.access_token}"
            response = yield request
        self.usage.observe(response.headers.get("Sforce-Limit-Info"))
        if response.status_code == 403 and "REQUEST_LIMIT_EXCEEDED" in response.text:
            raise RateLimited(
                datetime.now(UTC) + LIMIT_BACKOFF,
                "Salesforce refused the request: the org's daily API request limit is used up "
                f"(REQUEST_LIMIT_EXCEEDED, {self.usage.used}/{self.usage.limit})",
            )

    def _refuse_over_ceiling(self) -> None:
        ceiling = self.config.api_usage_ceiling
        if self.usage.limit and self.usage.share() >= ceiling:
            raise RateLimited(
                datetime.now(UTC) + LIMIT_BACKOFF,
                f"Salesforce API usage is {self.usage.used}/{self.usage.limit}, at or above this connection's "
                f"ceiling of {ceiling:.0%} (api_usage_ceiling); the sync stops so the org's other integrations "
                "keep their share",
            )

    def _fetch_token(self) -> Token:
        response = self._post_grant()
        for _ in range(LOGIN_RETRIES):
            if response.status_code != 429:
                break
            wait = retry_after_seconds(response) or 1.0
            if wait > MAX_LOGIN_WAIT:
                raise RateLimited(datetime.now(UTC) + timedelta(seconds=wait), "Salesforce login is rate limited")
            time.sleep(wait)  # a throttled login waits out Retry-After like any other request
            response = self._post_grant()
        if response.status_code >= 500 or response.status_code == 429:
            raise TransientError(f"Salesforce login answered HTTP {response.status_code}")
        body = _json_object(response)
        if response.status_code != 200 or "access_token" not in body:
            reason = body.get("error_description") or body.get("error") or f"HTTP {response.status_code}"
            raise ConfigError(
                f"Salesforce refused the {self.config.auth_flow} login: {reason}; check the connected app's "
                "consumer key, its secret or certificate, and that the integration user is pre-authorised"
            )
        return Token(body["access_token"], body["instance_url"].rstrip("/"))

    def _post_grant(self) -> httpx.Response:
        url = f"{self.config.login_url.rstrip('/')}/services/oauth2/token"
        try:
            with httpx.Client(transport=self._transport, timeout=30.0) as client:
                return client.post(url, data=self._grant())
        except httpx.TransportError as error:
            raise TransientError(
                f"Salesforce login at {self.config.login_url} could not be reached: {error!r}"
            ) from error

    def _grant(self) -> dict[str, str]:
        config = self.config
        if config.auth_flow == "jwt_bearer":
            assert config.private_key is not None and config.username is not None  # the config model requires them
            claims = {
                "iss": config.client_id,
                "sub": config.username,
                "aud": config.login_url.rstrip("/"),
                "exp": int(time.time()) + 180,
            }
            assertion = jwt.encode(claims, config.private_key.get_secret_value(), algorithm="RS256")
            return {"grant_type": JWT_BEARER_GRANT, "assertion": assertion}
        assert config.client_secret is not None  # the config model requires it for this flow
        return {
            "grant_type": "client_credentials",
            "client_id": config.client_id,
            "client_secret": config.client_secret.get_secret_value(),
        }


def _json_object(response: httpx.Response) -> dict[str, str]:
    try:
        body = json.loads(response.text)
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
