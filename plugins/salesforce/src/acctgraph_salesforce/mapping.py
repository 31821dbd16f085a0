"""Salesforce records -> canonical records (as dicts the engine validates).

A record comes from the REST API as JSON (typed values, ``null``) or from a Bulk API 2.0 result as a
CSV row (every value a string, empty for null): the functions here read both. Owners are users' ids;
the connector passes a map of user id -> e-mail, which is how acctgraph matches owners. Fields the
canonical schemas lack are kept under ``salesforce_*`` names (stored in ``extra``);
``salesforce_modified_at`` (``SystemModstamp``) is the cursor.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from acctgraph.integration.records import (
    ActivityKind,
    ContractStatus,
    ForecastCategory,
    OpportunityKind,
    OpportunityStatus,
    normalize_domain,
    to_minor_units,
)

Row = Mapping[str, Any]

FORECAST = {
    "Pipeline": ForecastCategory.PIPELINE,
    "Best Case": ForecastCategory.BEST_CASE,
    "Commit": ForecastCategory.COMMIT,
    "Closed": ForecastCategory.CLOSED,
    "Omitted": ForecastCategory.OMITTED,
}
CONTRACT_STATUS = {
    "Activated": ContractStatus.ACTIVE,
    "Terminated": ContractStatus.CANCELLED,
    "Expired": ContractStatus.EXPIRED,
}
TASK_KIND = {"Call": ActivityKind.CALL, "Email": ActivityKind.EMAIL, "ListEmail": ActivityKind.EMAIL}
QBR = re.compile(r"\b(QBR|quarterly business review)\b", re.IGNORECASE)

ACCOUNT_FIELDS = ("Name", "Website", "Industry", "BillingCountry", "ParentId", "OwnerId", "Type")
CONTACT_FIELDS = ("AccountId", "FirstName", "LastName", "Email", "Title", "ReportsToId")
OPPORTUNITY_FIELDS = (
    "AccountId",
    "Name",
    "StageName",
    "Amount",
    "CloseDate",
    "IsClosed",
    "IsWon",
    "Probability",
    "ForecastCategoryName",
    "Type",
    "OwnerId",
    "NextStep",
)
TASK_FIELDS = ("AccountId", "Subject", "Description", "TaskSubtype", "ActivityDate", "CompletedDateTime", "OwnerId")
EVENT_FIELDS = ("AccountId", "Subject", "Description", "StartDateTime", "OwnerId")
CONTRACT_FIELDS = ("AccountId", "ContractNumber", "StatusCode", "StartDate", "EndDate", "OwnerExpirationNotice")
#: Read on every object, before its own fields.
SYSTEM_FIELDS = ("Id", "SystemModstamp", "IsDeleted", "CreatedDate")


def value(row: Row, name: str) -> Any:
    """A field's value; the empty string of a CSV row is null."""
    found = row.get(name)
    return None if found == "" else found


def flag(row: Row, name: str) -> bool:
    return value(row, name) in (True, "true")


def parse_time(text: str | None) -> datetime | None:
    """Salesforce datetimes: ``2026-01-01T09:30:00.000+0000`` (REST) or ``...Z`` (Bulk CSV)."""
    return datetime.fromisoformat(text).astimezone(UTC) if text else None


def parse_date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def modified_at(row: Row) -> datetime:
    stamp = parse_time(value(row, "SystemModstamp"))
    if stamp is None:
        raise ValueError("the record has no SystemModstamp")
    return stamp


def soql_time(moment: datetime) -> str:
    """A SOQL datetime literal, to the second (rounded down: ``>=`` then reads a little more, never less)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _domain(website: str | None) -> str | None:
    if not website:
        return None
    host = re.sub(r"^[a-z]+://", "", website.strip().lower()).split("/")[0]
    try:
        return normalize_domain(host)
    except ValueError:
        return None


def _common(row: Row) -> dict[str, Any]:
    return {"external_id": row["Id"], "salesforce_modified_at": modified_at(row)}


def account(row: Row, owners: Mapping[str, str]) -> dict[str, Any]:
    """An Account; its Website's host is the domain (a website that is no domain is kept aside)."""
    domain = _domain(value(row, "Website"))
    record = {
        **_common(row),
        "name": value(row, "Name") or domain or f"Salesforce account {row['Id']}",
        "industry": value(row, "Industry"),
        "region": value(row, "BillingCountry"),
        "parent_external_id": value(row, "ParentId"),
        "owner_email": owners.get(value(row, "OwnerId") or ""),
        "salesforce_type": value(row, "Type"),
        "salesforce_website": value(row, "Website"),
    }
    if domain:
        record["domain"] = domain
    return record


