"""acctgraph's connector contract kit, run on the SQL connector over a SQLite and a PostgreSQL source."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from acctgraph_sql import SqlConnector
from sql_sources import sql_config, write_source

from acctgraph.testing import ConnectorContract
from acctgraph.testing.databases import database_backends


class TestSqlContract(ConnectorContract):
    connector_class = SqlConnector
    rate_limited_source = False

    @pytest.fixture(params=database_backends())
    def source_url(self, request: pytest.FixtureRequest, new_source_url: Callable[[str], str]) -> str:
        url = new_source_url(request.param)
        write_source(url)
        return url

    @pytest.fixture
    def connector_config(self, source_url: str) -> dict[str, Any]:
        return sql_config(source_url)

    @pytest.fixture
    def paged_connector_config(self, connector_config: dict[str, Any]) -> dict[str, Any]:
        return connector_config  # 9 accounts and 16 usage rows in batches of 4

    @pytest.fixture
    def bad_credentials_config(self, source_url: str) -> dict[str, Any]:
        if source_url.startswith("sqlite"):
            return sql_config("sqlite:////nonexistent-directory/source.db")
        return sql_config(source_url.replace("postgres@", "nobody:wrong@", 1))

    @pytest.fixture
    def invalid_connector_config(self, source_url: str) -> dict[str, Any]:
        config = sql_config(source_url)
        return {**config, "streams": [{**config["streams"][0], "entity": "spreadsheet"}]}
