"""Write-back to HubSpot: activities and QBRs become engagements (calls, emails, meetings, notes), tasks
become tasks, each associated with the account's company.

Each engagement is upserted with ``POST /crm/v3/objects/{type}/batch/upsert`` by ``idProperty`` (the
``id_property`` setting, ``acctgraph_id``: a text property with unique values the admin creates on
calls, emails, meetings, notes and tasks), never created blindly: a retry after a timed-out attempt
updates what the first attempt created. (Searching before creating would not do: HubSpot's search
index lags writes by seconds.) The association with the company is then set with
``PUT /crm/v4/objects/{type}/{id}/associations/default/companies/{companyId}``, idempotent too.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from acctgraph.integration.http import HttpClient
from acctgraph.integration.writeback.contract import CrmChange, CrmRefused, refusal_message

if TYPE_CHECKING:
    from acctgraph_hubspot.connector import HubSpotConfig

WRITES = frozenset({"activity", "qbr", "task"})
REFUSAL_STATUSES = frozenset({400, 404, 409})
PRIORITY = {"low": "LOW", "normal": "MEDIUM", "high": "HIGH", "urgent": "HIGH"}


def hubspot_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def engagement(change: CrmChange) -> tuple[str, dict[str, Any]]:
    """The HubSpot object type a change becomes, and its properties."""
    if change.entity == "task":
        due = datetime.combine(change.due_on, datetime.min.time(), UTC) if change.due_on else datetime.now(UTC)
        return "tasks", {
            "hs_timestamp": hubspot_time(due),
            "hs_task_subject": change.subject,
            "hs_task_body": change.body,
            "hs_task_status": "COMPLETED" if change.done else "NOT_STARTED",
            "hs_task_priority": PRIORITY.get(change.priority, "MEDIUM"),
        }
    stamp = hubspot_time(change.occurred_at or datetime.now(UTC))
    body = change.description()
    if change.entity == "qbr" or change.kind == "meeting":
        return "meetings", {
            "hs_timestamp": stamp,
            "hs_meeting_title": change.subject,
            "hs_meeting_body": body,
            "hs_meeting_start_time": stamp,
            "hs_meeting_end_time": stamp,
            "hs_meeting_outcome": "COMPLETED",
        }
    if change.kind == "call":
        return "calls", {
            "hs_timestamp": stamp,
            "hs_call_title": change.subject,
            "hs_call_body": body,
            "hs_call_status": "COMPLETED",
        }
    if change.kind == "email":
        return "emails", {
            "hs_timestamp": stamp,
            "hs_email_subject": change.subject,
            "hs_email_text": body,
            "hs_email_direction": "EMAIL",
        }
    return "notes", {"hs_timestamp": stamp, "hs_note_body": "\n\n".join(filter(None, (change.subject, body)))}


def write(change: CrmChange, config: HubSpotConfig, client: HttpClient) -> str:
    """Upsert the engagement by the write-back key, associate it with the company; returns its id."""
    object_type, properties = engagement(change)
    properties = {**properties, config.id_property: change.writeback_key}
    with client:
        answer = _sent(
            client,
            "POST",
            f"/crm/v3/objects/{object_type}/batch/upsert",
            json={"inputs": [{"idProperty": config.id_property, "id": change.writeback_key, "properties": properties}]},
        )
        if not answer.get("results"):
            raise CrmRefused(
                f"HubSpot refused the {object_type[:-1]}: " + refusal_message(answer.get("errors"), str(answer))
            )
        object_id = str(answer["results"][0]["id"])
        _sent(
            client,
            "PUT",
            f"/crm/v4/objects/{object_type}/{object_id}/associations/default/companies/{change.account_external_id}",
        )
    return object_id


def _sent(client: HttpClient, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
    response = client.request(method, path, accept=REFUSAL_STATUSES, **kwargs)
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code in REFUSAL_STATUSES:
        raise CrmRefused("HubSpot refused the write: " + refusal_message(body, f"HTTP {response.status_code}"))
    return body if isinstance(body, dict) else {}
