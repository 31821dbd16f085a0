"""What a connector (or a partner's plugin) implements to write acctgraph's changes into its CRM.

A writer declares ``writes`` (the entities it can write: ``activity``, ``qbr``, ``task``) and
``write(change, config)``; a connector class with ``writes`` is its own writer, and the ``crm_writers``
hook adds writers to connectors by name. ``write``
creates or updates the record keyed by ``change.writeback_key`` and returns the CRM's id. The key is
the same on every retry, so a writer that upserts by it (Salesforce's external id fields, HubSpot's
``idProperty``) never creates a duplicate, even when an earlier attempt timed out after the CRM had
created the record. Writers speak only this module and the connector contract, never our models.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar, Protocol

from acctgraph.integration.connector import ConnectorConfig
from acctgraph.integration.errors import ConnectorError

ENTITIES = frozenset({"activity", "qbr", "task"})


@dataclass(frozen=True)
class NextStep:
    """A next step agreed in a QBR (it is also written as a task of its own)."""

    title: str
    due_on: date
    owner_email: str | None = None


@dataclass(frozen=True)
class CrmChange:
    """One change to write, read from acctgraph when it is delivered.

    ``entity``: ``activity`` (a logged call, email, meeting or note: ``kind``), ``qbr`` (a completed QBR,
    with ``outcomes`` and ``next_steps``) or ``task`` (``due_on``, ``priority``, ``done``).
    ``account_external_id`` is the account's id in this CRM. ``writeback_key`` (e.g.
    ``acctgraph-activity-42``) is unique per change and stable across retries: upsert by it.
    """

    writeback_key: str
    entity: str
    account_external_id: str
    subject: str
    kind: str = ""
    body: str | None = None
    occurred_at: datetime | None = None
    due_on: date | None = None
    priority: str = "normal"
    done: bool = True
    outcomes: str | None = None
    owner_email: str | None = None
    next_steps: tuple[NextStep, ...] = field(default_factory=tuple)

    def description(self) -> str:
        """The body, then the outcomes and next steps (a QBR's), as plain text for a CRM's description field."""
        parts = [self.body or ""]
        if self.outcomes:
            parts.append(f"Outcomes: {self.outcomes}")
        if self.next_steps:
            steps = "\n".join(
                f"- {step.title} (due {step.due_on.isoformat()}{', ' + step.owner_email if step.owner_email else ''})"
                for step in self.next_steps
            )
            parts.append(f"Next steps:\n{steps}")
        return "\n\n".join(part for part in parts if part)


class CrmRefused(ConnectorError):
    """The CRM refused the record (a validation rule, a missing field, a permission): retrying the same
    record cannot help. The message is the CRM's own, shown to the user per record."""


class CrmWriter(Protocol):
    """A connector that declares ``writes`` is its own writer; the ``crm_writers`` hook returns others,
    by connector name, to add write-back to a connector without changing it."""

    writes: ClassVar[frozenset[str]]

    def write(self, change: CrmChange, config: ConnectorConfig) -> str:
        """Create or update the record keyed by ``change.writeback_key``; return the CRM's id of it.

        Raise :class:`CrmRefused` when the CRM refuses the record, ``TransientError`` or ``RateLimited``
        when it could not be reached or is busy (the delivery tries again later, with backoff),
        ``ConfigError`` when the credentials are wrong."""
        ...


def refusal_message(body: Any, fallback: str) -> str:
    """The vendor's error text from a JSON error body: Salesforce's ``[{"errorCode", "message"}]`` or a
    HubSpot-like ``{"message", "category"}``."""
    items = body if isinstance(body, list) else [body]
    messages = []
    for item in items:
        if isinstance(item, Mapping) and item.get("message"):
            code = item.get("errorCode") or item.get("category")
            messages.append(f"{code}: {item['message']}" if code else str(item["message"]))
    return "; ".join(messages) or fallback
