"""``acctgraph schema``: export the GraphQL schema (SDL) that frontends build against."""

from __future__ import annotations

from pathlib import Path

import typer

from acctgraph.graphql.schema import schema_sdl
from acctgraph.settings import Settings

app = typer.Typer(help="The GraphQL schema.", no_args_is_help=True)


@app.command()
def export(
    output: Path = typer.Option(Path("schema.graphql"), "--output", "-o", help="File to write; '-' for stdout."),
) -> None:
    """Write the schema in GraphQL SDL (default: ./schema.graphql)."""
    sdl = schema_sdl(Settings(_env_file=None))
    if str(output) == "-":
        typer.echo(sdl, nl=False)
        return
    output.write_text(sdl)
    typer.echo(f"wrote {output}")
