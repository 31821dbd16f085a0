"""The per-account read model: what lists of accounts sort and filter by, stored one row per account.

Every value here is derived (``acctgraph.domain.read_model`` computes and maintains it in the same
transaction as the writes it depends on); nothing reads it as the source of truth but lists. Nullable
figures have non-null ``*_order_*`` twins (missing values sort last in both directions) so that every
ordering is a plain index scan on both databases: SQLite indexes cannot put NULLs last.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from acctgraph.models.accounts import LifecycleStage, Segment
from acctgraph.models.base import Base, enum_type
from acctgraph.models.health import HealthBand

HEALTH_ORDER_MISSING_ASC = 101
"""``health_order_asc`` of an account without health: after every score (0-100)."""
HEALTH_ORDER_MISSING_DESC = -1
"""``health_order_desc`` of an account without health: after every score, descending."""
RENEWAL_ORDER_MISSING_ASC = date(9999, 12, 31)
RENEWAL_ORDER_MISSING_DESC = date(1, 1, 1)

# (name, column) of each ordering's sort key. Each gets an index: the key, account_id (the keyset
# tie-breaker), then the columns of the common filters, so a filtered first page is read from the index
# alone (SQLite: a covering index) however many non-matching entries it passes.
FILTER_COLUMNS = ("deleted", "archived", "owner_id", "segment", "lifecycle_stage")
ORDER_COLUMNS = (
    ("name", "name_key"),
    ("arr", "arr_minor"),
    ("health_asc", "health_order_asc"),
    ("health_desc", "health_order_desc"),
    ("renewal_asc", "renewal_order_asc"),
    ("renewal_desc", "renewal_order_desc"),
    ("updated", "updated_at"),
)


class AccountSummary(Base):
    """One account's list figures as of ``as_of`` (what is in force depends on the day), in ``currency``."""

    __tablename__ = "account_summaries"
    __table_args__ = (
        *(
            Index(f"ix_account_summaries_{name}", column, "account_id", *FILTER_COLUMNS)
            for name, column in ORDER_COLUMNS
        ),
        # Only the rows missing a rate (usually none): "is any rate missing?" reads an empty index, where a
        # full index of one repeated value looked useless to SQLite's planner (a scan of the whole table).
        # Each predicate is written as each database's query says it (``exists().where(rates_missing)``).
        Index(
            "ix_account_summaries_rates_missing",
            "account_id",
            sqlite_where=text("rates_missing = 1"),
            postgresql_where=text("rates_missing"),
        ),
        Index("ix_account_summaries_as_of", "as_of"),
    )

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    as_of: Mapped[date] = mapped_column(comment="The day the in-force figures were computed for")
    currency: Mapped[str] = mapped_column(String(3), comment="The reporting currency of the amounts")

    name_key: Mapped[str] = mapped_column(String(300), comment="The name, lower case: the NAME ordering")
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), comment="Copied from the account, to filter in the index"
    )
    segment: Mapped[Segment] = mapped_column(enum_type(Segment))
    lifecycle_stage: Mapped[LifecycleStage] = mapped_column(enum_type(LifecycleStage))
    archived: Mapped[bool]
    deleted: Mapped[bool] = mapped_column(comment="Deleted upstream: never listed")
    updated_at: Mapped[datetime] = mapped_column(comment="The account's updated_at: the UPDATED_AT ordering")

    mrr_minor: Mapped[int | None] = mapped_column(
        BigInteger, comment="MRR in force on as_of, minor units of currency; null when a rate is missing"
    )
    arr_minor: Mapped[int | None] = mapped_column(BigInteger, comment="12 x mrr_minor")
    rates_missing: Mapped[bool] = mapped_column(comment="A line in force is in a currency without a rate that day")
    missing_currencies: Mapped[str | None] = mapped_column(
        String(200), comment="Those currencies, comma-separated, to say which rates to add"
    )

    health_score: Mapped[int | None] = mapped_column(comment="Of the latest health snapshot")
    health_band: Mapped[HealthBand | None] = mapped_column(enum_type(HealthBand))
    health_day: Mapped[date | None]
    health_order_asc: Mapped[int] = mapped_column(comment="health_score, or 101 without health")
    health_order_desc: Mapped[int] = mapped_column(comment="health_score, or -1 without health")

    next_renewal_on: Mapped[date | None] = mapped_column(comment="End date of the next renewal (Account.nextRenewal)")
    next_renewal_contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id", ondelete="SET NULL"))
    renewal_order_asc: Mapped[date] = mapped_column(comment="next_renewal_on, or 9999-12-31 without one")
    renewal_order_desc: Mapped[date] = mapped_column(comment="next_renewal_on, or 0001-01-01 without one")

    open_alert_count: Mapped[int] = mapped_column(comment="Alerts with status OPEN")


TOUCHED = "account_summaries.touched"
"""Where a session keeps what it changed that summaries depend on (``Session.info``)."""


@dataclass
class Touched:
    """What a transaction changed so far that summaries depend on: accounts, and rows that name one."""

    accounts: set[int] = field(default_factory=set)
    contracts: set[int] = field(default_factory=set)
    lines: set[int] = field(default_factory=set)
    currencies: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.accounts or self.contracts or self.lines or self.currencies)


def note_touched(
    session: Session,
    accounts: Iterable[int] = (),
    contracts: Iterable[int] = (),
    lines: Iterable[int] = (),
    currencies: Iterable[str] = (),
) -> None:
    """Have the summaries of these accounts (of the accounts of these contracts and contract lines, of the
    accounts with contracts in these currencies) recomputed before the transaction commits.

    ORM writes are noted by themselves (``acctgraph.domain.read_model.maintenance``); writes that bypass
    the ORM (bulk INSERT/UPDATE through ``session.execute``) call this. Only bookkeeping lives here, so the
    sync engine can call it without depending on the domain."""
    touched = session.info.setdefault(TOUCHED, Touched())
    touched.accounts.update(accounts)
    touched.contracts.update(contracts)
    touched.lines.update(lines)
    touched.currencies.update(currencies)
