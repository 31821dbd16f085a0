"""acctgraph's connector contract kit, run on the Singer connector driving a tap built with the Singer
SDK against a local HTTP API."""

from __future__ import annotations

import json
from typing import Any

import pytest
from acctgraph_singer import SingerConnector

from acctgraph.testing import ConnectorContract


class TestSingerContract(ConnectorContract):
    connector_class = SingerConnector
    rate_limited_source = False  # the tap, not the connector, speaks HTTP

    @pytest.fixture
    def connector_config(self, companies_config: dict[str, Any]) -> dict[str, Any]:
        return companies_config

    @pytest.fixture
    def paged_connector_config(self, companies_config: dict[str, Any]) -> dict[str, Any]:
        return companies_config  # 7 companies, pages of 2, a STATE every 2 records, one deleted

    @pytest.fixture
    def bad_credentials_config(self, companies_config: dict[str, Any]) -> dict[str, Any]:
        return {**companies_config, "tap_secrets": json.dumps({"api_token": "wrong-token"})}

    @pytest.fixture
    def invalid_connector_config(self, companies_config: dict[str, Any]) -> dict[str, Any]:
        return {**companies_config, "tap_secrets": "not json"}
