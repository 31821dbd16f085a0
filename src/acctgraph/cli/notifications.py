"""``acctgraph notifications``: a user's channels (Slack, e-mail) and the daily digest of their book."""

from __future__ import annotations

from typing import Any

import httpx
import typer

from acctgraph.cli.context import connected_engine, settings
from acctgraph.cli.errors import CommandError
from acctgraph.cli.health import parse_day
from acctgraph.cli.users import command, find_user
from acctgraph.db import sync_sessionmaker
from acctgraph.domain.actors import Actor
from acctgraph.domain.rules import BusinessRuleError
from acctgraph.domain.users import run_audited
from acctgraph.notifications.digest import send_daily_digests
from acctgraph.notifications.preferences import UpdateNotificationSettings, update_notification_settings

app = typer.Typer(help="Notifications: users' Slack and e-mail channels, the daily digest.", no_args_is_help=True)


@app.command("settings")
def change_settings(
    email: str = typer.Argument(..., help="The user's email."),
    email_enabled: bool | None = typer.Option(None, "--email/--no-email", help="Notify by e-mail."),
    slack_enabled: bool | None = typer.Option(None, "--slack/--no-slack", help="Notify on Slack."),
    slack_url: str | None = typer.Option(None, "--slack-url", help="The Slack incoming-webhook URL."),
    alerts: bool | None = typer.Option(None, "--alerts/--no-alerts", help="Send each new alert of their book."),
    digest: bool | None = typer.Option(None, "--digest/--no-digest", help="Send the daily digest of their book."),
) -> None:
    """Set a user's notification channels (what `updateMyNotificationSettings` sets for oneself)."""
    given: dict[str, Any] = {
        "email_enabled": email_enabled,
        "slack_enabled": slack_enabled,
        "slack_webhook_url": slack_url,
        "alerts_enabled": alerts,
        "digest_enabled": digest,
    }
    values = command(UpdateNotificationSettings, **{name: value for name, value in given.items() if value is not None})
    with sync_sessionmaker(connected_engine())() as session:
        user = find_user(session, email)
        actor = Actor(user_id=user.id, role=user.role)
        try:
            saved = run_audited(
                session, "notifications settings", lambda: update_notification_settings(session, actor, values)
            )
        except BusinessRuleError as error:
            raise CommandError(error.message) from None
        session.commit()
        channels = [name for name, on in (("e-mail", saved.email_enabled), ("Slack", saved.slack_enabled)) if on]
        typer.echo(
            f"{user.email}: channels {', '.join(channels) or 'none'}; alerts {'on' if saved.alerts_enabled else 'off'}, "
            f"digest {'on' if saved.digest_enabled else 'off'}"
        )


@app.command()
def digest(day: str = typer.Option(None, help="The day, YYYY-MM-DD; default: today (UTC).")) -> None:
    """Send the daily digest to every user who turned it on."""
    as_of = parse_day(day)
    with sync_sessionmaker(connected_engine())() as session, httpx.Client() as client:
        sent = send_daily_digests(session, settings(), client, as_of)
    typer.echo(f"{sent.notifications_sent} digests sent")
    for error in sent.notification_errors:
        typer.echo(f"failed: {error}", err=True)