def contact(row: Row, owners: Mapping[str, str]) -> dict[str, Any]:
    name = " ".join(part for part in (value(row, "FirstName"), value(row, "LastName")) if part)
    return {
        **_common(row),
        "account_external_id": value(row, "AccountId"),
        "name": name or value(row, "Email") or f"Salesforce contact {row['Id']}",
        "email": value(row, "Email"),
        "title": value(row, "Title"),
        "reports_to_external_id": value(row, "ReportsToId"),
    }


def opportunity_status(row: Row) -> OpportunityStatus:
    if flag(row, "IsWon"):
        return OpportunityStatus.WON
    return OpportunityStatus.LOST if flag(row, "IsClosed") else OpportunityStatus.OPEN


def opportunity_kind(salesforce_type: str | None) -> OpportunityKind | None:
    """Salesforce's default Type picklist and the common custom values; anything else is left unset."""
    text = (salesforce_type or "").lower()
    if "renewal" in text:
        return OpportunityKind.RENEWAL
    if "cross" in text:
        return OpportunityKind.CROSS_SELL
    if "upgrade" in text or "upsell" in text or "expansion" in text:
        return OpportunityKind.UPSELL
    if text.startswith("new"):
        return OpportunityKind.NEW
    return None


def opportunity(row: Row, owners: Mapping[str, str], default_currency: str) -> dict[str, Any]:
    """An Opportunity; a closed one is closed at its CloseDate (Salesforce sets it on closing)."""
    currency = value(row, "CurrencyIsoCode") or default_currency
    status = opportunity_status(row)
    close = parse_date(value(row, "CloseDate"))
    record: dict[str, Any] = {
        **_common(row),
        "account_external_id": value(row, "AccountId"),
        "name": value(row, "Name") or f"Salesforce opportunity {row['Id']}",
        "stage": value(row, "StageName") or "unknown",
        "status": status,
        "amount_minor": to_minor_units(value(row, "Amount"), currency),
        "currency": currency,
        "expected_close_date": close,
        "closed_at": datetime(close.year, close.month, close.day, tzinfo=UTC)
        if close and status is not OpportunityStatus.OPEN
        else None,
        "owner_email": owners.get(value(row, "OwnerId") or ""),
        "contract_external_id": value(row, "ContractId"),
        "salesforce_type": value(row, "Type"),
        "salesforce_next_step": value(row, "NextStep"),
    }
    if value(row, "Probability") is not None:
        record["probability"] = round(float(value(row, "Probability")))
    if value(row, "ForecastCategoryName") in FORECAST:
        record["forecast_category"] = FORECAST[value(row, "ForecastCategoryName")]
    kind = opportunity_kind(value(row, "Type"))
    if kind is not None:
        record["kind"] = kind
    return record


def _activity(row: Row, owners: Mapping[str, str], kind: ActivityKind, occurred_at: datetime | None) -> dict[str, Any]:
    subject = value(row, "Subject")
    if subject and QBR.search(subject):
        kind = ActivityKind.QBR
    return {
        **_common(row),
        "account_external_id": value(row, "AccountId"),
        "kind": kind,
        "occurred_at": occurred_at or parse_time(value(row, "CreatedDate")) or modified_at(row),
        "subject": subject or f"Salesforce {kind.value}",
        "body": value(row, "Description"),
        "author_email": owners.get(value(row, "OwnerId") or ""),
    }


def task(row: Row, owners: Mapping[str, str]) -> dict[str, Any]:
    """A Task: a call, an e-mail or a to-do (``TaskSubtype``), when completed, else when due."""
    due = parse_date(value(row, "ActivityDate"))
    occurred = parse_time(value(row, "CompletedDateTime")) or (
        datetime(due.year, due.month, due.day, tzinfo=UTC) if due else None
    )
    record = _activity(row, owners, TASK_KIND.get(value(row, "TaskSubtype") or "", ActivityKind.TASK), occurred)
    return {**record, "salesforce_object": "Task"}


def event(row: Row, owners: Mapping[str, str]) -> dict[str, Any]:
    """An Event: a meeting (a QBR when its subject says so), at its start."""
    record = _activity(row, owners, ActivityKind.MEETING, parse_time(value(row, "StartDateTime")))
    return {**record, "salesforce_object": "Event"}


def contract(row: Row, owners: Mapping[str, str], default_currency: str) -> dict[str, Any]:
    """A Contract (without lines: Salesforce keeps products on orders and opportunities)."""
    return {
        **_common(row),
        "account_external_id": value(row, "AccountId"),
        "number": value(row, "ContractNumber") or row["Id"],
        "status": CONTRACT_STATUS.get(value(row, "StatusCode") or "", ContractStatus.DRAFT),
        "start_date": parse_date(value(row, "StartDate")),
        "end_date": parse_date(value(row, "EndDate")),
        "notice_period_days": int(value(row, "OwnerExpirationNotice") or 30),
        "currency": value(row, "CurrencyIsoCode") or default_currency,
    }
