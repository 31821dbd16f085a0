"""Every setting of acctgraph, typed, read from ``ACCTGRAPH_*`` environment variables or ``.env``."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Configuration passed explicitly to the app, the CLI and the domain services."""

    model_config = SettingsConfigDict(env_prefix="ACCTGRAPH_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///acctgraph.db",
        description="SQLAlchemy URL; sqlite:///file.db (embedded) or postgresql://user@host/db.",
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    debug: bool = Field(default=False, description="Show GraphiQL and detailed errors.")
    graphiql: bool = Field(default=True, description="Serve the GraphiQL IDE on GET /graphql.")

    default_page_size: int = Field(default=20, ge=1)
    max_page_size: int = Field(default=100, ge=1)
    max_query_depth: int = Field(default=10, ge=1)
    max_query_tokens: int = Field(default=5000, ge=1)
    max_query_aliases: int = Field(default=30, ge=1)

    plugins_dir: Path | None = Field(default=None, description="A directory of local plugin modules (*.py).")
    load_plugins: str | None = Field(default=None, description="Comma-separated plugin names to load; unset: all.")
    trace_plugins: bool = Field(default=False, description="Print every hook call to stderr.")
    secret_key: SecretStr | None = Field(default=None, description="Fernet key encrypting connection secrets.")

    reporting_currency: str = Field(default="USD", min_length=3, max_length=3)
    strategic_mrr_threshold_minor: int = Field(
        default=5_000_000,
        ge=0,
        description="An account is strategic from this MRR, in minor units of the reporting currency.",
    )


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
