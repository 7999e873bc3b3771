"""Users, their roles and the area they may act in."""

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from electoral.core.auth import Role
from electoral.core.models import Audited
from electoral.extensions import db
from electoral.geography.models import District, PollingCentre, PollingStation, Region


class User(Audited, db.Model):
    __tablename__ = "user_account"
    __audit_secret__ = frozenset({"password_hash"})
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN scope_region_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN scope_district_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN scope_centre_id IS NULL THEN 0 ELSE 1 END) <= 1",
            name="one_scope",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # Bumped on password change or deactivation: every existing session stops working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    # Failed sign-ins in a row; at the configured limit the account is locked until an administrator unlocks it.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    scope_region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))
    scope_district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"))
    scope_centre_id: Mapped[int | None] = mapped_column(ForeignKey("polling_centre.id"))

    role_links: Mapped[list["UserRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    scope_region: Mapped[Region | None] = relationship()
    scope_district: Mapped[District | None] = relationship()
    scope_centre: Mapped[PollingCentre | None] = relationship()

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def roles(self) -> set[Role]:
        return {Role(link.role) for link in self.role_links}

    def has_any_role(self, roles) -> bool:
        return bool(self.roles & set(roles))

    @property
    def scope(self) -> Region | District | PollingCentre | None:
        return self.scope_centre or self.scope_district or self.scope_region

    def can_act_in(self, area: Region | District | PollingCentre | PollingStation | None) -> bool:
        """True when the user's scope is national or contains ``area``."""
        scope = self.scope
        if scope is None:
            return True
        if area is None:
            return False
        from electoral.geography.services import contains

        return contains(scope, area)

    @property
    def locked(self) -> bool:
        return self.locked_at is not None

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class UserRole(Audited, db.Model):
    __tablename__ = "user_role"
    __table_args__ = (
        UniqueConstraint("user_id", "role"),
        CheckConstraint("role IN (" + ", ".join(f"'{r.value}'" for r in Role) + ")", name="known_role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(40))

    user: Mapped[User] = relationship(back_populates="role_links")
