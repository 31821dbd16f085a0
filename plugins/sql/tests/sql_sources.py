"""Source databases for the SQL connector's tests: a CRM's accounts and a product's daily usage, written
into a SQLite file, a PostgreSQL or a DuckDB database, and the connector's configuration over them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Boolean, Column, Date, DateTime, Integer, MetaData, String, Table, create_engine, insert

START = datetime(2026, 1, 1, 9, 0)
METADATA = MetaData()
CRM_ACCOUNTS = Table(
    "crm_accounts",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("name", String(200)),
    Column("website", String(200)),
    Column("employees", Integer),
    Column("updated_at", DateTime),
    Column("is_deleted", Boolean),
)
DAILY_USAGE = Table(
    "daily_usage",
    METADATA,
    Column("account_id", Integer, primary_key=True),
    Column("day", Date, primary_key=True),
    Column("active_users", Integer),
    Column("updated_at", DateTime),
)


def write_source(url: str, accounts: int = 9, days: int = 2) -> None:
    """``accounts`` accounts (the last one deleted, two sharing a timestamp) and ``days`` days of usage each."""
    engine = create_engine(url)
    METADATA.drop_all(engine)
    METADATA.create_all(engine)
    with engine.begin() as connection:
        connection.execute(
            insert(CRM_ACCOUNTS),
            [
                {
                    "id": n,
                    "name": f"Account {n}",
                    "website": f"https://www.account{n}.example",
                    "employees": 10 * n,
                    "updated_at": START + timedelta(minutes=n - n % 2),
                    "is_deleted": n == accounts,
                }
                for n in range(1, accounts + 1)
            ],
        )
        usage = [
            {
                "account_id": n,
                "day": date(2026, 1, 1) + timedelta(days=d),
                "active_users": n * (d + 1),
                "updated_at": START + timedelta(days=d, seconds=n),
            }
            for d in range(days)
            for n in range(1, accounts)
        ]
        if usage:
            connection.execute(insert(DAILY_USAGE), usage)
    engine.dispose()


def sql_config(url: str, batch_size: int = 4) -> dict[str, Any]:
    """Accounts (renamed columns, deletes flagged) and usage (a constant metric name), in batches."""
    return {
        "url": url,
        "batch_size": batch_size,
        "streams": [
            {
                "name": "accounts",
                "entity": "account",
                "query": "SELECT id, name, website, employees, updated_at, is_deleted FROM crm_accounts",
                "primary_key": ["id"],
                "cursor_column": "updated_at",
                "lookback_seconds": 300,
                "deleted_column": "is_deleted",
                "fields": {"external_id": "id", "domain": "website"},
            },
            {
                "name": "usage",
                "entity": "usage_metric",
                "query": "SELECT account_id, day, active_users, updated_at FROM daily_usage",
                "primary_key": ["account_id", "day"],
                "cursor_column": "updated_at",
                "fields": {"account_external_id": "account_id", "value": "active_users"},
                "constants": {"metric": "active_users"},
            },
        ],
    }
