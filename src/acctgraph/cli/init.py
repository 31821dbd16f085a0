"""``acctgraph init``: bring up a fresh deployment's first admin (after ``acctgraph db upgrade``), without the demo."""

from __future__ import annotations

import typer

from acctgraph.cli.context import connected_engine
from acctgraph.cli.errors import CommandError
from acctgraph.cli.users import command, print_first_admin_key
from acctgraph.db import sync_sessionmaker
from acctgraph.domain import users as domain
from acctgraph.domain.api_keys import create_api_key


def init(
    admin_email: str = typer.Option(..., "--admin-email", help="The first admin's email."),
    admin_name: str | None = typer.Option(None, "--admin-name", help="Their name; default: the email's local part."),
) -> None:
    """Create the first admin on an empty database and print their API key once."""
    values = command(domain.CreateUser, email=admin_email, name=admin_name or admin_email.split("@")[0])
    with sync_sessionmaker(connected_engine())() as session:
        try:
            admin = domain.create_first_admin(session, values.email, values.name)
        except domain.UsersExist as error:
            raise CommandError(
                f"{error}: `init` only sets up an empty database; add users with `acctgraph users create`"
            ) from None
        token = create_api_key(session, admin, "first admin")[1]
        session.commit()
        typer.echo(f"created the first admin, {admin.email}", err=True)
    print_first_admin_key(admin.email, token)
