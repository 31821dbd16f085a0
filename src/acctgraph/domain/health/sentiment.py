"""The account manager's sentiment, the manual input of the ``am_sentiment`` health measure.

A sentiment is dated: recorded on a day and valid for ``valid_days`` (90 by default); after that the
measure counts it as missing and the ``sentiment_stale`` alert asks for a new one. Recording one
never changes an earlier one, so past scores keep the sentiment they were computed with. It comes
from the ``recordSentiment`` mutation (its author is the caller) or from a connector's account
record (``manager_sentiment``), both through ``record_sentiment``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated

from pydantic import Field, StringConstraints
from sqlalchemy.orm import Session

from acctgraph.domain.actors import Actor
from acctgraph.domain.commands import Command
from acctgraph.domain.rules import BusinessRuleError, get_row
from acctgraph.models import Account, AccountSentiment, Sentiment

DEFAULT_VALID_DAYS = 90
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]


class RecordSentiment(Command):
    account_id: int
    sentiment: Sentiment
    note: Note | None = None
    valid_days: int = Field(default=DEFAULT_VALID_DAYS, ge=1, le=365, description="How long it counts")


def record_sentiment(session: Session, actor: Actor | None, command: RecordSentiment, today: date) -> AccountSentiment:
    """Record the caller's sentiment on an account as of ``today``; it counts in health from that day."""
    account = get_row(session, Account, command.account_id, "accountId")
    if account.archived_at is not None:
        raise BusinessRuleError("ARCHIVED", f"account {account.name!r} is archived", "accountId")
    sentiment = AccountSentiment(
        account_id=account.id,
        author_id=actor.user_id if actor else None,
        sentiment=command.sentiment,
        note=command.note or None,
        recorded_on=today,
        valid_until=today + timedelta(days=command.valid_days),
        recorded_at=datetime.now(UTC),
    )
    session.add(sentiment)
    session.flush()
    return sentiment
