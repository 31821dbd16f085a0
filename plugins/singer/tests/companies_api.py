"""A local Companies API for the SDK-built test tap, served by the kit's vendor helpers (credential
check, 429 on demand, request log): ``GET /v1/companies?updated_since=&after=`` in pages of 2, sorted
by ``updated_at``; deleted companies carry ``_sdc_deleted_at``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import ASGIApp

from acctgraph.testing.http import VendorControls, vendor_app

TOKEN = "companies-test-token"
START = datetime(2026, 1, 1, tzinfo=UTC)
PAGE_SIZE = 2


class CompaniesApi:
    def __init__(self, companies: int = 7) -> None:
        self.controls = VendorControls()
        self.base_url = ""
        self.companies: list[dict[str, Any]] = []
        for n in range(companies):
            self.add(f"Company {n}", minutes=n)
        self.companies[-1]["_sdc_deleted_at"] = self.companies[-1]["updated_at"]

    def add(self, name: str, minutes: int) -> dict[str, Any]:
        number = len(self.companies) + 1
        company = {
            "id": f"C{number}",
            "name": name,
            "website": f"https://www.company{number}.example",
            "employees": 10 * number,
            "updated_at": (START + timedelta(minutes=minutes)).isoformat(),
        }
        self.companies.append(company)
        return company

    def app(self) -> ASGIApp:
        authorized = lambda request: request.headers.get("Authorization") == f"Bearer {TOKEN}"  # noqa: E731
        return vendor_app([Route("/v1/companies", self._companies)], self.controls, authorized)

    async def _companies(self, request: Request) -> JSONResponse:
        since = request.query_params.get("updated_since", "")
        matching = sorted(
            (
                c
                for c in self.companies
                if not since or datetime.fromisoformat(c["updated_at"]) >= datetime.fromisoformat(since)
            ),
            key=lambda c: c["updated_at"],
        )
        start = int(request.query_params.get("after", 0))
        more = start + PAGE_SIZE < len(matching)
        return JSONResponse(
            {"results": matching[start : start + PAGE_SIZE], "next": str(start + PAGE_SIZE) if more else None}
        )
