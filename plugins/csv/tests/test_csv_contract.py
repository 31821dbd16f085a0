"""The acctgraph connector contract, run on the CSV connector over files written by the test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from acctgraph_csv import CsvConnector

from acctgraph.testing import ConnectorContract


def write_sample_files(directory: Path, accounts: int = 30) -> None:
    """Accounts, their contacts and daily usage: enough rows for several checkpoints of 10."""
    account_rows = [f"A{n},Account {n},account{n}.example,smb,,EMEA,,,{n * 10}" for n in range(accounts)]
    (directory / "accounts.csv").write_text(
        "external_id,name,domain,segment,industry,region,owner_email,parent_external_id,employees\n"
        + "\n".join(account_rows)
        + "\n"
    )
    (directory / "contacts.csv").write_text(
        "external_id,account_external_id,name,email\n"
        + "\n".join(f"C{n},A{n},Contact {n},c{n}@account{n}.example" for n in range(accounts))
        + "\n"
    )
    (directory / "usage_metrics.csv").write_text(
        "account_external_id,metric,day,value\n"
        + "\n".join(f"A{n % accounts},active_users,2024-01-{1 + n // accounts:02d},{n}" for n in range(accounts * 2))
        + "\n"
    )


class CsvContract(ConnectorContract):
    connector_class = CsvConnector
    rate_limited_source = False

    @pytest.fixture
    def paged_connector_config(self, tmp_path: Path) -> dict[str, Any]:
        """30 accounts and contacts, 60 usage rows, read in pages of 10 rows between checkpoints."""
        write_sample_files(tmp_path)
        return {"directory": str(tmp_path), "checkpoint_every": 10}


class TestCsvConnector(CsvContract):
    @pytest.fixture
    def connector_config(self, paged_connector_config: dict[str, Any]) -> dict[str, Any]:
        return paged_connector_config

    @pytest.fixture
    def invalid_connector_config(self, tmp_path: Path) -> dict[str, Any]:
        return {"directory": str(tmp_path / "missing")}


class TestCsvConnectorOnTheSampleExport(CsvContract):
    """The small export shipped in tests/data, configured as class attributes."""

    valid_config = {"directory": str(Path(__file__).parent / "data")}
    invalid_config = {"directory": str(Path(__file__).parent / "data"), "delimiter": ";;"}
