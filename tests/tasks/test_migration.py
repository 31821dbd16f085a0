"""Migration 0011 moves QBR next steps (open TASK activities a completed QBR created) into tasks."""

from __future__ import annotations

from tests.migration_data import all_rows, upgraded_with_rows

ROWS = """
INSERT INTO users (id, email, name, role, active, created_at, updated_at)
  VALUES (1, 'am@example.com', 'AM', 'account_manager', true, '2026-01-01', '2026-01-01');
INSERT INTO accounts (id, name, segment, owner_id, lifecycle_stage, version, extra, created_at, updated_at)
  VALUES (1, 'Acme', 'smb', 1, 'active', 1, '{}', '2026-01-01', '2026-01-01');
INSERT INTO activities (id, account_id, kind, occurred_at, subject, body, author_id, status, due_on, assignee_id,
  follow_up_of_id, version, extra, created_at, updated_at) VALUES
  (1, 1, 'qbr', '2026-03-01', 'QBR', 'notes', 1, 'done', NULL, NULL, NULL, 1, '{}', '2026-01-01', '2026-03-01'),
  (2, 1, 'task', '2026-03-10', 'Send quote', NULL, 1, 'open', '2026-03-10', 1, 1, 1, '{}', '2026-03-01', '2026-03-01'),
  (3, 1, 'task', '2026-03-12', 'Intro CFO', NULL, 1, 'done', '2026-03-12', 1, 1, 2, '{}', '2026-03-01', '2026-03-05'),
  (4, 1, 'task', '2026-03-15', 'Synced task', NULL, NULL, 'done', NULL, NULL, NULL, 1, '{}', '2026-03-01', '2026-03-01')
"""


def test_qbr_next_steps_become_tasks_and_synced_tasks_stay_activities(backend: str, new_database_url) -> None:
    tasks, activities = upgraded_with_rows(
        new_database_url(backend),
        "0010",
        ROWS,
        lambda connection: (
            all_rows(
                connection, "SELECT title, owner_id, qbr_id, status, closed_at IS NOT NULL FROM tasks ORDER BY title"
            ),
            all_rows(connection, "SELECT id FROM activities ORDER BY id"),
        ),
    )
    assert tasks == [("Intro CFO", 1, 1, "done", True), ("Send quote", 1, 1, "open", False)]
    assert activities == [(1,), (4,)]
