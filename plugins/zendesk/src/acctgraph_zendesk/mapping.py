"""Zendesk Support objects -> canonical records (as dicts the engine validates).

Fields the canonical schemas lack are kept under ``zendesk_*`` names (stored in ``extra``);
``zendesk_updated_at`` is the object's last change, the cursor.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from acctgraph.integration.records import Satisfaction, TicketPriority, TicketStatus, normalize_domain

TICKET_STATUS = {
    "new": TicketStatus.NEW,
    "open": TicketStatus.OPEN,
    "pending": TicketStatus.PENDING,
    "hold": TicketStatus.ON_HOLD,
    "solved": TicketStatus.SOLVED,
    "closed": TicketStatus.CLOSED,
}
DONE = {TicketStatus.SOLVED, TicketStatus.CLOSED}


def parse_time(value: str | None) -> datetime | None:
    return None if not value else datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def _domains(names: list[str]) -> list[str]:
    """The organization's domains that are domain names (Zendesk accepts anything there)."""
    valid = []
    for name in names:
        try:
            valid.append(normalize_domain(name))
        except ValueError:
            continue
    return list(dict.fromkeys(valid))


def account(organization: dict[str, Any]) -> dict[str, Any]:
    """An organization; its first domain is the primary one, the others related domains."""
    domains = _domains(organization.get("domain_names") or [])
    record = {
        "external_id": str(organization["id"]),
        "name": organization["name"],
        "domains": domains[1:],
        "zendesk_external_id": organization.get("external_id"),
        "zendesk_tags": organization.get("tags") or [],
        "zendesk_updated_at": parse_time(organization["updated_at"]),
    }
    if domains:
        record["domain"] = domains[0]
    return record


def satisfaction(rating: dict[str, Any] | None) -> Satisfaction | None:
    """Only ``good`` and ``bad`` are ratings; ``offered`` / ``unoffered`` mean none was given."""
    score = (rating or {}).get("score")
    return Satisfaction(score) if score in ("good", "bad") else None


def support_ticket(ticket: dict[str, Any]) -> dict[str, Any]:
    """A ticket of an organization. Zendesk's export has no solved time: a solved or closed ticket's
    ``closed_at`` is its last update."""
    status = TICKET_STATUS[ticket["status"]]
    rating = ticket.get("satisfaction_rating") or {}
    return {
        "external_id": str(ticket["id"]),
        "account_external_id": str(ticket["organization_id"]),
        "subject": ticket.get("subject") or ticket.get("raw_subject") or f"Zendesk ticket {ticket['id']}",
        "priority": TicketPriority(ticket.get("priority") or "normal"),
        "status": status,
        "escalated": "escalated" in (ticket.get("tags") or []),
        "opened_at": parse_time(ticket["created_at"]),
        "closed_at": parse_time(ticket["updated_at"]) if status in DONE else None,
        "satisfaction": satisfaction(rating),
        "zendesk_satisfaction_comment": rating.get("comment"),
        "zendesk_requester_id": ticket.get("requester_id"),
        "zendesk_type": ticket.get("type"),
        "zendesk_tags": ticket.get("tags") or [],
        "zendesk_updated_at": parse_time(ticket["updated_at"]),
    }


def rated_ticket(ticket: dict[str, Any], rating: dict[str, Any]) -> dict[str, Any]:
    """A ticket as its satisfaction rating left it, with the rating's comment and reason."""
    return {
        **support_ticket(ticket),
        "satisfaction": satisfaction(rating),
        "zendesk_satisfaction_comment": rating.get("comment"),
        "zendesk_satisfaction_reason": rating.get("reason"),
        "zendesk_rated_at": parse_time(rating["created_at"]),
    }
