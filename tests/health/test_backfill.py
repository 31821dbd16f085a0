"""Migration 0008 back-fills contract status history, close days and owners at close, applied transfers."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text

from tests.migration_data import all_rows, upgraded_with_rows

ROWS = """
INSERT INTO users (id, email, name, role, active, created_at, updated_at)
  VALUES (1, 'am@example.com', 'AM', 'account_manager', true, '2026-01-01', '2026-01-01');
INSERT INTO accounts (id, name, segment, owner_id, lifecycle_stage, version, extra, created_at, updated_at)
  VALUES (1, 'Acme', 'smb', 1, 'churned', 1, '{}', '2026-01-01', '2026-01-01');
INSERT INTO contracts (id, account_id, number, status, start_date, end_date, auto_renew, notice_period_days,
  currency, billing_period, extra, created_at, updated_at) VALUES
  (1, 1, 'C-1', 'cancelled', '2025-01-01', '2025-12-31', false, 30, 'USD', 'annual', '{}', '2026-01-01', '2026-03-05'),
  (2, 1, 'C-2', 'draft', '2026-01-01', '2026-12-31', false, 30, 'USD', 'annual', '{}', '2026-01-01', '2026-02-01'),
  (3, 1, 'C-3', 'cancelled', '2025-06-01', '2026-05-31', false, 30, 'USD', 'annual', '{}', '2026-01-01', '2026-03-05');
INSERT INTO opportunities (id, account_id, name, kind, stage, status, amount_minor, currency, probability,
  expected_close_date, forecast_category, closed_at, version, extra, created_at, updated_at) VALUES
  (1, 1, 'Won', 'new', 'closed_won', 'won', 100, 'USD', 100, '2026-02-01', 'closed', '2026-02-10 09:00:00',
   1, '{}', '2026-01-01', '2026-01-01');
"""


def test_the_backfill_dates_each_contracts_statuses_and_each_close(backend: str, new_database_url) -> None:
    history, close = upgraded_with_rows(
        new_database_url(backend),
        "0006",
        ROWS,
        lambda connection: (
            all_rows(connection, "SELECT contract_id, status, effective_on FROM contract_status_changes ORDER BY id"),
            connection.execute(text("SELECT closed_on, owner_at_close_id FROM opportunities")).one(),
        ),
    )
    as_dates = [(c, s, d if isinstance(d, date) else date.fromisoformat(d)) for c, s, d in history]
    assert as_dates == [
        (1, "active", date(2025, 1, 1)),
        (1, "cancelled", date(2026, 1, 1)),  # ended before it was last seen: cancelled from the day after the end
        (2, "draft", date(2026, 2, 1)),  # a draft since it was last seen
        (3, "active", date(2025, 6, 1)),
        (3, "cancelled", date(2026, 3, 5)),  # cancelled before its end: from the day it was last changed
    ]
    closed_on = close.closed_on if isinstance(close.closed_on, date) else date.fromisoformat(close.closed_on)
    assert (closed_on, close.owner_at_close_id) == (date(2026, 2, 10), 1)
