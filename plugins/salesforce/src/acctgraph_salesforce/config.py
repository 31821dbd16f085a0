"""The Salesforce connection's configuration: the org's login, the OAuth flow, and how much to read at once."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, SecretStr, model_validator

from acctgraph.integration.connector import ConnectorConfig


class SalesforceConfig(ConnectorConfig):
    login_url: str = Field(
        default="https://login.salesforce.com",
        description="The org's My Domain URL or login.salesforce.com (test.salesforce.com for a sandbox)",
    )
    auth_flow: Literal["client_credentials", "jwt_bearer"] = Field(
        default="client_credentials", description="The connected app's OAuth 2.0 server-to-server flow"
    )
    client_id: str = Field(min_length=1, description="The connected app's consumer key")
    client_secret: SecretStr | None = Field(default=None, description="The consumer secret (client credentials flow)")
    username: str | None = Field(default=None, description="The integration user (JWT bearer flow)")
    private_key: SecretStr | None = Field(
        default=None, description="PEM private key whose certificate the connected app holds (JWT bearer flow)"
    )
    api_version: str = Field(default="62.0", pattern=r"^\d{2,3}\.0$")
    default_currency: str = Field(
        default="USD", min_length=3, max_length=3, description="The org's currency (orgs without multi-currency)"
    )
    multi_currency: bool = Field(default=False, description="Read CurrencyIsoCode (orgs with multi-currency on)")
    include_contracts: bool = Field(default=False, description="Also sync Contract records (without lines)")
    page_size: int = Field(default=2000, ge=200, le=2000, description="REST batch size (Sforce-Query-Options)")
    bulk_threshold: int = Field(
        default=10_000, ge=1, description="An object with this many changed records or more is read with Bulk API 2.0"
    )
    bulk_page_size: int = Field(default=50_000, ge=1, description="Records per page of a bulk job's results")
    bulk_poll_seconds: float = Field(default=2.0, gt=0, le=60)
    api_usage_ceiling: float = Field(
        default=0.9,
        gt=0,
        le=1,
        description="Stop the sync (partial, resumed later) at this share of the daily API limit",
    )

    external_id_field: str = Field(
        default="AcctgraphId__c",
        pattern=r"^[A-Za-z][A-Za-z0-9_]*__c$",
        description="Write-back: the custom External ID text field on Task and Event that acctgraph upserts by",
    )
    write_timeout_seconds: float = Field(default=30.0, gt=0, le=300, description="Write-back: one request's timeout")

    @model_validator(mode="after")
    def _flow_has_its_credentials(self) -> Self:
        if self.auth_flow == "client_credentials" and self.client_secret is None:
            raise ValueError("the client_credentials flow needs client_secret (the connected app's consumer secret)")
        if self.auth_flow == "jwt_bearer" and (self.username is None or self.private_key is None):
            raise ValueError("the jwt_bearer flow needs username (the integration user) and private_key (PEM)")
        return self
