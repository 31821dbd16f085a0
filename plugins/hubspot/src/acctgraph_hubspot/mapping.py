"""HubSpot CRM objects -> canonical records (as dicts the engine validates).

HubSpot sends every property as a string (or null). Fields the canonical schemas lack are kept under
``hubspot_*`` names (stored in ``extra``); ``hubspot_modified_at``, the last-modified time, is the cursor.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from acctgraph.integration.records import (
    ActivityKind,
    ForecastCategory,
    OpportunityKind,
    OpportunityStatus,
    normalize_domain,
    to_minor_units,
)

FORECAST = {
    "PIPELINE": ForecastCategory.PIPELINE,
    "BEST_CASE": ForecastCategory.BEST_CASE,
    "COMMIT": ForecastCategory.COMMIT,
    "CLOSED": ForecastCategory.CLOSED,
    "OMIT": ForecastCategory.OMITTED,
}
DEAL_KIND = {"newbusiness": OpportunityKind.NEW, "existingbusiness": OpportunityKind.UPSELL}
# Engagement object type -> (activity kind, subject property, body property).
ENGAGEMENTS = {
    "calls": (ActivityKind.CALL, "hs_call_title", "hs_call_body"),
    "emails": (ActivityKind.EMAIL, "hs_email_subject", "hs_email_text"),
    "meetings": (ActivityKind.MEETING, "hs_meeting_title", "hs_meeting_body"),
    "notes": (ActivityKind.NOTE, None, "hs_note_body"),
    "tasks": (ActivityKind.TASK, "hs_task_subject", "hs_task_body"),
}
COMPANY_PROPERTIES = (
    "name",
    "domain",
    "industry",
    "country",
    "hs_parent_company_id",
    "hubspot_owner_id",
    "lifecyclestage",
    "numberofemployees",
)
CONTACT_PROPERTIES = ("firstname", "lastname", "email", "jobtitle", "lifecyclestage", "hs_lead_status")
DEAL_PROPERTIES = (
    "dealname",
    "dealstage",
    "pipeline",
    "amount",
    "deal_currency_code",
    "closedate",
    "hs_is_closed",
    "hs_is_closed_won",
    "hs_deal_stage_probability",
    "dealtype",
    "hs_manual_forecast_category",
    "closed_lost_reason",
    "hubspot_owner_id",
)


def modified_property(object_type: str) -> str:
    """Contacts name their last-modified property differently from every other object."""
    return "lastmodifieddate" if object_type == "contacts" else "hs_lastmodifieddate"


def engagement_properties(object_type: str) -> tuple[str, ...]:
    _, subject, body = ENGAGEMENTS[object_type]
    return tuple(name for name in ("hs_timestamp", subject, body, "hubspot_owner_id") if name)


def parse_time(value: str | None) -> datetime | None:
    """HubSpot datetimes come as ISO 8601 or as epoch milliseconds."""
    if not value:
        return None
    if value.isdigit():
        return datetime.fromtimestamp(int(value) / 1000, UTC)
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def modified_at(hubspot_object: dict[str, Any], object_type: str) -> datetime | None:
    return parse_time(hubspot_object["properties"].get(modified_property(object_type))) or parse_time(
        hubspot_object["updatedAt"]
    )


def _valid_domain(value: str | None) -> str | None:
    try:
        return normalize_domain(value) if value else None
    except ValueError:
        return None


def account(company: dict[str, Any]) -> dict[str, Any]:
    """A company; a domain HubSpot holds that is not a domain name is kept aside, not refused."""
    p = company["properties"]
    domain = _valid_domain(p.get("domain"))
    record = {
        "external_id": company["id"],
        "name": p.get("name") or domain or f"HubSpot company {company['id']}",
        "industry": p.get("industry"),
        "region": p.get("country"),
        "parent_external_id": p.get("hs_parent_company_id"),
        "hubspot_owner_id": p.get("hubspot_owner_id"),
        "hubspot_lifecyclestage": p.get("lifecyclestage"),
        "hubspot_domain": p.get("domain"),
        "hubspot_modified_at": modified_at(company, "companies"),
    }
    if domain:
        record["domain"] = domain
    return record


def contact(hubspot_contact: dict[str, Any], company_id: str | None) -> dict[str, Any]:
    p = hubspot_contact["properties"]
    full_name = " ".join(part for part in (p.get("firstname"), p.get("lastname")) if part)
    return {
        "external_id": hubspot_contact["id"],
        "account_external_id": company_id,
        "name": full_name or p.get("email") or f"HubSpot contact {hubspot_contact['id']}",
        "email": p.get("email"),
        "title": p.get("jobtitle"),
        "hubspot_lifecyclestage": p.get("lifecyclestage"),
        "hubspot_modified_at": modified_at(hubspot_contact, "contacts"),
    }


def deal_status(properties: dict[str, Any]) -> OpportunityStatus:
    if properties.get("hs_is_closed_won") == "true":
        return OpportunityStatus.WON
    if properties.get("hs_is_closed") == "true":
        return OpportunityStatus.LOST
    return OpportunityStatus.OPEN


def opportunity(deal: dict[str, Any], company_id: str | None, default_currency: str) -> dict[str, Any]:
    """A deal; HubSpot's stage probability (0..1) becomes a percentage, its amount minor units."""
    p = deal["properties"]
    currency = p.get("deal_currency_code") or default_currency
    status = deal_status(p)
    close = parse_time(p.get("closedate"))
    record = {
        "external_id": deal["id"],
        "account_external_id": company_id,
        "name": p.get("dealname") or f"HubSpot deal {deal['id']}",
        "stage": p.get("dealstage") or "unknown",
        "status": status,
        "amount_minor": to_minor_units(p.get("amount"), currency),
        "currency": currency,
        "expected_close_date": close.date() if close else None,
        "closed_at": close if status is not OpportunityStatus.OPEN else None,
        "close_reason": p.get("closed_lost_reason"),
        "hubspot_pipeline": p.get("pipeline"),
        "hubspot_owner_id": p.get("hubspot_owner_id"),
        "hubspot_modified_at": modified_at(deal, "deals"),
    }
    if p.get("hs_deal_stage_probability") not in (None, ""):
        record["probability"] = round(float(p["hs_deal_stage_probability"]) * 100)
    if p.get("dealtype") in DEAL_KIND:
        record["kind"] = DEAL_KIND[p["dealtype"]]
    if p.get("hs_manual_forecast_category") in FORECAST:
        record["forecast_category"] = FORECAST[p["hs_manual_forecast_category"]]
    return record


def _first_line(html: str | None) -> str | None:
    """The first line of a note's text: HTML paragraphs and breaks end lines, other tags go."""
    text = re.sub(r"<[^>]+>", "", re.sub(r"(?i)<br\s*/?>|</(p|div|li|h[1-6])>", "\n", html or ""))
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    return lines[0][:500] if lines else None


def activity(engagement: dict[str, Any], object_type: str, company_id: str | None) -> dict[str, Any]:
    """A call, e-mail, meeting, note or task; a note's subject is the first line of its text."""
    kind, subject_property, body_property = ENGAGEMENTS[object_type]
    p = engagement["properties"]
    subject = p.get(subject_property) if subject_property else _first_line(p.get(body_property))
    return {
        "external_id": engagement["id"],
        "account_external_id": company_id,
        "kind": kind,
        "occurred_at": parse_time(p.get("hs_timestamp")) or parse_time(engagement["createdAt"]),
        "subject": subject or f"HubSpot {kind.value}",
        "body": p.get(body_property),
        "hubspot_object_type": object_type,
        "hubspot_owner_id": p.get("hubspot_owner_id"),
        "hubspot_modified_at": modified_at(engagement, object_type),
    }
