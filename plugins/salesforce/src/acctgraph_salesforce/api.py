"""The Salesforce APIs a sync needs: REST ``query``/``queryAll`` and Bulk API 2.0 query jobs.

REST answers at most a batch of records (``Sforce-Query-Options: batchSize``, 200 to 2,000) with a
``nextRecordsUrl`` for the rest. A Bulk API 2.0 query job runs the SOQL asynchronously; its results
are CSV, read a page at a time with ``maxRecords`` and the ``Sforce-Locator`` header, and kept by
Salesforce for seven days, so a read killed half-way resumes at its locator.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import quote

import httpx

from acctgraph.integration.errors import ConnectorError
from acctgraph.integration.http import HttpClient
from acctgraph.integration.writeback.contract import CrmRefused, refusal_message
from acctgraph_salesforce.auth import SalesforceAuth
from acctgraph_salesforce.config import SalesforceConfig

Row = dict[str, Any]
FINISHED_STATES = frozenset({"JobComplete", "Failed", "Aborted"})
#: Salesforce refusing a record: 400 (validation, missing field) and 404 (no such field or object).
REFUSAL_STATUSES = frozenset({400, 404})


class BulkJobGone(ConnectorError):
    """The bulk query job is no longer there (results expire after seven days): query again."""


class SalesforceApi:
    """One authenticated session with an org; use as a context manager."""

    def __init__(
        self,
        config: SalesforceConfig,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        timeout: float = 30.0,
        max_retries: int = 5,
    ) -> None:
        self.config = config
        self.auth = SalesforceAuth(config, transport)
        self._sleep = sleep
        self._http = HttpClient(
            self.auth.token.instance_url,
            auth=self.auth,
            headers={"Sforce-Query-Options": f"batchSize={config.page_size}"},
            transport=transport,
            sleep=sleep,
            timeout=timeout,
            max_retries=max_retries,
        )
        self.data = f"/services/data/v{config.api_version}"

    def __enter__(self) -> SalesforceApi:
        return self

    def __exit__(self, *_: object) -> None:
        self._http.close()

    def limits(self) -> dict[str, Any]:
        answer: dict[str, Any] = self._http.get_json(f"{self.data}/limits")
        return answer

    def count(self, soql: str) -> int:
        """``totalSize`` of a ``SELECT COUNT() ...`` query (one request, no records)."""
        return int(self._http.get_json(f"{self.data}/queryAll", params={"q": soql})["totalSize"])

    def query_pages(self, soql: str, *, include_deleted: bool = True) -> Iterator[list[Row]]:
        """The query's records a batch at a time; ``queryAll`` also returns deleted (``IsDeleted``) ones."""
        answer = self._http.get_json(f"{self.data}/{'queryAll' if include_deleted else 'query'}", params={"q": soql})
        while True:
            yield answer["records"]
            if answer.get("done", True) or not answer.get("nextRecordsUrl"):
                return
            answer = self._http.get_json(answer["nextRecordsUrl"])

    def start_bulk_query(self, soql: str) -> str:
        """Create a Bulk API 2.0 ``queryAll`` job (deleted records included); returns its id."""
        body = {"operation": "queryAll", "query": soql, "contentType": "CSV", "columnDelimiter": "COMMA"}
        return str(self._http.post_json(f"{self.data}/jobs/query", json=body)["id"])

    def wait_for_bulk_job(self, job_id: str) -> None:
        """Poll the job until it completes; a failed or aborted job is an error naming Salesforce's reason."""
        while True:
            try:
                job = self._http.get_json(f"{self.data}/jobs/query/{job_id}")
            except ConnectorError as error:
                if "HTTP 404" in str(error):
                    raise BulkJobGone(f"Salesforce bulk query job {job_id} no longer exists") from error
                raise
            if job["state"] == "JobComplete":
                return
            if job["state"] in FINISHED_STATES:
                reason = job.get("errorMessage") or job["state"]
                raise ConnectorError(f"Salesforce bulk query job {job_id} ended {job['state']}: {reason}")
            self._sleep(self.config.bulk_poll_seconds)

    def bulk_results(self, job_id: str, locator: str | None) -> tuple[list[Row], str | None]:
        """One page of the job's results, as rows of strings, and the locator of the next page (None: last)."""
        params: dict[str, Any] = {"maxRecords": self.config.bulk_page_size}
        if locator:
            params["locator"] = locator
        response = self._http.request("GET", f"{self.data}/jobs/query/{job_id}/results", params=params)
        rows = list(csv.DictReader(io.StringIO(response.text)))
        next_locator = response.headers.get("Sforce-Locator")
        return rows, None if next_locator in (None, "", "null") else next_locator

    def upsert(self, sobject: str, id_field: str, id_value: str, fields: Mapping[str, Any]) -> str:
        """Create or update the record whose external id field ``id_field`` is ``id_value``
        (``PATCH /sobjects/{sobject}/{id_field}/{id_value}``); returns its Salesforce id. Sent again, it
        updates the same record: a retry never duplicates. A 400 is Salesforce refusing the record."""
        path = f"{self.data}/sobjects/{sobject}/{id_field}/{quote(id_value, safe='')}"
        response = self._http.request("PATCH", path, json=dict(fields), accept=REFUSAL_STATUSES)
        if response.status_code in REFUSAL_STATUSES:
            raise CrmRefused(
                f"Salesforce refused the {sobject}: "
                + refusal_message(_json(response), f"HTTP {response.status_code} {response.text[:300]}")
            )
        if response.status_code == 204:  # API versions before 46.0 answer an update with no body
            return str(self._http.get_json(f"{path}", params={"fields": "Id"})["Id"])
        return str(response.json()["id"])


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
