"""``acctgraph users``: create, list, update, deactivate users and set their manager, by email.

The same domain rules as the GraphQL mutations; each change is audited with no actor (an operator's command).
The first user of an empty database, created with ``--role admin``, gets an API key printed once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from acctgraph.cli.context import connected_engine
from acctgraph.cli.errors import CommandError
from acctgraph.db import sync_sessionmaker
from acctgraph.domain import users as domain
from acctgraph.domain.api_keys import create_api_key
from acctgraph.domain.rules import BusinessRuleError
from acctgraph.models import Role, User

app = typer.Typer(help="Users: admins, managers, account managers and viewers.", no_args_is_help=True)
stderr = Console(stderr=True, soft_wrap=True)
C = TypeVar("C", bound=BaseModel)

ROLE_HELP = "admin, manager, account_manager or viewer"


def command(command_type: type[C], **values: Any) -> C:
    """The domain command, with pydantic's complaint as one line naming the option to fix."""
    try:
        return command_type.model_validate(values)
    except ValidationError as error:
        issue = error.errors()[0]
        option = "--" + str(issue["loc"][0]).replace("_", "-")
        raise CommandError(f"{option}: {str(issue['msg']).removeprefix('Value error, ')}") from None


def parse_role(value: str | None) -> Role | None:
    if value is None:
        return None
    try:
        return Role(value.strip().lower().replace("-", "_"))
    except ValueError:
        raise CommandError(f"--role {value!r}: give one of {ROLE_HELP}") from None


def find_user(session: Session, email: str, option: str = "EMAIL") -> User:
    user = domain.user_by_email(session, email)
    if user is None:
        raise CommandError(f"{option}: no user with email {email!r}; see them with `acctgraph users list --all`")
    return user


def change(operation: str, work: Callable[[Session], User]) -> User:
    """Run one audited change and commit it, or say in one line why it was refused."""
    with sync_sessionmaker(connected_engine())() as session:
        try:
            user = domain.run_audited(session, operation, lambda: work(session))
        except BusinessRuleError as error:
            raise CommandError(error.message) from None
        session.commit()
        session.refresh(user)
        session.expunge(user)
    return user


@app.command()
def create(
    email: str = typer.Option(..., "--email", help="Their email: their sign-in name (API keys, SSO)."),
    name: str = typer.Option(..., "--name", help="Their full name."),
    role: str = typer.Option("account_manager", "--role", help=ROLE_HELP),
    manager: str | None = typer.Option(None, "--manager", help="Their manager's email."),
) -> None:
    """Add a user. On an empty database an admin is the first admin, and their API key is printed once."""
    with sync_sessionmaker(connected_engine())() as session:
        manager_id = find_user(session, manager, "--manager").id if manager else None
        first = domain.user_count(session) == 0
        values = command(domain.CreateUser, email=email, name=name, role=parse_role(role), manager_id=manager_id)
        try:
            user = domain.run_audited(session, "users create", lambda: domain.create_user(session, None, values))
        except BusinessRuleError as error:
            raise CommandError(error.message) from None
        token = create_api_key(session, user, "first admin")[1] if first and user.role is Role.ADMIN else None
        session.commit()
        typer.echo(f"created {user.email} ({user.role.value}), id {user.id}")
    if token:
        print_first_admin_key(user.email, token)


def print_first_admin_key(email: str, token: str) -> None:
    typer.echo(token)
    stderr.print(
        f"the API key of {email}, the first admin: store it now, it is not shown again. "
        "Use it as `Authorization: Bearer <key>`; more with `acctgraph keys create --user EMAIL`.",
        highlight=False,
    )


@app.command("list")
def list_users(all_users: bool = typer.Option(False, "--all", help="Include deactivated users.")) -> None:
    """List users: email, name, role, manager, active."""
    manager = aliased(User)
    statement = select(User, manager.email).outerjoin(manager, manager.id == User.manager_id).order_by(User.email)
    if not all_users:
        statement = statement.where(User.active.is_(True))
    with sync_sessionmaker(connected_engine())() as session:
        rows = session.execute(statement).all()
    table = Table("id", "email", "name", "role", "manager", "active")
    for user, manager_email in rows:
        table.add_row(
            str(user.id), user.email, user.name, user.role.value, manager_email or "-", "yes" if user.active else "no"
        )
    Console(width=160).print(table)


@app.command()
def update(
    email: str = typer.Argument(..., help="The user's current email."),
    new_email: str | None = typer.Option(None, "--email", help="A new email."),
    name: str | None = typer.Option(None, "--name", help="A new name."),
    role: str | None = typer.Option(None, "--role", help=ROLE_HELP),
) -> None:
    """Change a user's email, name or role (the last active admin stays admin)."""
    given = {"email": new_email, "name": name, "role": parse_role(role)}
    if all(value is None for value in given.values()):
        raise CommandError("nothing to change: give --email, --name or --role")

    def work(session: Session) -> User:
        user_id = find_user(session, email).id
        fields = {key: value for key, value in given.items() if value is not None}
        return domain.update_user(session, None, command(domain.UpdateUser, id=user_id, **fields))

    user = change("users update", work)
    typer.echo(f"updated {user.email}: {user.name}, {user.role.value}")


@app.command()
def deactivate(email: str = typer.Argument(..., help="The user's email.")) -> None:
    """Deactivate a user: their keys and SSO logins stop working; their accounts stay theirs."""
    user = change(
        "users deactivate",
        lambda session: domain.deactivate_user(session, None, domain.DeactivateUser(id=find_user(session, email).id)),
    )
    typer.echo(f"deactivated {user.email}")


@app.command("set-manager")
def set_manager(
    email: str = typer.Argument(..., help="The user's email."),
    manager: str | None = typer.Argument(
        None, help="Their manager's email; leave out for none (top of the hierarchy)."
    ),
) -> None:
    """Set whom a user reports to; a loop in the hierarchy is refused."""

    def work(session: Session) -> User:
        manager_id = find_user(session, manager, "MANAGER").id if manager else None
        values = domain.SetUserManager(id=find_user(session, email).id, manager_id=manager_id)
        return domain.set_user_manager(session, None, values)

    user = change("users set-manager", work)
    typer.echo(f"{user.email} now reports to {manager or 'nobody'}")
