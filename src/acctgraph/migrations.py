"""Alembic, driven from Python: the CLI's ``db`` commands and the tests use these."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PACKAGED_SCRIPTS = Path(__file__).resolve().parent / "alembic"
"""Where a built wheel carries the top-level ``migrations/`` folder."""


def script_location() -> Path:
    """The checkout's ``migrations/`` when running from source, else the copy inside the package."""
    checkout = PROJECT_ROOT / "migrations"
    return checkout if (checkout / "env.py").exists() else PACKAGED_SCRIPTS


def alembic_config(database_url: str) -> Config:
    """An Alembic config for ``database_url``, whether run from a checkout or an installed package."""
    ini_path = PROJECT_ROOT / "alembic.ini"
    config = Config(str(ini_path)) if ini_path.exists() else Config()
    config.set_main_option("script_location", str(script_location()))
    config.attributes["database_url"] = database_url
    config.attributes["configure_logging"] = False
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


def pending_revisions(engine: Engine) -> tuple[str | None, str | None]:
    """(the database's revision, the newest one) when they differ; (None, None) when it is up to date."""
    script = ScriptDirectory.from_config(alembic_config(engine.url.render_as_string(hide_password=False)))
    head = script.get_current_head()
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return (None, None) if current == head else (current, head)
