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
            " + CASE WHEN scope_centre_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN scope_station_id IS NULL THEN 0 ELSE 1 END) <= 1",
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
    scope_region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))
    scope_district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"))
    scope_centre_id: Mapped[int | None] = mapped_column(ForeignKey("polling_centre.id"))
    # Polling staff (a presiding officer) act at one station only.
    scope_station_id: Mapped[int | None] = mapped_column(ForeignKey("polling_station.id"))

    role_links: Mapped[list["UserRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    scope_region: Mapped[Region | None] = relationship()
    scope_district: Mapped[District | None] = relationship()
    scope_centre: Mapped[PollingCentre | None] = relationship()
    scope_station: Mapped[PollingStation | None] = relationship()

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

    # The random token of the signed-in session this object was loaded for (not a column: the
    # database keeps only its digest, in UserSession); set by services.open_session and load_session_user.
    session_token = ""

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}:{self.session_token}"

    @property
    def roles(self) -> set[Role]:
        return {Role(link.role) for link in self.role_links}

    def has_any_role(self, roles) -> bool:
        return bool(self.roles & set(roles))

    @property
    def scope(self) -> Region | District | PollingCentre | PollingStation | None:
        return self.scope_station or self.scope_centre or self.scope_district or self.scope_region

    def can_act_in(self, area: Region | District | PollingCentre | PollingStation | None) -> bool:
        """True when the user's scope is national or contains ``area``."""
        scope = self.scope
        if scope is None:
            return True
        if area is None:
            return False
        from electoral.geography.services import contains

        return contains(scope, area)

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


class UserSession(db.Model):
    """A signed-in browser session. The cookie carries its token; signing out deletes the row,
    so a copy of the cookie taken before opens nothing afterwards."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    # SHA-256 of the cookie's token: a copy of the database does not give anyone a session.
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class SignInThrottle(db.Model):
    """Failed sign-ins counted under one key: an account, a client address, or the two together.

    Not audited: these are counters, not records anyone changes, and an attacker could
    otherwise fill the audit trail by guessing. The key is a digest, so a username typed
    by mistake in place of a password is not kept readable.
    """

    __tablename__ = "sign_in_throttle"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
