"""Alembic, driven from Python: the CLI's ``db`` commands and the tests use these."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

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
