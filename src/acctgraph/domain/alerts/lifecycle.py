"""Moving an alert through its states: open -> acknowledged -> resolved (resolving from open is fine).

Functions change the session and leave the commit to the caller (the GraphQL mutation runner, which
also checks the actor may touch the account and writes the audit trail, or the CLI).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import StringConstraints
from sqlalchemy.orm import Session

from acctgraph.domain.actors import Actor
from acctgraph.domain.commands import Command
from acctgraph.domain.events import EventType, publish
from acctgraph.domain.rules import BusinessRuleError, get_row
from acctgraph.domain.tasks.playbooks import close_tasks_of_resolved_alerts
from acctgraph.models import Alert, AlertStatus


class AcknowledgeAlert(Command):
    id: int


class ResolveAlert(Command):
    id: int
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] | None = None


def acknowledge_alert(session: Session, _actor: Actor | None, command: AcknowledgeAlert) -> Alert:
    """Mark an open alert as seen; it stays unresolved, so the same condition is still not raised again."""
    alert = get_row(session, Alert, command.id)
    if alert.status != AlertStatus.OPEN:
        raise BusinessRuleError(
            "ILLEGAL_TRANSITION", f"this alert is {alert.status.value}; only an open alert can be acknowledged", "id"
        )
    alert.status = AlertStatus.ACKNOWLEDGED
    alert.acknowledged_at = datetime.now(UTC)
    return alert


def resolve_alert(session: Session, actor: Actor | None, command: ResolveAlert) -> Alert:
    """Close an alert, and the open tasks of the playbook runs it started that close with it; if its
    condition still holds later, the next evaluation raises a new one."""
    alert = get_row(session, Alert, command.id)
    if alert.status == AlertStatus.RESOLVED:
        raise BusinessRuleError("ILLEGAL_TRANSITION", "this alert is already resolved", "id")
    alert.status = AlertStatus.RESOLVED
    alert.resolved_at = datetime.now(UTC)
    alert.resolved_by_id = actor.user_id if actor else None
    alert.resolution_note = command.note
    close_tasks_of_resolved_alerts(session, [alert.id])
    publish_alert_resolved(session, alert)
    return alert


def publish_alert_resolved(session: Session, alert: Alert) -> None:
    """The ``alert.resolved`` event of an alert just resolved, by hand or automatically."""
    publish(
        session,
        EventType.ALERT_RESOLVED,
        {
            "alert_id": alert.id,
            "account_id": alert.account_id,
            "owner_id": alert.owner_id,
            "rule": alert.rule,
            "subject": alert.subject,
            "title": alert.title,
            "auto_resolved": alert.auto_resolved,
            "resolution_note": alert.resolution_note,
        },
    )
