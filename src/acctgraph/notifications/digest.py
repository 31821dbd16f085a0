"""The daily digest of an owner's book: their accounts, open alerts, tasks due and renewals coming up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from acctgraph.domain.tasks.lists import OPEN_STATUSES
from acctgraph.models import (
    Account,
    Alert,
    AlertStatus,
    NotificationSettings,
    Opportunity,
    OpportunityKind,
    OpportunityStatus,
    Task,
    User,
)
from acctgraph.notifications.channels import Message
from acctgraph.notifications.relay import Dispatch, send_to_user
from acctgraph.settings import Settings

RENEWAL_HORIZON_DAYS = 30
LISTED = 5
"""At most this many alerts and tasks are named in a digest; the counts cover them all."""


@dataclass(frozen=True)
class BookDigest:
    """One owner's book on a day (docs/webhooks.md, "Daily digest", defines each count)."""

    day: date
    accounts: int
    open_alerts: int
    alert_titles: list[str]
    tasks_due: int
    task_titles: list[str]
    renewals_due: int

    def message(self) -> Message:
        lines = [
            f"Accounts in your book: {self.accounts}",
            f"Open alerts: {self.open_alerts}",
            *(f"Alert: {title}" for title in self.alert_titles),
            f"Tasks due by today: {self.tasks_due}",
            *(f"Task: {title}" for title in self.task_titles),
            f"Renewals closing within {RENEWAL_HORIZON_DAYS} days: {self.renewals_due}",
        ]
        return Message(title=f"Your book on {self.day.isoformat()}", lines=lines)


def book_digest(session: Session, owner_id: int, day: date) -> BookDigest:
    """Live accounts owned; unresolved alerts, open or snoozed tasks due on or before ``day``, and open renewal
    opportunities expected to close within 30 days of ``day``, all held by the owner."""
    accounts = session.scalar(
        select(func.count()).where(
            Account.owner_id == owner_id, Account.deleted_at.is_(None), Account.archived_at.is_(None)
        )
    )
    alerts = select(Alert.title).where(Alert.owner_id == owner_id, Alert.status != AlertStatus.RESOLVED)
    tasks = select(Task.title).where(Task.owner_id == owner_id, Task.status.in_(OPEN_STATUSES), Task.due_on <= day)
    renewals = select(func.count()).where(
        Opportunity.owner_id == owner_id,
        Opportunity.kind == OpportunityKind.RENEWAL,
        Opportunity.status == OpportunityStatus.OPEN,
        Opportunity.expected_close_date.between(day, day + timedelta(days=RENEWAL_HORIZON_DAYS)),
    )
    return BookDigest(
        day=day,
        accounts=accounts or 0,
        open_alerts=session.scalar(select(func.count()).select_from(alerts.subquery())) or 0,
        alert_titles=list(session.scalars(alerts.order_by(Alert.raised_at.desc(), Alert.id.desc()).limit(LISTED))),
        tasks_due=session.scalar(select(func.count()).select_from(tasks.subquery())) or 0,
        task_titles=list(session.scalars(tasks.order_by(Task.due_on, Task.id).limit(LISTED))),
        renewals_due=session.scalar(renewals) or 0,
    )


def send_daily_digests(session: Session, settings: Settings, client: httpx.Client, day: date) -> Dispatch:
    """Send the digest of ``day`` to every active user who turned it on, on each of their channels."""
    dispatch = Dispatch()
    users = session.scalars(
        select(User)
        .join(NotificationSettings, NotificationSettings.user_id == User.id)
        .where(NotificationSettings.digest_enabled, User.active)
        .order_by(User.id)
    )
    for user in users:
        send_to_user(session, settings, client, user, book_digest(session, user.id, day).message(), dispatch)
    return dispatch
