"""Observer organisations, observers, checklist templates as data, submissions, alerts, API tokens."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from electoral.accounts.models import User
from electoral.core.models import Audited, sql_in, utcnow
from electoral.extensions import db
from electoral.geography.models import PollingCentre, PollingStation

PHASES = ("opening", "voting", "closing", "counting", "incident")
# "note": text shown to the observer, never answered (XLSForm's note); "date": YYYY-MM-DD;
# "calculate": computed by the server from the other answers (its calculation), never answered;
# "datetime": ISO date and time (XLSForm dateTime); "geopoint": "latitude longitude altitude accuracy";
# "image": a photo, the answer its file name, the file a FilingImage (observation/attachments).
QUESTION_TYPES = ("yes_no", "integer", "decimal", "single_choice", "multiple_choice", "text", "time", "note", "date",
                  "calculate", "datetime", "geopoint", "image")
ACCREDITATION_STATES = ("none", "requested", "approved", "refused")
ALERT_STATES = ("open", "acknowledged", "resolved")
# What a counting question carries for the quick count.
TALLY_ROLES = ("registered", "cast", "invalid", "votes")



class Organisation(Audited, db.Model):
    __tablename__ = "observer_organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    international: Mapped[bool] = mapped_column(Boolean, default=False)

    observers: Mapped[list["Observer"]] = relationship(back_populates="organisation")


def is_accredited(accreditation: str, valid_until: date | None) -> bool:
    """Approved, and not past the accreditation's validity."""
    return accreditation == "approved" and (valid_until is None or valid_until >= date.today())


class Observer(Audited, db.Model):
    __tablename__ = "observer"
    __table_args__ = (
        CheckConstraint("sex IN ('F', 'M', 'X')", name="known_sex"),
        CheckConstraint(sql_in("accreditation", ACCREDITATION_STATES), name="known_accreditation"),
        CheckConstraint("accreditation <> 'approved' OR accreditation_number IS NOT NULL", name="approved_numbered"),
        CheckConstraint("accreditation <> 'refused' OR refusal_reason IS NOT NULL", name="refused_with_reason"),
        UniqueConstraint("organisation_id", "phone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("observer_organisation.id"), index=True)
    family_name: Mapped[str] = mapped_column(String(120))
    given_names: Mapped[str] = mapped_column(String(200), default="")
    sex: Mapped[str] = mapped_column(String(1))
    phone: Mapped[str] = mapped_column(String(40))
    # ISO 639-1 codes separated by spaces ("fr ar").
    languages: Mapped[str] = mapped_column(String(100), default="")
    photo_path: Mapped[str | None] = mapped_column(String(300))
    accreditation: Mapped[str] = mapped_column(String(12), default="none")
    accreditation_number: Mapped[str | None] = mapped_column(String(32), unique=True)
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    requested_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Who asked and who decided: never the same person (electoral/core/duties.py).
    requested_by: Mapped[str | None] = mapped_column(String(80))
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    valid_until: Mapped[date | None] = mapped_column(Date)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), unique=True)
    # A stationary observer has a station; a mobile one has centres (ObserverCentre).
    station_id: Mapped[int | None] = mapped_column(ForeignKey("polling_station.id"), index=True)

    organisation: Mapped[Organisation] = relationship(back_populates="observers")
    user: Mapped[User | None] = relationship()
    station: Mapped[PollingStation | None] = relationship()
    centre_links: Mapped[list["ObserverCentre"]] = relationship(
        back_populates="observer", cascade="all, delete-orphan")

    @property
    def name(self) -> str:
        return f"{self.given_names} {self.family_name}".strip()

    @property
    def accredited(self) -> bool:
        return is_accredited(self.accreditation, self.valid_until)

    @property
    def centres(self) -> list[PollingCentre]:
        return [link.centre for link in self.centre_links]


