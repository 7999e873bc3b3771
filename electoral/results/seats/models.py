"""The electoral system of a race as data, the candidates on its party lists, and drawings of lots."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from electoral.core.models import Audited
from electoral.extensions import db
from electoral.geography.models import District
from electoral.results.seats.methods import METHODS

THRESHOLD_SCOPES = ("race", "national", "district")


class RaceSystem(Audited, db.Model):
    """How a race's seats are won; a race without one elects one candidate by plurality."""

    __tablename__ = "race_system"
    __table_args__ = (
        CheckConstraint("method IN (" + ", ".join(f"'{m}'" for m in METHODS) + ")", name="known_method"),
        CheckConstraint("threshold_scope IN (" + ", ".join(f"'{s}'" for s in THRESHOLD_SCOPES) + ")",
                        name="known_threshold_scope"),
        CheckConstraint("seats >= 1", name="seats_positive"),
        CheckConstraint("threshold >= 0 AND threshold < 100", name="threshold_percent"),
        CheckConstraint("advance >= 2", name="advance_at_least_two"),
        CheckConstraint("first_divisor IS NULL OR first_divisor > 0", name="first_divisor_positive"),
        CheckConstraint("women_every IS NULL OR women_every >= 2", name="women_every_at_least_two"),
    )

    race_id: Mapped[int] = mapped_column(ForeignKey("race.id"), primary_key=True)
    method: Mapped[str] = mapped_column(String(24), default="plurality")
    # Seats of the whole race; a race with district seats elects the sum of those instead.
    seats: Mapped[int] = mapped_column(Integer, default=1)
    # Percent of valid votes: the legal threshold of list methods, the majority of two rounds (0 there: 50).
    threshold: Mapped[Decimal] = mapped_column(Numeric(6, 3), default=Decimal(0))
    threshold_scope: Mapped[str] = mapped_column(String(10), default="race")
    first_divisor: Mapped[Decimal | None] = mapped_column(Numeric(6, 3))
    advance: Mapped[int] = mapped_column(Integer, default=2)  # candidates who go to a second round
    open_list: Mapped[bool] = mapped_column(Boolean, default=False)
    women_every: Mapped[int | None] = mapped_column(Integer)  # 2: zipper; n: one woman in each n seats
    # The race this one is the second round of.
    runoff_of_id: Mapped[int | None] = mapped_column(ForeignKey("race.id"), unique=True)


class DistrictSeats(Audited, db.Model):
    """Seats a district elects in a race whose seats are allocated district by district."""

    __tablename__ = "district_seats"
    __table_args__ = (CheckConstraint("seats >= 1", name="seats_positive"),)

    race_id: Mapped[int] = mapped_column(ForeignKey("race.id"), primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), primary_key=True)
    seats: Mapped[int] = mapped_column(Integer)

    district: Mapped[District] = relationship()


class ListMember(Audited, db.Model):
    """A person on a party list (a list is a candidate of a list race); a list without members is an independent."""

    __tablename__ = "list_member"
    __table_args__ = (UniqueConstraint("candidate_id", "district_id", "position"),
                      CheckConstraint("position > 0", name="position_positive"),
                      CheckConstraint("preference_votes IS NULL OR preference_votes >= 0",
                                      name="preference_votes_not_negative"))

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), index=True)
    # The district whose seats this list stands for; None: the race's single list.
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    woman: Mapped[bool] = mapped_column(Boolean, default=False)
    preference_votes: Mapped[int | None] = mapped_column(Integer)


class LotDrawing(Audited, db.Model):
    """A drawing of lots that settled a tie, as witnessed: the computation then follows its order."""

    __tablename__ = "lot_drawing"
    __table_args__ = (UniqueConstraint("race_id", "tie_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    race_id: Mapped[int] = mapped_column(ForeignKey("race.id"), index=True)
    tie_key: Mapped[str] = mapped_column(String(400))
    # The tied codes in the order they were drawn; the first ones take the places at stake.
    drawn_order: Mapped[list[str]] = mapped_column(JSON)
    drawn_by: Mapped[str] = mapped_column(String(200))
    witnesses: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
