"""schema.graphql at the top of the repository is the schema the code serves."""

from __future__ import annotations

from pathlib import Path

from acctgraph.graphql.schema import schema_sdl
from acctgraph.settings import Settings

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "schema.graphql"


def test_exported_schema_matches_the_code() -> None:
    assert SCHEMA_FILE.read_text() == schema_sdl(Settings(_env_file=None)), (
        "schema.graphql is out of date: run `acctgraph schema export`"
    )
