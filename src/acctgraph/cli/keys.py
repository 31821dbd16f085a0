"""``acctgraph keys``: create, list and revoke API keys. A token is shown once, at creation."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from acctgraph.cli.context import connected_engine, settings
from acctgraph.cli.errors import CommandError
from acctgraph.db import sync_sessionmaker
from acctgraph.demo import ADMIN_EMAIL
from acctgraph.domain.api_keys import create_api_key, replace_api_key, revoke_api_key
from acctgraph.models import ApiKey, User

app = typer.Typer(help="API keys: `Authorization: Bearer <key>` on every GraphQL request.", no_args_is_help=True)


def parse_expiry(value: str | None, now: datetime) -> datetime | None:
    """``30d``, ``12h`` or an ISO date/time (UTC if no zone)."""
    if not value:
        return None
    units = {"d": "days", "h": "hours"}
    if value[-1:] in units and value[:-1].isdigit():
        return now + timedelta(**{units[value[-1]]: int(value[:-1])})
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--expires {value!r}: give a duration like 90d or 12h, or a date like 2027-01-31") from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if moment <= now:
        raise CommandError(f"--expires {value!r} is in the past; give a future date or a duration like 90d")
    return moment


def _session() -> Session:
    return sync_sessionmaker(connected_engine())()


def _user(session: Session, email: str) -> User:
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise CommandError(
            f"no user with email {email!r}; see the users with the `users` GraphQL query or load `acctgraph demo`"
        )
    return user


@app.command()
def create(
    user: str = typer.Option(..., "--user", help="The email of the user the key acts as."),
    name: str = typer.Option("cli", "--name", help="A label to recognise the key by."),
    expires: str | None = typer.Option(None, "--expires", help="90d, 12h or a date (2027-01-31); default: never."),
    integration: bool = typer.Option(False, "--integration", help="A key that may only trigger syncs."),
) -> None:
    """Create a key for a user and print its token (only this once)."""
    with _session() as session:
        owner = _user(session, user)
        _key, token = create_api_key(session, owner, name, parse_expiry(expires, datetime.now(UTC)), integration)
        session.commit()
    typer.echo(token)
    Console(stderr=True).print(
        f"key {name!r} for {owner.email} ({owner.role.value}); store it now, it is not shown again"
    )


@app.command("list")
def list_keys(user: str | None = typer.Option(None, "--user", help="Only this user's keys.")) -> None:
    """List keys (prefix, user, status); tokens are never shown."""
    with _session() as session:
        statement = select(ApiKey, User).join(User, User.id == ApiKey.user_id).order_by(ApiKey.id)
        if user:
            statement = statement.where(User.id == _user(session, user).id)
        rows = session.execute(statement).all()
        now = datetime.now(UTC)
        table = Table("id", "prefix", "name", "user", "kind", "expires", "last used", "status")
        for key, owner in rows:
            status = (
                "revoked" if key.revoked_at else "expired" if key.expires_at and key.expires_at <= now else "active"
            )
            table.add_row(
                str(key.id),
                key.prefix + "...",
                key.name,
                f"{owner.email} ({owner.role.value})",
                "integration" if key.integration else "user",
                f"{key.expires_at:%Y-%m-%d}" if key.expires_at else "never",
                f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never",
                status,
            )
    Console().print(table)


@app.command()
def revoke(key: str = typer.Argument(..., help="The key's id or prefix, as `keys list` shows them.")) -> None:
    """Revoke a key: requests with it get 401 from now on."""
    with _session() as session:
        condition = ApiKey.id == int(key) if key.isdigit() else ApiKey.prefix == key.removesuffix("...")
        matches = session.scalars(select(ApiKey).where(condition)).all()
        if len(matches) != 1:
            raise CommandError(f"{len(matches)} keys match {key!r}; give the id from `acctgraph keys list`")
        revoke_api_key(session, matches[0])
        session.commit()
    typer.echo(f"revoked key {matches[0].id} ({matches[0].name})")


def demo_admin_key(session: Session) -> str:
    """A new key for the demo admin (the previous demo key is revoked), for the README's first command."""
    token = replace_api_key(session, _user(session, ADMIN_EMAIL), "demo")
    session.commit()
    return token


def print_demo_key(token: str) -> None:
    header = json.dumps({"Authorization": f"Bearer {token}"})
    url = f"http://{settings().host}:{settings().port}/graphql"
    typer.echo(f"demo admin API key: {token}")
    typer.echo(f"GraphiQL: open {url} and paste {header} in its Headers tab (the browser keeps it)")
