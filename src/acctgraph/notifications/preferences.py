"""Each user's notification settings: which channels are on, the Slack webhook URL, alerts and the digest."""

from __future__ import annotations

from pydantic import model_validator
from sqlalchemy.orm import Session

from acctgraph.domain.actors import Actor
from acctgraph.domain.commands import Command
from acctgraph.domain.rules import BusinessRuleError
from acctgraph.models import NotificationSettings
from acctgraph.notifications.endpoints import HttpUrl


class UpdateNotificationSettings(Command):
    email_enabled: bool | None = None
    slack_enabled: bool | None = None
    slack_webhook_url: HttpUrl | None = None
    alerts_enabled: bool | None = None
    digest_enabled: bool | None = None

    @model_validator(mode="after")
    def _something_given(self) -> UpdateNotificationSettings:
        if not self.model_fields_set:
            raise ValueError("give at least one setting to change")
        return self


def default_notification_settings(user_id: int) -> NotificationSettings:
    """What a user who never set anything has: every channel off, alerts (once a channel is on) on."""
    return NotificationSettings(
        user_id=user_id, email_enabled=False, slack_enabled=False, alerts_enabled=True, digest_enabled=False
    )


def notification_settings(session: Session, user_id: int) -> NotificationSettings:
    """The user's settings, or the defaults (not added to the session)."""
    return session.get(NotificationSettings, user_id) or default_notification_settings(user_id)


def update_notification_settings(
    session: Session, actor: Actor, command: UpdateNotificationSettings, user_id: int | None = None
) -> NotificationSettings:
    """Change the given settings of ``user_id`` (default: the actor); Slack needs a webhook URL to be on."""
    owner_id = user_id if user_id is not None else actor.user_id
    settings = session.get(NotificationSettings, owner_id)
    if settings is None:
        settings = notification_settings(session, owner_id)
        session.add(settings)
    for name, value in command.given(
        "email_enabled", "slack_enabled", "slack_webhook_url", "alerts_enabled", "digest_enabled"
    ).items():
        if value is None and name != "slack_webhook_url":
            field = name.split("_")[0] + "".join(part.title() for part in name.split("_")[1:])
            raise BusinessRuleError("REQUIRED", f"{field} cannot be cleared; give true or false", field)
        setattr(settings, name, value)
    if settings.slack_enabled and not settings.slack_webhook_url:
        raise BusinessRuleError(
            "REQUIRED", "Slack needs an incoming-webhook URL: give slackWebhookUrl", "slackWebhookUrl"
        )
    session.flush()
    return settings
