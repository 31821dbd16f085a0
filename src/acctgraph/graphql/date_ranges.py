"""The ``from``/``to`` arguments of history fields, validated and bounded."""

from __future__ import annotations

from datetime import date, timedelta

from acctgraph.graphql.errors import InvalidArgument

MAX_HISTORY_DAYS = 3 * 366
DEFAULT_HISTORY_DAYS = 90


def date_range(since: date | None, until: date | None, today: date) -> tuple[date, date]:
    """A bounded, ordered date range: default the last 90 days, at most three years."""
    until = until or today
    since = since or until - timedelta(days=DEFAULT_HISTORY_DAYS)
    if since > until:
        raise InvalidArgument(f"`from` ({since}) is after `to` ({until}); swap them")
    if (until - since).days > MAX_HISTORY_DAYS:
        raise InvalidArgument(f"ask for at most {MAX_HISTORY_DAYS} days at a time; narrow `from`/`to`")
    return since, until
