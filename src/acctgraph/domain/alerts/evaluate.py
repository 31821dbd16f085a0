"""Evaluating every rule over the book, raising only conditions not already open, then telling plugins."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import Any

import pluggy
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from acctgraph.domain.alerts.lifecycle import publish_alert_resolved
from acctgraph.domain.alerts.rules import ALERT_RULES, AlertRule
from acctgraph.domain.alerts.settings import AlertSettings
from acctgraph.domain.events import EventType, publish
from acctgraph.models import Account, Alert, AlertStatus, LifecycleStage


@dataclass(frozen=True)
class AlertNotice:
    """What the ``alerts_raised`` hook receives: a plain copy, so plugins never touch our models."""

    id: int
    rule: str
    severity: str
    account_id: int
    account_name: str
    owner_id: int | None
    subject: str
    title: str
    evidence: dict[str, Any]
    day: date


def evaluate_alerts(
    session: Session,
    settings: AlertSettings,
    as_of: date,
    plugin_manager: pluggy.PluginManager | None = None,
    rules: Iterable[AlertRule] = ALERT_RULES,
) -> list[AlertNotice]:
    """Raise the alerts whose condition holds on ``as_of`` and is not already open or acknowledged.

    Alerts whose condition has cleared are resolved first (``resolve_cleared_alerts``). Commits, then
    calls the ``alerts_raised`` hook with the new alerts (never for a rolled-back batch).
    """
    rules = tuple(rules)
    resolve_cleared_alerts(session, settings, as_of, rules)
    unresolved = {
        (rule, account_id, subject)
        for rule, account_id, subject in session.execute(
            select(Alert.rule, Alert.account_id, Alert.subject).where(Alert.status != AlertStatus.RESOLVED)
        )
    }
    raised: list[tuple[Alert, str]] = []
    now = datetime.now(UTC)
    for rule in rules:
        for row in session.execute(_for_live_accounts(rule.candidates(as_of, settings))):
            if (rule.key, row.account_id, row.subject) in unresolved:
                continue
            unresolved.add((rule.key, row.account_id, row.subject))
            title, evidence = rule.describe(row, settings)
            alert = Alert(
                account_id=row.account_id,
                owner_id=row.owner_id,
                rule=rule.key,
                subject=row.subject,
                severity=rule.severity,
                title=title,
                evidence=evidence,
                day=as_of,
                raised_at=now,
            )
            raised.append((alert, row.account_name))
    session.add_all(alert for alert, _ in raised)
    session.flush()
    notices = [_notice(alert, account_name) for alert, account_name in raised]
    for notice in notices:
        fields = asdict(notice)
        publish(session, EventType.ALERT_RAISED, {"alert_id": fields.pop("id"), **fields})
    session.commit()
    if plugin_manager is not None and notices:
        plugin_manager.hook.alerts_raised(alerts=notices)
    return notices


def resolve_cleared_alerts(
    session: Session, settings: AlertSettings, as_of: date, rules: Iterable[AlertRule] = ALERT_RULES
) -> list[Alert]:
    """Resolve the unresolved alerts whose condition no longer holds on ``as_of``, with the rule's reason.

    They stay in the table (status resolved, ``auto_resolved``), so history keeps them; a condition
    that comes back later raises a new alert. One read of the alerts plus one query per rule.
    """
    resolving = {rule.key: rule for rule in rules if rule.cleared_reason}
    alerts = session.scalars(
        select(Alert).where(Alert.status != AlertStatus.RESOLVED, Alert.rule.in_(resolving)).order_by(Alert.id)
    ).all()
    now = datetime.now(UTC)
    resolved = []
    for key in sorted({alert.rule for alert in alerts}):
        rule = resolving[key]
        holding = {(row.account_id, row.subject): row for row in session.execute(rule.holding(as_of, settings))}
        for alert in alerts:
            if alert.rule == key and rule.still_holds(alert, holding.get(rule.holding_key(alert)), settings) is False:
                alert.status = AlertStatus.RESOLVED
                alert.resolved_at = now
                alert.auto_resolved = True
                alert.resolution_note = f"Resolved automatically on {as_of.isoformat()}: {rule.cleared_reason}"
                publish_alert_resolved(session, alert)
                resolved.append(alert)
    session.flush()
    return resolved


def _for_live_accounts(candidates: Select[*tuple[Any, ...]]) -> Select[*tuple[Any, ...]]:
    """Only accounts still in the book, with the owner the alert goes to."""
    subquery = candidates.subquery()
    return (
        select(subquery, Account.owner_id, Account.name.label("account_name"))
        .join(Account, Account.id == subquery.c.account_id)
        .where(Account.deleted_at.is_(None), Account.lifecycle_stage != LifecycleStage.CHURNED)
        .order_by(subquery.c.account_id, subquery.c.subject)
    )


def _notice(alert: Alert, account_name: str) -> AlertNotice:
    return AlertNotice(
        id=alert.id,
        rule=alert.rule,
        severity=alert.severity.value,
        account_id=alert.account_id,
        account_name=account_name,
        owner_id=alert.owner_id,
        subject=alert.subject,
        title=alert.title,
        evidence=alert.evidence,
        day=alert.day,
    )
