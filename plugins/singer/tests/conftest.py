"""The Singer connector's test fixtures: the local Companies API and the SDK-built tap that reads it,
tap-jsonl (a real tap from PyPI) over local JSONL files, and their mapping files."""

from __future__ import annotations

import json
import stat
import sys
from collections.abc import Iterator
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
JSONL_MAPPING = """
streams:
  - tap_stream: usage
    entity: usage_metric
    fields: {value: count}
    account: {external_id: customer}
    constants: {metric: weekly_active_users}
"""


@pytest.fixture
def companies_api() -> Iterator[CompaniesApi]:
    with serving(CompaniesApi()) as api:
        yield api


@pytest.fixture
def tap_companies(tmp_path: Path) -> str:
    """The SDK-built tap as an executable script run by this interpreter."""
    script = tmp_path / "tap-companies"
    script.write_text(f"#!{sys.executable}\nimport runpy, sys\nsys.path.insert(0, {str(HERE)!r})\nrunpy.run_path({str(HERE / 'tap_companies.py')!r}, run_name='__main__')\n")
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


def write_usage_files(directory: Path, customers: int = 5, weeks: int = 3) -> None:
    """One JSONL file per week of usage counts per customer."""
    directory.mkdir(parents=True, exist_ok=True)
    for week in range(weeks):
        lines = [
            json.dumps({"customer": f"cus_{n}", "day": f"2026-01-{1 + 7 * week:02d}", "count": n * (week + 1)})
            for n in range(customers)
        ]
        (directory / f"week-{week}.jsonl").write_text("\n".join(lines) + "\n")


@pytest.fixture
def jsonl_config(tmp_path: Path) -> dict[str, Any]:
    write_usage_files(tmp_path / "usage")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(JSONL_MAPPING)
    tap = Path(sys.executable).parent / "tap-jsonl"
    return {
        "tap": str(tap),
        "mapping_file": str(mapping),
        "tap_config": {"path": str(tmp_path / "usage" / "*.jsonl"), "stream_name": "usage"},
    }
