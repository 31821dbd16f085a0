"""Write-back to Salesforce: activities and QBRs become Tasks or Events, tasks become Tasks.

Each record is upserted by the custom External ID field ``AcctgraphId__c`` (``external_id_field``;
create it, unique, on Task and Event, which share it through Activity) with
``PATCH /sobjects/{Task|Event}/AcctgraphId__c/{key}``: a retry after a timed-out attempt updates the
record the first attempt created. The record is related to the account with ``WhatId``. Only fields
Salesforce lets an update set are sent (not ``TaskSubtype``), so the second attempt is not refused.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from acctgraph.integration.writeback.contract import CrmChange
from acctgraph_salesforce.api import SalesforceApi
from acctgraph_salesforce.config import SalesforceConfig

WRITES = frozenset({"activity", "qbr", "task"})
#: acctgraph activity kind -> Salesforce Task ``Type`` (Salesforce's default picklist).
TASK_TYPE = {"call": "Call", "email": "Email", "note": "Other"}
PRIORITY = {"low": "Low", "normal": "Normal", "high": "High", "urgent": "High"}
MAX_SUBJECT = 255


def sobject_and_fields(change: CrmChange) -> tuple[str, dict[str, Any]]:
    """The Salesforce object a change becomes, and its fields."""
    common = {"WhatId": change.account_external_id, "Subject": change.subject[:MAX_SUBJECT]}
    if change.entity == "task":
        return "Task", {
            **common,
            "Description": change.body,
            "ActivityDate": change.due_on.isoformat() if change.due_on else None,
            "Status": "Completed" if change.done else "Not Started",
            "Priority": PRIORITY.get(change.priority, "Normal"),
        }
    occurred = (change.occurred_at or datetime.now(UTC)).astimezone(UTC)
    if change.entity == "qbr" or change.kind == "meeting":
        start = occurred.strftime("%Y-%m-%dT%H:%M:%S.000+0000")
        return "Event", {**common, "Description": change.description(), "StartDateTime": start, "EndDateTime": start}
    return "Task", {
        **common,
        "Description": change.description(),
        "ActivityDate": occurred.date().isoformat(),
        "Status": "Completed",
        "Type": TASK_TYPE.get(change.kind, "Other"),
    }


def write(change: CrmChange, config: SalesforceConfig) -> str:
    """Upsert the change's record by its write-back key; returns the Salesforce id."""
    sobject, fields = sobject_and_fields(change)
    with SalesforceApi(config, timeout=config.write_timeout_seconds, max_retries=2) as api:
        return api.upsert(sobject, config.external_id_field, change.writeback_key, fields)
