"""Every setting of acctgraph, typed, read from ``ACCTGRAPH_*`` environment variables or ``.env``."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
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
    workers: int = Field(default=1, ge=1, description="Server processes (`acctgraph serve --workers` sets it).")
    database_max_connections: int = Field(
        default=20,
        ge=2,
        description="Database connections the API may hold, all workers together: each worker's pool gets its share.",
    )
    max_concurrent_operations: int = Field(
        default=4,
        ge=1,
        description="GraphQL requests each worker executes at once; more wait their turn (within the time limit).",
    )
    access_log: bool = Field(default=True, description="Log every HTTP request (uvicorn's access log).")
    debug: bool = Field(default=False, description="Show GraphiQL and detailed errors.")
    graphiql: bool = Field(default=True, description="Serve the GraphiQL IDE on GET /graphql.")

    api_key_cache_seconds: float = Field(
        default=5.0,
        ge=0,
        description="A verified API key is trusted this long without asking the database again (0: never); a key "
        "revoked or a user changed by another process keeps its old rights that long (docs/api.md).",
    )
    compiled_reads: bool = Field(
        default=True,
        description="Answer `accounts` list queries from one compiled SQL statement (docs/architecture.md); "
        "off: every query runs through the field resolvers.",
    )

    default_page_size: int = Field(default=20, ge=1)
    max_page_size: int = Field(default=100, ge=1)
    max_query_depth: int = Field(default=10, ge=1)
    max_query_tokens: int = Field(default=5000, ge=1)
    max_query_aliases: int = Field(default=30, ge=1)
    max_search_length: int = Field(default=200, ge=1, description="The longest `search` text a list accepts.")
    max_query_cost: int = Field(
        default=50_000, ge=1, description="Refuse a query that may return more objects than this (docs/api.md)."
    )
    max_body_bytes: int = Field(default=1_048_576, ge=1024, description="Largest request body; larger ones get 413.")
    request_timeout_seconds: float = Field(
        default=30.0, gt=0, description="A GraphQL request running longer is stopped (its SQL cancelled)."
    )
    max_batch_operations: int = Field(default=10, ge=1, description="Most operations in one batched request.")
    persisted_queries_cache_size: int = Field(
        default=1000, ge=1, description="Automatic persisted queries remembered per process (least recently used go)."
    )
    cors_origins: str = Field(
        default="", description="Comma-separated origins (https://app.example.com) whose pages may call the API."
    )
    subscription_poll_seconds: float = Field(
        default=2.0, gt=0, description="How often a subscription looks in the database for new events."
    )

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
    fiscal_year_start_month: int = Field(
        default=1,
        ge=1,
        le=12,
        description="The month (1-12) the fiscal year starts in; FY2027 is the fiscal year ending in 2027.",
    )
    churn_reasons: str = Field(
        default="price,product_gaps,champion_left,budget,acquired,competitor,poor_adoption,other",
        description="Comma-separated churn and downsell reason keys; a lost renewal must give one.",
    )
    renewal_lead_days: int = Field(default=120, ge=1, description="Days before a contract ends to open its renewal.")

    quote_discount_approval_percent: float = Field(
        default=15.0, ge=0, le=100, description="A quote discounted above this needs the owner's manager's approval."
    )
    quote_admin_approval_total_minor: int = Field(
        default=10_000_000, ge=0, description="A quote total above this (minor units) needs an admin's approval."
    )

    jwt_issuer: str | None = Field(
        default=None, description="Accept bearer JWTs from this issuer (SSO) besides API keys; unset: keys only."
    )
    jwt_jwks_url: str | None = Field(default=None, description="The issuer's JWKS: an https:// URL or a file path.")
    jwt_audience: str | None = Field(default=None, description="Required `aud` of the JWTs, if set.")
    jwt_email_claim: str = Field(default="email", description="The claim holding the acctgraph user's email.")
    sso_provision_users: bool = Field(
        default=False, description="Create an acctgraph user on a valid JWT's first login (from its claims)."
    )
    sso_role_claim: str | None = Field(default=None, description="The claim naming a provisioned user's role.")
    sso_default_role: Literal["admin", "manager", "account_manager", "viewer"] = Field(
        default="viewer", description="A provisioned user's role when the role claim is unset, absent or unknown."
    )
    sso_name_claim: str = Field(default="name", description="The claim holding a provisioned user's name.")

    log_format: Literal["text", "json"] = Field(default="text", description="text, or json: one object per line.")
    log_level: str = Field(default="INFO", description="The root log level (DEBUG, INFO, WARNING, ...).")
    metrics: bool = Field(default=True, description="Serve Prometheus metrics at /metrics.")
    otel_endpoint: str | None = Field(
        default=None, description="OTLP/HTTP collector URL (e.g. http://127.0.0.1:4318): turns tracing on."
    )
    otel_service_name: str = Field(default="acctgraph", description="service.name of the traces.")
    scorecard_file: Path | None = Field(default=None, description="Health scorecards and alert settings (JSON).")
    playbooks_file: Path | None = Field(
        default=None, description="Playbooks: task templates and their triggers (JSON)."
    )

    webhook_max_attempts: int = Field(
        default=8, ge=1, description="Attempts of one webhook delivery before it is marked failed."
    )
    webhook_retry_seconds: float = Field(
        default=30.0, gt=0, description="Wait before a webhook's first retry; doubled after each failed attempt."
    )
    webhook_max_retry_seconds: float = Field(default=21_600.0, gt=0, description="The longest wait between retries.")
    webhook_disable_after_failures: int = Field(
        default=40, ge=1, description="Disable an endpoint after this many failed attempts in a row (any delivery)."
    )
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, description="How long one webhook attempt may take.")
    events_retention_days: int = Field(
        default=30, ge=1, description="Dispatched events (and their settled deliveries) are kept this many days."
    )
    smtp_host: str | None = Field(default=None, description="SMTP server for e-mail notifications; unset: no e-mail.")
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_from: str = Field(default="acctgraph@localhost", description="The From address of notification e-mails.")
    smtp_username: str | None = Field(default=None, description="SMTP login, if the server wants one.")
    smtp_password: SecretStr | None = Field(default=None, description="SMTP password, with smtp_username.")
    smtp_starttls: bool = Field(default=False, description="Upgrade the SMTP connection with STARTTLS.")
    queue_url: str | None = Field(
        default=None,
        description="The job queue: sqlite:///file (embedded), postgresql://... (a queue in that database) or "
        "redis://host:6379/0; unset: beside the database (a .queue.db file next to SQLite, the same PostgreSQL).",
    )
    job_schedules: dict[str, str] = Field(
        default_factory=dict,
        description='Schedules of the periodic jobs by name, JSON: {"health-compute": "0 2 * * *"} (docs/operations.md).',
    )
    job_tick_seconds: float = Field(
        default=15.0, gt=0, description="How often a worker looks for due schedules and records its heartbeat."
    )
    job_retries: int = Field(default=3, ge=0, description="Retries of a failing job before it is recorded failed.")
    job_retry_delay_seconds: float = Field(
        default=30.0, ge=0, description="The wait before a failed job's first retry; each next wait doubles."
    )

    @property
    def churn_reason_keys(self) -> tuple[str, ...]:
        """``churn_reasons`` as keys, trimmed and lower-cased, blanks dropped."""
        return tuple(key.strip().lower() for key in self.churn_reasons.split(",") if key.strip())

    @property
    def pool_size(self) -> int:
        """Each worker process's share of ``database_max_connections`` (its pool may overflow by half)."""
        return max(2, self.database_max_connections * 2 // (3 * self.workers))

    @property
    def allowed_origins(self) -> list[str]:
        """``cors_origins`` as a list, blanks dropped."""
        return [origin.strip().rstrip("/") for origin in self.cors_origins.split(",") if origin.strip()]

    @model_validator(mode="after")
    def _jwt_needs_keys(self) -> "Settings":
        if self.jwt_issuer and not self.jwt_jwks_url:
            raise ValueError("ACCTGRAPH_JWT_ISSUER is set: also set ACCTGRAPH_JWT_JWKS_URL to the issuer's JWKS URL")
        return self


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
