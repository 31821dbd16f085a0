"""Accounts (the customer companies of the book), their hierarchy and their domains."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from acctgraph.models.base import Base, SyncedMixin, TimestampMixin, enum_type


class Segment(enum.StrEnum):
    SMB = "smb"
    MID_MARKET = "mid_market"
    ENTERPRISE = "enterprise"
    STRATEGIC = "strategic"
    PARTNER = "partner"


class LifecycleStage(enum.StrEnum):
    ONBOARDING = "onboarding"
    ACTIVE = "active"
    AT_RISK = "at_risk"
    CHURNED = "churned"


class Account(SyncedMixin, TimestampMixin, Base):
    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"), index=True)
    segment: Mapped[Segment] = mapped_column(enum_type(Segment), default=Segment.SMB, index=True)
    industry: Mapped[str | None] = mapped_column(String(120))
    region: Mapped[str | None] = mapped_column(String(120))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    lifecycle_stage: Mapped[LifecycleStage] = mapped_column(
        enum_type(LifecycleStage), default=LifecycleStage.ONBOARDING, index=True
    )
    archived_at: Mapped[datetime | None] = mapped_column(comment="Archived accounts are hidden from lists")
    version: Mapped[int] = mapped_column(default=1, server_default="1", comment="Optimistic concurrency")

    __mapper_args__ = {"version_id_col": version}

    domains: Mapped[list[AccountDomain]] = relationship(
        back_populates="account", cascade="all, delete-orphan", lazy="raise"
    )


class AccountDomain(TimestampMixin, Base):
    """A web domain of an account; one per account is primary. A domain belongs to one account only."""

    __tablename__ = "account_domains"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    domain: Mapped[str] = mapped_column(String(253), unique=True)
    is_primary: Mapped[bool] = mapped_column(default=False)

    account: Mapped[Account] = relationship(back_populates="domains", lazy="raise")
