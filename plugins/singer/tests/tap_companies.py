"""tap-companies: a small Singer tap built with the Meltano Singer SDK, reading the local Companies API
of ``companies_api.py`` (bearer token, ``updated_since`` filter, ``after`` paging, pages of 2).

It writes a STATE after every two records (a resumable bookmark: the stream is sorted by
``updated_at``). With ``crash_flag`` set, it dies abruptly before asking for page 3 when that file
exists, deleting the file first, as a tap crashing mid-stream would (the next run goes through).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from singer_sdk import Tap
from singer_sdk import typing as th
from singer_sdk.streams import RESTStream


class Companies(RESTStream):
    name = "companies"
    path = "/v1/companies"
    primary_keys = ("id",)
    replication_key = "updated_at"
    is_sorted = True
    STATE_MSG_FREQUENCY = 2
    records_jsonpath = "$.results[*]"
    next_page_token_jsonpath = "$.next"
    schema = th.PropertiesList(
        th.Property("id", th.StringType),
        th.Property("name", th.StringType),
        th.Property("website", th.StringType),
        th.Property("employees", th.IntegerType),
        th.Property("updated_at", th.DateTimeType),
        th.Property("_sdc_deleted_at", th.DateTimeType),
    ).to_dict()

    @property
    def url_base(self) -> str:
        return str(self.config["base_url"])

    @property
    def http_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.config['api_token']}"}

    def get_url_params(self, context: Any, next_page_token: Any) -> dict[str, Any]:
        params: dict[str, Any] = {}
        since = self.get_starting_replication_key_value(context)
        if since:
            params["updated_since"] = since
        if next_page_token:
            crash_flag = self.config.get("crash_flag")
            if crash_flag and int(next_page_token) >= 4 and Path(crash_flag).exists():
                Path(crash_flag).unlink()
                os._exit(3)
            params["after"] = next_page_token
        return params


class TapCompanies(Tap):
    name = "tap-companies"
    config_jsonschema = th.PropertiesList(
        th.Property("base_url", th.StringType, required=True),
        th.Property("api_token", th.StringType, required=True, secret=True),
        th.Property("crash_flag", th.StringType),
    ).to_dict()

    def discover_streams(self) -> list[Companies]:
        return [Companies(self)]


if __name__ == "__main__":
    TapCompanies.cli()
