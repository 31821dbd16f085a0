"""The Singer connector's test fixtures: the local Companies API and the SDK-built tap that reads it,
tap-jsonl (a real tap from PyPI) over local JSONL files, and their mapping files."""

from __future__ import annotations

import json
import stat
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from companies_api import TOKEN, CompaniesApi

from acctgraph.testing.http import serving

HERE = Path(__file__).parent
COMPANIES_MAPPING = {
    "streams": [
        {
            "tap_stream": "companies",
            "name": "accounts",
            "entity": "account",
            "fields": {"external_id": "id", "domain": "website"},
            "constants": {"segment": "mid_market"},
            "cursor_property": "updated_at",
            "bookmark": {"replication_key": "updated_at", "replication_key_value": "{cursor}"},
            "reports_deletes": True,
        }
    ]
}
USAGE_MAPPING = """
streams:
  - tap_stream: usage
    entity: usage_metric
    fields: {value: count}
    account: {external_id: customer}
    constants: {metric: weekly_active_users}
"""
CUSTOMERS_MAPPING = """
streams:
  - tap_stream: customers
    name: accounts
    entity: account
    fields: {external_id: id, domain: website}
    constants: {segment: enterprise}
"""


@pytest.fixture
def companies_api() -> Iterator[CompaniesApi]:
    with serving(CompaniesApi()) as api:
        yield api


@pytest.fixture
def tap_companies(tmp_path: Path) -> str:
    """The SDK-built tap as an executable script run by this interpreter."""
    script = tmp_path / "tap-companies"
    script.write_text(
        f"#!{sys.executable}\nimport runpy, sys\nsys.path.insert(0, {str(HERE)!r})\nrunpy.run_path({str(HERE / 'tap_companies.py')!r}, run_name='__main__')\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


@pytest.fixture
def companies_config(tmp_path: Path, tap_companies: str, companies_api: CompaniesApi) -> dict[str, Any]:
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps(COMPANIES_MAPPING))
    return {
        "tap": tap_companies,
        "mapping_file": str(mapping),
        "tap_config": {"base_url": companies_api.base_url},
        "tap_secrets": json.dumps({"api_token": TOKEN}),
    }


def write_jsonl_files(directory: Path, rows: Callable[[int], list[dict[str, Any]]], files: int = 3) -> str:
    """``files`` JSONL files of ``rows(file number)``; returns their glob."""
    directory.mkdir(parents=True, exist_ok=True)
    for number in range(files):
        (directory / f"part-{number}.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows(number)))
    return str(directory / "*.jsonl")


def tap_jsonl_config(
    tmp_path: Path, stream: str, mapping: str, rows: Callable[[int], list[dict[str, Any]]]
) -> dict[str, Any]:
    """tap-jsonl (installed beside this interpreter by the test dependencies) over files of ``rows``."""
    (tmp_path / "mapping.yaml").write_text(mapping)
    return {
        "tap": str(Path(sys.executable).parent / "tap-jsonl"),
        "mapping_file": str(tmp_path / "mapping.yaml"),
        "tap_config": {"path": write_jsonl_files(tmp_path / stream, rows), "stream_name": stream},
    }


@pytest.fixture
def jsonl_usage_config(tmp_path: Path) -> dict[str, Any]:
    """Three weeks of usage counts of five customers, a file per week."""

    def week(number: int) -> list[dict[str, Any]]:
        day = f"2026-01-{1 + 7 * number:02d}"
        return [{"customer": f"cus_{n}", "day": day, "count": n * (number + 1)} for n in range(5)]

    return tap_jsonl_config(tmp_path, "usage", USAGE_MAPPING, week)


@pytest.fixture
def jsonl_customers_config(tmp_path: Path) -> dict[str, Any]:
    """Nine customers in three files (a CRM export split by region)."""

    def region(number: int) -> list[dict[str, Any]]:
        return [
            {
                "id": f"cus_{number}{n}",
                "name": f"Customer {number}{n}",
                "website": f"https://c{number}{n}.example",
                "seats": n,
            }
            for n in range(3)
        ]

    return tap_jsonl_config(tmp_path, "customers", CUSTOMERS_MAPPING, region)
