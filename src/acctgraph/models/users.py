"""Users of acctgraph: account managers, their managers (the team hierarchy), admins and viewers."""

from __future__ import annotations

import enum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from acctgraph.models.base import Base, TimestampMixin, enum_type


class Role(enum.StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    ACCOUNT_MANAGER = "account_manager"
    VIEWER = "viewer"


class User(TimestampMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), unique=True)
    role: Mapped[Role] = mapped_column(enum_type(Role), default=Role.ACCOUNT_MANAGER)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    active: Mapped[bool] = mapped_column(default=True)

    manager: Mapped[User | None] = relationship(remote_side=[id], lazy="raise")
