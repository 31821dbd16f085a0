"""Moving an alert through its states: open -> acknowledged -> resolved (resolving from open is fine)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from acctgraph.models import Alert, AlertStatus


class AlertTransitionError(ValueError):
    """The alert cannot move to the requested state; the message says why."""


class AlertNotFound(AlertTransitionError):
    """No alert has that id."""


def acknowledge_alert(session: Session, alert_id: int) -> Alert:
    """Mark an open alert as seen; it stays unresolved, so the same condition is still not raised again."""
    alert = _get(session, alert_id)
    if alert.status != AlertStatus.OPEN:
        raise AlertTransitionError(f"alert {alert_id} is {alert.status.value}; only an open alert can be acknowledged")
    alert.status = AlertStatus.ACKNOWLEDGED
    alert.acknowledged_at = datetime.now(UTC)
    session.commit()
    return alert


def resolve_alert(session: Session, alert_id: int, user_id: int | None = None, note: str | None = None) -> Alert:
    """Close an alert; if its condition still holds later, the next evaluation raises a new one."""
    alert = _get(session, alert_id)
    if alert.status == AlertStatus.RESOLVED:
        raise AlertTransitionError(f"alert {alert_id} is already resolved")
    alert.status = AlertStatus.RESOLVED
    alert.resolved_at = datetime.now(UTC)
    alert.resolved_by_id = user_id
    alert.resolution_note = note
    session.commit()
    return alert


def _get(session: Session, alert_id: int) -> Alert:
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise AlertNotFound(f"no alert with id {alert_id}")
    return alert
