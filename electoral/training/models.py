"""Officials, positions, courses, sessions, enrolments, attendance and certificates."""

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ColumnElement,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from electoral.core.models import Audited, sql_in, utcnow
from electoral.extensions import db
from electoral.geography.models import District

SEXES = ("F", "M")
STATUSES = ("applicant", "selected", "rejected", "withdrawn")
EDUCATION_LEVELS = ("none", "primary", "secondary", "tertiary")



class Position(Audited, db.Model):
    """A post officials are recruited for; ``per_station`` is the staffing template."""

    __tablename__ = "training_position"
    __table_args__ = (CheckConstraint("per_station >= 0", name="per_station_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # How many of this position each polling station needs (0: not staffed per station, e.g. trainers).
    per_station: Mapped[int] = mapped_column(Integer, default=0)
    sort_order: Mapped[int] = mapped_column(Integer, default=100)

    def __repr__(self) -> str:
        return f"<Position {self.code}>"


class Official(Audited, db.Model):
    __tablename__ = "training_official"
    __table_args__ = (
        CheckConstraint(sql_in("sex", SEXES), name="known_sex"),
        CheckConstraint(sql_in("status", STATUSES), name="known_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The recruitment number printed on forms and rosters; how imports name a person.
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), index=True)
    sex: Mapped[str] = mapped_column(String(1))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    # Only the year of birth is known: birth_date is 1 July of that year (as for voters).
    birth_year_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    phone: Mapped[str] = mapped_column(String(40), default="")
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    languages: Mapped[str] = mapped_column(String(200), default="")
    education: Mapped[str] = mapped_column(String(20), default="")
    position_id: Mapped[int] = mapped_column(ForeignKey("training_position.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="applicant")
    # The language the certificate is printed in.
    locale: Mapped[str] = mapped_column(String(5), default="en")
    # Set by the administrator only: may lead level-1 sessions.
    master_trainer: Mapped[bool] = mapped_column(Boolean, default=False)

    district: Mapped[District] = relationship()
    position: Mapped[Position] = relationship()

    def __repr__(self) -> str:
        return f"<Official {self.reference}>"


class Course(Audited, db.Model):
    __tablename__ = "training_course"
    __table_args__ = (
        CheckConstraint("level >= 1", name="level_positive"),
        CheckConstraint("pre_test_max > 0 AND post_test_max > 0", name="max_positive"),
        CheckConstraint("pass_mark > 0 AND pass_mark <= 100", name="pass_mark_percent"),
        CheckConstraint("min_days IS NULL OR min_days >= 1", name="min_days_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    position_id: Mapped[int] = mapped_column(ForeignKey("training_position.id"), index=True)
    # Cascade level: 1 trains master trainers; a level-N session is led by level N-1 graduates.
    level: Mapped[int] = mapped_column(Integer)
    modules: Mapped[str] = mapped_column(Text, default="")
    pre_test_max: Mapped[Decimal] = mapped_column(Numeric(7, 2), default=Decimal(100))
    post_test_max: Mapped[Decimal] = mapped_column(Numeric(7, 2), default=Decimal(100))
    pass_mark: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal(70))
    retake_allowed: Mapped[bool] = mapped_column(Boolean, default=True)
    # Days a participant must attend; None means every day of the session.
    min_days: Mapped[int | None] = mapped_column(Integer)

    position: Mapped[Position] = relationship()

    @property
    def module_list(self) -> list[str]:
        return [m.strip() for m in self.modules.splitlines() if m.strip()]

    def __repr__(self) -> str:
        return f"<Course {self.code}>"


class SessionTrainer(Audited, db.Model):
    __tablename__ = "training_session_trainer"
    __table_args__ = (UniqueConstraint("session_id", "official_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_session.id", ondelete="CASCADE"), index=True)
    official_id: Mapped[int] = mapped_column(ForeignKey("training_official.id"), index=True)

    official: Mapped[Official] = relationship()


class TrainingSession(Audited, db.Model):
    """One delivery of a course at a venue, on consecutive dates."""

    __tablename__ = "training_session"
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="dates_in_order"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("training_course.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    venue: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    capacity: Mapped[int] = mapped_column(Integer)
    # Who recorded attendance or scores since the results were last confirmed (usernames, by spaces), and who
    # confirmed them: never one of those (core/duties.py). New certificates wait for the confirmation.
    results_entered_by: Mapped[str] = mapped_column(Text, default="", server_default="")
    results_confirmed_by: Mapped[str | None] = mapped_column(String(80))
    results_confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    course: Mapped[Course] = relationship()
    district: Mapped[District] = relationship()
    trainer_links: Mapped[list[SessionTrainer]] = relationship(cascade="all, delete-orphan")
    enrolments: Mapped[list["Enrolment"]] = relationship(back_populates="session", cascade="all, delete-orphan")

    @property
    def days(self) -> list[dt.date]:
        count = (self.end_date - self.start_date).days + 1
        return [self.start_date + dt.timedelta(days=n) for n in range(count)]

    @property
    def trainers(self) -> list[Official]:
        return [link.official for link in self.trainer_links]

    def __repr__(self) -> str:
        return f"<TrainingSession {self.id}>"


class Enrolment(Audited, db.Model):
    __tablename__ = "training_enrolment"
    __table_args__ = (
        UniqueConstraint("session_id", "official_id"),
        CheckConstraint("pre_score IS NULL OR pre_score >= 0", name="pre_score_not_negative"),
        CheckConstraint("post_score IS NULL OR post_score >= 0", name="post_score_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_session.id", ondelete="CASCADE"), index=True)
    official_id: Mapped[int] = mapped_column(ForeignKey("training_official.id"), index=True)
    pre_score: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))
    post_score: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))

    session: Mapped[TrainingSession] = relationship(back_populates="enrolments")
    official: Mapped[Official] = relationship()
    attendance: Mapped[list["Attendance"]] = relationship(cascade="all, delete-orphan")


class Attendance(Audited, db.Model):
    """One participant on one day; a day not yet marked has no row."""

    __tablename__ = "training_attendance"
    __table_args__ = (UniqueConstraint("enrolment_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("training_enrolment.id", ondelete="CASCADE"), index=True)
    day: Mapped[dt.date] = mapped_column(Date)
    present: Mapped[bool] = mapped_column(Boolean)


class Certificate(Audited, db.Model):
    """Issued by ``certify_session`` only; revoked, never deleted."""

    __tablename__ = "training_certificate"
    __table_args__ = (
        CheckConstraint("(revoked_at IS NULL) = (revoked_reason IS NULL)", name="revoked_with_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Random (secrets.token_urlsafe): printed on the certificate, opens the public page.
    code: Mapped[str] = mapped_column(String(43), unique=True)
    official_id: Mapped[int] = mapped_column(ForeignKey("training_official.id"), index=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("training_position.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("training_course.id"), index=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("training_enrolment.id"), unique=True)
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_reason: Mapped[str | None] = mapped_column(String(500))

    official: Mapped[Official] = relationship()
    position: Mapped[Position] = relationship()
    course: Mapped[Course] = relationship()
    enrolment: Mapped[Enrolment] = relationship()

    @hybrid_property
    def valid(self) -> bool:
        """The one definition of a valid certificate: issued and not revoked."""
        return self.revoked_at is None

    @valid.inplace.expression
    @classmethod
    def _valid_expression(cls) -> ColumnElement[bool]:
        return cls.revoked_at.is_(None)