class ObserverCentre(Audited, db.Model):
    """A polling centre on a mobile observer's round."""

    __tablename__ = "observer_centre"
    __table_args__ = (UniqueConstraint("observer_id", "centre_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    observer_id: Mapped[int] = mapped_column(ForeignKey("observer.id", ondelete="CASCADE"), index=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("polling_centre.id"))

    observer: Mapped[Observer] = relationship(back_populates="centre_links")
    centre: Mapped[PollingCentre] = relationship()


class ChecklistTemplate(Audited, db.Model):
    __tablename__ = "checklist_template"
    __table_args__ = (
        UniqueConstraint("code", "version"),
        CheckConstraint(sql_in("phase", PHASES), name="known_phase"),
        CheckConstraint("version > 0", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    name: Mapped[str] = mapped_column(String(200))
    phase: Mapped[str] = mapped_column(String(12))
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    # The XLSForm's own `version` setting ("2026120701"), which ODK Collect and the re-import compare.
    form_version: Mapped[str] = mapped_column(String(40), default="", server_default="")
    # Superseded by a later published version: kept for the submissions made with it.
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    # Set here to the microsecond (SQLite's now() keeps whole seconds): with the id it keys the
    # in-process cache of published versions, which must tell a re-created row from the old one.
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(),
                                                 default=utcnow)

    sections: Mapped[list["Section"]] = relationship(
        back_populates="template", order_by="Section.position", cascade="all, delete-orphan")
    questions: Mapped[list["Question"]] = relationship(
        back_populates="template", order_by="Question.position", cascade="all, delete-orphan")

    def question(self, code: str) -> "Question | None":
        return next((q for q in self.questions if q.code == code), None)

    @property
    def repeats(self) -> list["Section"]:
        return [s for s in self.sections if s.repeat]


class Section(Audited, db.Model):
    __tablename__ = "checklist_section"
    __table_args__ = (UniqueConstraint("template_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("checklist_template.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer)
    texts: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # XLSForm's begin repeat: the section's questions are answered once per entry (one per incident,
    # per party agent), stored as a list under the section's code; repeat_count (jr:count) fixes how many.
    repeat: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    repeat_count: Mapped[str] = mapped_column(String(500), default="", server_default="")

    template: Mapped[ChecklistTemplate] = relationship(back_populates="sections")
    questions: Mapped[list["Question"]] = relationship(back_populates="section", order_by="Question.position")


class Question(Audited, db.Model):
    __tablename__ = "checklist_question"
    __table_args__ = (
        UniqueConstraint("template_id", "code"),
        CheckConstraint(sql_in("type", QUESTION_TYPES), name="known_type"),
        CheckConstraint("tally IS NULL OR " + sql_in("tally", TALLY_ROLES), name="known_tally"),
        CheckConstraint("minimum IS NULL OR maximum IS NULL OR minimum <= maximum", name="bounds_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("checklist_template.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int | None] = mapped_column(ForeignKey("checklist_section.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(16))
    # {lang: text}; the text in the reader's language, else English, else any.
    texts: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # [{"value": "a", "texts": {lang: text}}] for the choice types.
    choices: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    minimum: Mapped[float | None] = mapped_column(Float)
    maximum: Mapped[float | None] = mapped_column(Float)
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    relevance: Mapped[str] = mapped_column(String(500), default="")
    critical: Mapped[str] = mapped_column(String(500), default="")
    tally: Mapped[str | None] = mapped_column(String(12))
    # XLSForm's hint, constraint_message ({lang: text}) and default (the answer filled in beforehand).
    hints: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default="{}")
    constraint_message: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default="{}")
    default_value: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # An XLSForm constraint beyond number bounds, in the condition language ("." is the answer).
    constraint: Mapped[str] = mapped_column(String(500), default="", server_default="")
    # XLSForm's choice_filter ("district = ${district}"): a choice's own columns on the left (its "data").
    choice_filter: Mapped[str] = mapped_column(String(500), default="", server_default="")
    # XLSForm's calculation ("${cast} - ${valid}", conditions.parse_calculation) of a "calculate" question.
    calculation: Mapped[str] = mapped_column(String(500), default="", server_default="")
    # XLSForm's media::image ({"image": "logo.png"}): a picture shown with the label (attachments.ChecklistMedia).
    media: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default="{}")

    template: Mapped[ChecklistTemplate] = relationship(back_populates="questions")
    section: Mapped[Section | None] = relationship(back_populates="questions")

    @property
    def repeat_code(self) -> str:
        """The repeat this question is answered in, once per entry ("" at the top level)."""
        return self.section.code if self.section is not None and self.section.repeat else ""


class Submission(Audited, db.Model):
    """One filing of one checklist; a correction is a new revision, the old one kept."""

    __tablename__ = "observation_submission"
    __table_args__ = (
        CheckConstraint("revision > 0", name="revision_positive"),
        Index("ix_observation_submission_current_template", "current", "template_id", "station_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Made by the phone, so that a retry after a lost answer never files twice.
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("checklist_template.id"), index=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("polling_station.id"), index=True)
    observer_id: Mapped[int | None] = mapped_column(ForeignKey("observer.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    revision: Mapped[int] = mapped_column(Integer, default=1)
    # The first revision of the thread (itself for the first).
    original_id: Mapped[int | None] = mapped_column(ForeignKey("observation_submission.id"), index=True)
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    critical: Mapped[bool] = mapped_column(Boolean, default=False)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # How it came: "web" (the phone pages and the API) or "sms".
    channel: Mapped[str] = mapped_column(String(8), default="web", server_default="web")

    template: Mapped[ChecklistTemplate] = relationship()
    station: Mapped[PollingStation] = relationship()
    observer: Mapped[Observer | None] = relationship()


# One current filing of a checklist version per observer and station: a correction retires the one before.
Index("uq_observation_submission_one_current", Submission.template_id, Submission.station_id,
      Submission.observer_id, unique=True, postgresql_where=Submission.current.is_(True),
      sqlite_where=Submission.current.is_(True))


class Answer(db.Model):
    """One answer (one chosen option for multiple choice) in typed columns, for SQL aggregates.

    Derived from Submission.answers, which the audit trail covers; hence not audited itself.
    """

    __tablename__ = "observation_answer"
    __table_args__ = (Index("ix_observation_answer_question_current", "question_id", "current"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("observation_submission.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("checklist_question.id"))
    # Copied from the submission so the aggregates read one table.
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    value_num: Mapped[float | None] = mapped_column(Float)
    value_text: Mapped[str | None] = mapped_column(String(500))


class Incident(Audited, db.Model):
    __tablename__ = "observation_incident"
    __table_args__ = (CheckConstraint("severity IN ('low', 'medium', 'high')", name="known_severity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    observer_id: Mapped[int | None] = mapped_column(ForeignKey("observer.id"), index=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("polling_station.id"), index=True)
    category: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text)
    # The phone's time of the incident; received_at is the server's (observation/services/timing.py).
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    severity: Mapped[str] = mapped_column(String(8))
    photo_path: Mapped[str | None] = mapped_column(String(300))

    station: Mapped[PollingStation] = relationship()
    observer: Mapped[Observer | None] = relationship()


class Alert(Audited, db.Model):
    """A critical answer or an incident, to be acknowledged and resolved by a coordinator."""

    __tablename__ = "observation_alert"
    __table_args__ = (
        CheckConstraint(sql_in("status", ALERT_STATES), name="known_status"),
        CheckConstraint("(submission_id IS NULL) <> (incident_id IS NULL)", name="one_source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), index=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("polling_station.id"), index=True)
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("observation_submission.id"), index=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("observation_incident.id"))
    question_code: Mapped[str | None] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(14), default="open")
    note: Mapped[str] = mapped_column(Text, default="")
    handled_by: Mapped[str | None] = mapped_column(String(80))

    station: Mapped[PollingStation] = relationship()
    submission: Mapped[Submission | None] = relationship()
    incident: Mapped[Incident | None] = relationship()


class QuickCountSample(Audited, db.Model):
    """A station drawn into the quick-count random sample."""

    __tablename__ = "quick_count_sample"

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("polling_station.id"), unique=True)

    station: Mapped[PollingStation] = relationship()


class ApiToken(Audited, db.Model):
    __tablename__ = "api_token"
    __audit_secret__ = frozenset({"token_hash"})

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    # SHA-256 of the token: the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship()

from electoral.observation.attachments.models import ChecklistMedia, FilingImage  # noqa: E402,F401  (tables with the domain's)
from electoral.observation.openrosa.models import DeviceCredential  # noqa: E402,F401  (likewise)
