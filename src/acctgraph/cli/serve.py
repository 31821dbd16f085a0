"""``acctgraph serve``: the GraphQL API under uvicorn."""

from __future__ import annotations

import os

import typer
import uvicorn

from acctgraph.cli.context import connected_engine, settings
from acctgraph.observability.logs import logging_config


def serve(
    host: str = typer.Option(None, help="Interface to bind; default ACCTGRAPH_HOST (127.0.0.1)."),
    port: int = typer.Option(None, help="Port; default ACCTGRAPH_PORT (8000)."),
    workers: int = typer.Option(
        None, min=1, help="uvicorn worker processes; default ACCTGRAPH_WORKERS (1). The app keeps no state."
    ),
    reload: bool = typer.Option(False, help="Reload on code changes (development)."),
) -> None:
    """Serve the GraphQL API (and GraphiQL) at http://HOST:PORT/graphql."""
    config = settings()
    connected_engine(config.database_url).dispose()
    host = host or config.host
    port = port or config.port
    workers = workers or config.workers
    os.environ["ACCTGRAPH_WORKERS"] = str(workers)  # each worker sizes its connection pool by it
    typer.echo(f"acctgraph API: http://{host}:{port}/graphql (GraphiQL in a browser), health: /healthz")
    uvicorn.run(
        "acctgraph.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        log_config=logging_config(config),
        log_level=config.log_level.lower(),
        access_log=config.access_log and config.log_format != "json",
    )
