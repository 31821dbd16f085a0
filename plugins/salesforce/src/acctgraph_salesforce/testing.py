"""A local stand-in for a Salesforce org: OAuth 2.0 token endpoint, REST query/queryAll and Bulk API 2.0.

Shapes follow Salesforce's REST API Developer Guide and Bulk API 2.0 guide:
- ``POST /services/oauth2/token`` (client credentials, or a JWT bearer assertion checked against the
  connected app's certificate) answers ``{"access_token", "instance_url", "id", "token_type",
  "issued_at", "signature"}``, or 400 ``{"error", "error_description"}``;
- ``GET /services/data/vXX.X/query|queryAll?q=SOQL`` answers ``{"totalSize", "done", "records",
  "nextRecordsUrl"}``, each record with ``attributes: {type, url}``, batches sized by
  ``Sforce-Query-Options: batchSize``; it understands the SOQL the connector sends (fields, one
  object, ``WHERE SystemModstamp >= literal``, ``ORDER BY SystemModstamp ASC, Id ASC``, ``COUNT()``);
- ``POST /jobs/query`` creates a job, ``GET /jobs/query/{id}`` reports ``InProgress`` on its first poll
  then ``JobComplete``, ``GET /jobs/query/{id}/results?maxRecords&locator`` answers CSV with the
  ``Sforce-Locator`` and ``Sforce-NumberOfRecords`` headers;
- ``PATCH /sobjects/{Task|Event}/{ExternalIdField}/{value}`` upserts by an external id field: 201
  ``{"id", "success", "errors", "created": true}`` when it creates, 200 with ``"created": false`` when
  it updates; 404 ``[{"errorCode": "NOT_FOUND"}]`` for a field the org lacks, 400
  ``[{"message", "errorCode", "fields"}]`` for a record it refuses (a validation rule: ``refuse_writes``);
- every data answer carries ``Sforce-Limit-Info: api-usage=used/limit``; past the limit,
  403 ``[{"errorCode": "REQUEST_LIMIT_EXCEEDED"}]``; an unknown or expired token, 401
  ``[{"errorCode": "INVALID_SESSION_ID"}]``.
"""

from __future__ import annotations

import asyncio
import csv
import io
import itertools
import re
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

import jwt
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from acctgraph.testing.http import VendorControls, vendor_app

CLIENT_ID = "3MVG9acctgraph.test.consumer.key"
CLIENT_SECRET = "acctgraph-test-consumer-secret"
VERSION = "62.0"
START = datetime(2026, 1, 1, tzinfo=UTC)
ID_PREFIX = {
    "Account": "001",
    "Contact": "003",
    "Opportunity": "006",
    "Task": "00T",
    "Event": "00U",
    "Contract": "800",
    "User": "005",
}
SOQL = re.compile(
    r"^SELECT (?P<fields>.+?) FROM (?P<object>\w+)"
    r"(?: WHERE SystemModstamp >= (?P<since>\S+))?"
    r"(?: ORDER BY SystemModstamp ASC, Id ASC)?$"
)


