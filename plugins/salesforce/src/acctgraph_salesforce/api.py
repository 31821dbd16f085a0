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
from collections.abc import Callable, Iterator
from typing import Any

import httpx

from acctgraph.integration.errors import ConnectorError
from acctgraph.integration.http import HttpClient
from acctgraph_salesforce.auth import SalesforceAuth
from acctgraph_salesforce.config import SalesforceConfig

Row = dict[str, Any]
FINISHED_STATES = frozenset({"JobComplete", "Failed", "Aborted"})


class BulkJobGone(ConnectorError):
    """The bulk query job is no longer there (results expire after seven days): query again."""


class SalesforceApi:
    """One authenticated session with an org; use as a context manager."""

    def __init__(
        self,
        config: SalesforceConfig,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
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
