"""``acctgraph identities``: the admin's explicit mappings of a source's account ids to accounts."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from acctgraph.cli.context import connected_engine
from acctgraph.cli.errors import CommandError
from acctgraph.cli.output import add_plain_row
from acctgraph.db import sync_sessionmaker
from acctgraph.graphql.errors import InvalidId
from acctgraph.graphql.ids import decode_id
from acctgraph.integration import identity, triage
from acctgraph.integration.batches import Batch
from acctgraph.integration.connections import ConnectionSetupError, get_connection
from acctgraph.integration.identity import Source
from acctgraph.models import Account, Connection, IdentityMapping, QuarantinedRecord
from acctgraph.models.base import utcnow

app = typer.Typer(help="Map a source's account ids to accounts; see what waits in quarantine.", no_args_is_help=True)


def _source(session, name: str) -> Source:  # type: ignore[no-untyped-def]
    try:
        connection = get_connection(session, name)
    except ConnectionSetupError as error:
        raise CommandError(str(error)) from None
    return Source(connection.id, connection.name)


def _account_id(value: str) -> int:
    """The account's number, from the API's global id (``QWNjb3VudDoxMg==``) or the number itself."""
    if value.isdigit():
        return int(value)
    try:
        return decode_id(value, "Account")
    except InvalidId as error:
        raise CommandError(f"{error}; pass the `id` of an account from the API, or its number") from None


@app.command("list")
def list_identities() -> None:
    """List the mappings, and the quarantined records with what they wait for."""
    mappings = Table("connection", "external id", "account", title="identity mappings")
    waiting = Table("connection", "stream", "record", "waiting for", "reason", title="quarantined records")
    with sync_sessionmaker(connected_engine())() as session:
        for name, external_id, account_id, account_name in session.execute(
            select(Connection.name, IdentityMapping.external_id, Account.id, Account.name)
            .join(Connection, Connection.id == IdentityMapping.connection_id)
            .join(Account, Account.id == IdentityMapping.account_id)
            .order_by(Connection.name, IdentityMapping.external_id)
        ):
            add_plain_row(mappings, name, external_id, f"{account_id} {account_name}")
        for name, entry in session.execute(
            select(Connection.name, QuarantinedRecord).join(Connection).order_by(QuarantinedRecord.id).limit(200)
        ):
            add_plain_row(waiting, name, entry.stream, entry.record_key, entry.waiting_for, entry.reason)
    console = Console(width=200)
    console.print(mappings)
    console.print(waiting)


@app.command("map")
def map_(
    connection: str = typer.Argument(..., help="The connection the id comes from."),
    external_id: str = typer.Argument(..., help="The source's id of the account."),
    account: str = typer.Argument(..., help="The acctgraph account it is: its id in the API, or its number."),
) -> None:
    """Map a source's account id to an account, and apply the quarantined records waiting for it."""
    account_id = _account_id(account)
    with sync_sessionmaker(connected_engine())() as session:
        source = _source(session, connection)
        if session.get(Account, account_id) is None:
            raise CommandError(f"no account with id {account_id}; find it with the accounts query of the API")
        identity.map_identity(session, source, external_id, account_id)
        outcome = triage.apply_quarantined(Batch(session, source, utcnow()), source.id)
        session.commit()
    typer.echo(
        f"{connection} {external_id} -> account {account_id}; "
        f"{outcome.created + outcome.updated + outcome.unchanged} quarantined records applied"
    )


@app.command()
def unmap(
    connection: str = typer.Argument(..., help="The connection the id comes from."),
    external_id: str = typer.Argument(..., help="The source's id of the account."),
) -> None:
    """Remove a mapping (records already written keep their account)."""
    with sync_sessionmaker(connected_engine())() as session:
        if not identity.unmap_identity(session, _source(session, connection), external_id):
            raise CommandError(f"no mapping for {external_id!r} of {connection!r}; see `acctgraph identities list`")
        session.commit()
    typer.echo(f"mapping of {connection} {external_id} removed")