def salesforce_time(moment: datetime) -> str:
    """REST's datetime format: ``2026-01-01T09:30:00.000+0000``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def salesforce_errors(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse([{"message": message, "errorCode": code}], status_code=status)


class FakeSalesforce:
    """One Salesforce org, changed by tests between syncs through the methods below."""

    def __init__(self, api_limit: int = 15_000, public_key: str | None = None, jwt_username: str | None = None) -> None:
        self.controls = VendorControls()
        self.now = START
        self.api_limit = api_limit
        self.api_used = 0
        self.public_key, self.jwt_username = public_key, jwt_username
        self.max_batch = 2000  # Salesforce may return smaller batches than asked; tests lower it to page small data
        self.tokens: set[str] = set()
        self.records: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in ID_PREFIX}
        self.jobs: dict[str, dict[str, Any]] = {}
        self._cursors: dict[str, tuple[list[dict[str, Any]], int]] = {}
        self._ids = itertools.count(1)
        self.base_url = ""
        self.external_id_fields = {"AcctgraphId__c"}  # custom External ID fields on Task and Event
        self.refuse_writes: str | None = None  # a validation rule's message: every write is refused with it
        self.slow_writes = 0  # the next writes are applied, then answered only after slow_seconds
        self.slow_seconds = 2.0

    # --- changes a test makes ------------------------------------------------------------------

    def tick(self, seconds: float = 60) -> None:
        self.now += timedelta(seconds=seconds)

    def add(self, sobject: str, **fields: Any) -> dict[str, Any]:
        """Create a record stamped with the current time; returns it (its ``Id`` included)."""
        record_id = f"{ID_PREFIX[sobject]}{next(self._ids):012d}AAA"
        stamp = salesforce_time(self.now)
        record = {"Id": record_id, "IsDeleted": False, "CreatedDate": stamp, "SystemModstamp": stamp, **fields}
        self.records[sobject][record_id] = record
        return record

    def add_many(self, sobject: str, count: int, **fields: Any) -> None:
        """``count`` records sharing ``fields``, named ``Name``/``Subject`` by number, in one go."""
        for number in range(count):
            self.add(
                sobject, **{key: str(v).format(n=number) if isinstance(v, str) else v for key, v in fields.items()}
            )

    def update(self, sobject: str, record_id: str, **fields: Any) -> None:
        self.records[sobject][record_id].update(fields, SystemModstamp=salesforce_time(self.now))

    def delete(self, sobject: str, record_id: str) -> None:
        """To the recycle bin: ``query`` no longer sees it, ``queryAll`` does, with ``IsDeleted`` true."""
        self.update(sobject, record_id, IsDeleted=True)

    def expire_tokens(self) -> None:
        self.tokens.clear()

    def connector_config(self, **overrides: Any) -> dict[str, Any]:
        """The Salesforce connector's configuration for this org (small pages, immediate bulk polls)."""
        return {
            "login_url": self.base_url,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "page_size": 200,
            "bulk_poll_seconds": 0.01,
            **overrides,
        }

    def requests_to(self, fragment: str) -> int:
        return sum(1 for path in self.controls.paths() if fragment in path)

    # --- the HTTP API --------------------------------------------------------------------------

    def app(self) -> ASGIApp:
        data = f"/services/data/v{VERSION}"
        routes = [
            Route("/services/oauth2/token", self._token, methods=["POST"]),
            Route(f"{data}/limits", self._limits),
            Route(f"{data}/jobs/query", self._create_job, methods=["POST"]),
            Route(f"{data}/jobs/query/{{job_id:str}}", self._job),
            Route(f"{data}/jobs/query/{{job_id:str}}/results", self._results),
            Route(f"{data}/sobjects/{{sobject:str}}/{{field:str}}/{{value:str}}", self._upsert, methods=["PATCH"]),
            Route(f"{data}/{{endpoint:str}}", self._query),
            Route(f"{data}/{{endpoint:str}}/{{locator:str}}", self._next_batch),
        ]
        return vendor_app(
            routes,
            self.controls,
            self._authorized,
            unauthorized=lambda: salesforce_errors(401, "INVALID_SESSION_ID", "Session expired or invalid"),
            throttled=lambda _: salesforce_errors(429, "REQUEST_LIMIT_EXCEEDED", "Too many requests"),
        )

    def _authorized(self, request: Request) -> bool:
        if request.url.path == "/services/oauth2/token":
            return True
        header = request.headers.get("authorization", "")
        return header.startswith("Bearer ") and header.removeprefix("Bearer ") in self.tokens

    def _metered(self, response: Response) -> Response:
        response.headers["Sforce-Limit-Info"] = f"api-usage={self.api_used}/{self.api_limit}"
        return response

    def _spend(self) -> Response | None:
        """Count one API request; past the org's limit, Salesforce's refusal."""
        if self.api_used >= self.api_limit:
            return self._metered(salesforce_errors(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."))
        self.api_used += 1
        return None

    async def _token(self, request: Request) -> JSONResponse:
        form = {key: values[0] for key, values in parse_qs((await request.body()).decode()).items()}
        if form.get("grant_type") == "client_credentials":
            ok = form.get("client_id") == CLIENT_ID and form.get("client_secret") == CLIENT_SECRET
        elif form.get("grant_type") == "urn:ietf:params:oauth:grant-type:jwt-bearer":
            ok = self._valid_assertion(str(form.get("assertion", "")))
        else:
            return JSONResponse(
                {"error": "unsupported_grant_type", "error_description": "grant type not supported"}, 400
            )
        if not ok:
            return JSONResponse({"error": "invalid_client", "error_description": "invalid client credentials"}, 400)
        token = f"00D000000000001!{secrets.token_urlsafe(24)}"
        self.tokens.add(token)
        return JSONResponse(
            {
                "access_token": token,
                "instance_url": self.base_url,
                "id": f"{self.base_url}/id/00D000000000001AAA/005000000000001AAA",
                "token_type": "Bearer",
                "issued_at": str(int(self.now.timestamp() * 1000)),
                "signature": "c2lnbmF0dXJl",
            }
        )

    def _valid_assertion(self, assertion: str) -> bool:
        if self.public_key is None:
            return False
        try:
            claims = jwt.decode(assertion, self.public_key, algorithms=["RS256"], audience=self.base_url)
        except jwt.PyJWTError:
            return False
        return bool(claims.get("iss") == CLIENT_ID and claims.get("sub") == self.jwt_username)

    async def _limits(self, request: Request) -> Response:
        refusal = self._spend()
        if refusal:
            return refusal
        body = {"DailyApiRequests": {"Max": self.api_limit, "Remaining": self.api_limit - self.api_used}}
        return self._metered(JSONResponse(body))

    def written(self, sobject: str, field: str = "AcctgraphId__c") -> list[dict[str, Any]]:
        """The records of ``sobject`` that carry an external id in ``field`` (those acctgraph wrote)."""
        return [r for r in self.records[sobject].values() if r.get(field)]

    async def _upsert(self, request: Request) -> Response:
        refusal = self._spend()
        if refusal:
            return refusal
        sobject, field, value = (request.path_params[k] for k in ("sobject", "field", "value"))
        if sobject not in ("Task", "Event") or field not in self.external_id_fields:
            message = f"Provided external ID field does not exist or is not accessible: {field}"
            return self._metered(salesforce_errors(404, "NOT_FOUND", message))
        fields = await request.json()
        problem = self._invalid(sobject, fields)
        if problem:
            return self._metered(JSONResponse([problem], status_code=400))
        existing = next((r for r in self.records[sobject].values() if r.get(field) == value), None)
        if existing is None:
            record, status = self.add(sobject, **fields, **{field: value, "AccountId": fields["WhatId"]}), 201
        else:
            self.update(sobject, existing["Id"], **fields, AccountId=fields["WhatId"])
            record, status = existing, 200
        if self.slow_writes > 0:  # applied, but the answer comes too late: the client has given up
            self.slow_writes -= 1
            await asyncio.sleep(self.slow_seconds)
        body = {"id": record["Id"], "success": True, "errors": [], "created": status == 201}
        return self._metered(JSONResponse(body, status_code=status))

    def _invalid(self, sobject: str, fields: dict[str, Any]) -> dict[str, Any] | None:
        if self.refuse_writes:
            return {"message": self.refuse_writes, "errorCode": "FIELD_CUSTOM_VALIDATION_EXCEPTION", "fields": []}
        if fields.get("WhatId") not in self.records["Account"]:
            message = f"What ID: id value of incorrect type: {fields.get('WhatId')}"
            return {"message": message, "errorCode": "FIELD_INTEGRITY_EXCEPTION", "fields": ["WhatId"]}
        required = ("Subject", "StartDateTime", "EndDateTime") if sobject == "Event" else ("Subject",)
        missing = [name for name in required if not fields.get(name)]
        if missing:
            message = f"Required fields are missing: [{', '.join(missing)}]"
            return {"message": message, "errorCode": "REQUIRED_FIELD_MISSING", "fields": missing}
        return None

    def _select(self, soql: str) -> tuple[list[str], str, list[dict[str, Any]]] | None:
        match = SOQL.match(soql)
        if match is None:
            return None
        sobject = match["object"]
        rows = list(self.records.get(sobject, {}).values())
        if match["since"]:
            since = datetime.fromisoformat(match["since"])
            rows = [r for r in rows if datetime.fromisoformat(r["SystemModstamp"]) >= since]
        rows.sort(key=lambda r: (r["SystemModstamp"], r["Id"]))
        return [f.strip() for f in match["fields"].split(",")], sobject, rows

    async def _query(self, request: Request) -> Response:
        endpoint = request.path_params["endpoint"]
        if endpoint not in ("query", "queryAll"):
            return salesforce_errors(404, "NOT_FOUND", "The requested resource does not exist")
        refusal = self._spend()
        if refusal:
            return refusal
        selected = self._select(request.query_params.get("q", ""))
        if selected is None:
            return self._metered(salesforce_errors(400, "MALFORMED_QUERY", "unexpected token"))
        fields, sobject, rows = selected
        if endpoint == "query":
            rows = [r for r in rows if not r["IsDeleted"]]
        if fields == ["COUNT()"]:
            return self._metered(JSONResponse({"totalSize": len(rows), "done": True, "records": []}))
        shaped = [self._shaped(sobject, r, fields) for r in rows]
        batch = min(self.max_batch, int(re.sub(r"\D", "", request.headers.get("sforce-query-options", "")) or 2000))
        return self._metered(JSONResponse(self._batch(endpoint, shaped, 0, batch)))

    async def _next_batch(self, request: Request) -> Response:
        refusal = self._spend()
        if refusal:
            return refusal
        locator = request.path_params["locator"]
        if locator not in self._cursors:
            return self._metered(salesforce_errors(400, "INVALID_QUERY_LOCATOR", "invalid query locator"))
        rows, batch = self._cursors[locator]
        offset = int(locator.rsplit("-", 1)[1])
        return self._metered(JSONResponse(self._batch(request.path_params["endpoint"], rows, offset, batch)))

    def _batch(self, endpoint: str, rows: list[dict[str, Any]], offset: int, batch: int) -> dict[str, Any]:
        answer: dict[str, Any] = {"totalSize": len(rows), "done": offset + batch >= len(rows)}
        answer["records"] = rows[offset : offset + batch]
        if not answer["done"]:
            locator = f"01g{secrets.token_hex(6)}-{offset + batch}"
            self._cursors[locator] = (rows, batch)
            answer["nextRecordsUrl"] = f"/services/data/v{VERSION}/{endpoint}/{locator}"
        return answer

    @staticmethod
    def _shaped(sobject: str, record: dict[str, Any], fields: list[str]) -> dict[str, Any]:
        url = f"/services/data/v{VERSION}/sobjects/{sobject}/{record['Id']}"
        return {"attributes": {"type": sobject, "url": url}, **{f: record.get(f) for f in fields}}

    async def _create_job(self, request: Request) -> Response:
        refusal = self._spend()
        if refusal:
            return refusal
        body = await request.json()
        selected = self._select(body["query"]) if "ORDER BY" not in body["query"] else None
        if selected is None:
            return self._metered(salesforce_errors(400, "INVALIDJOB", "InvalidJob : unsupported query"))
        fields, sobject, rows = selected
        if body.get("operation") == "query":
            rows = [r for r in rows if not r["IsDeleted"]]
        job_id = f"750{next(self._ids):012d}AAA"
        self.jobs[job_id] = {"fields": fields, "rows": rows[::-1], "polls": 0}  # no order promised
        job = {"id": job_id, "operation": body["operation"], "object": sobject, "state": "UploadComplete"}
        return self._metered(JSONResponse({**job, "contentType": "CSV", "apiVersion": float(VERSION)}))

    async def _job(self, request: Request) -> Response:
        refusal = self._spend()
        if refusal:
            return refusal
        job = self.jobs.get(request.path_params["job_id"])
        if job is None:
            return self._metered(salesforce_errors(404, "NOT_FOUND", "The requested resource does not exist"))
        job["polls"] += 1
        state = "InProgress" if job["polls"] == 1 else "JobComplete"
        return self._metered(JSONResponse({"id": request.path_params["job_id"], "state": state}))

    async def _results(self, request: Request) -> Response:
        refusal = self._spend()
        if refusal:
            return refusal
        job = self.jobs.get(request.path_params["job_id"])
        if job is None:
            return self._metered(salesforce_errors(404, "NOT_FOUND", "The requested resource does not exist"))
        offset = int(request.query_params.get("locator") or 0)
        size = int(request.query_params.get("maxRecords") or 1_000_000)
        page = job["rows"][offset : offset + size]
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(job["fields"])
        for row in page:
            writer.writerow([_csv_value(row.get(field)) for field in job["fields"]])
        locator = str(offset + size) if offset + size < len(job["rows"]) else "null"
        headers = {"Sforce-Locator": locator, "Sforce-NumberOfRecords": str(len(page))}
        return self._metered(Response(out.getvalue(), media_type="text/csv", headers=headers))


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000", value):
        return value.replace("+0000", "Z")
    return str(value)
