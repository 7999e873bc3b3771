"""Courses, sessions, their trainers (the cascade) and enrolment (capacity, double booking, retake)."""

import datetime as dt
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from electoral.core.errors import ValidationFailed
from electoral.geography.models import District
from electoral.training.models import (
    Certificate,
    Course,
    Enrolment,
    Official,
    Position,
    SessionTrainer,
    TrainingSession,
)
from electoral.training.services.common import STATUS_LABELS, within_scope

# Enrolment is refused once an official has had this many attempts at one course.
MAX_ATTEMPTS = 2


def save_course(session: Session, *, code: str, name: str, position: Position | None, level: int,
                modules: str = "", pre_test_max: Decimal = Decimal(100), post_test_max: Decimal = Decimal(100),
                pass_mark: Decimal = Decimal(70), retake_allowed: bool = True, min_days: int | None = None,
                course: Course | None = None) -> Course:
    """Create a course, or update ``course``."""
    code = (code or "").strip().upper()
    errors: dict[str, list[str]] = {}
    if not code:
        errors["code"] = [_("A code is required.")]
    other = session.scalar(select(Course.id).where(Course.code == code))
    if code and other is not None and (course is None or other != course.id):
        errors["code"] = [_("The code %(code)s is already used.", code=code)]
    if not (name or "").strip():
        errors["name"] = [_("A name is required.")]
    if position is None:
        errors["position"] = [_("Choose the position this course trains for.")]
    if level is None or level < 1:
        errors["level"] = [_("The cascade level is 1 or more.")]
    for field_name, maximum in (("pre_test_max", pre_test_max), ("post_test_max", post_test_max)):
        if maximum is None or maximum <= 0:
            errors[field_name] = [_("The maximum score must be above zero.")]
    if pass_mark is None or not 0 < pass_mark <= 100:
        errors["pass_mark"] = [_("The pass mark is a percentage above 0 and at most 100.")]
    if min_days is not None and min_days < 1:
        errors["min_days"] = [_("Give at least one day, or leave empty for every day.")]
    if errors:
        raise ValidationFailed(errors)
    course = course or Course()
    course.code, course.name, course.position, course.level = code, name.strip(), position, level
    course.modules, course.pre_test_max, course.post_test_max = modules.strip(), pre_test_max, post_test_max
    course.pass_mark, course.retake_allowed, course.min_days = pass_mark, retake_allowed, min_days
    session.add(course)
    session.flush()
    return course


def list_courses(session: Session) -> list[Course]:
    """Every course, highest in the cascade first."""
    return list(session.scalars(select(Course).order_by(Course.level, Course.code)))


def sessions_query(scope=None, course_id: int | None = None) -> Select:
    """The select for a paginated list of sessions, latest first, limited to ``scope``."""
    query = (select(TrainingSession).order_by(TrainingSession.start_date.desc(), TrainingSession.id.desc())
             .options(selectinload(TrainingSession.enrolments), joinedload(TrainingSession.course),
                      joinedload(TrainingSession.district)))
    if course_id:
        query = query.where(TrainingSession.course_id == course_id)
    return within_scope(query, TrainingSession.district_id, scope)


def save_session(session: Session, *, course: Course | None, district: District | None, venue: str,
                 start_date: dt.date | None, end_date: dt.date | None, capacity: int | None,
                 training_session: TrainingSession | None = None) -> TrainingSession:
    """Schedule a session of a course, or update ``training_session``."""
    errors: dict[str, list[str]] = {}
    if course is None:
        errors["course"] = [_("Choose a course.")]
    if district is None:
        errors["district"] = [_("Choose a district.")]
    if not (venue or "").strip():
        errors["venue"] = [_("A venue is required.")]
    if start_date is None:
        errors["start_date"] = [_("A first day is required.")]
    if end_date is None or (start_date and end_date < start_date):
        errors["end_date"] = [_("The last day cannot be before the first.")]
    if capacity is None or capacity < 1:
        errors["capacity"] = [_("The capacity must be a positive number.")]
    elif training_session is not None and capacity < len(training_session.enrolments):
        errors["capacity"] = [ngettext("%(num)d participant is already enrolled.", "%(num)d participants are already enrolled.",
                                         len(training_session.enrolments))]
    if errors:
        raise ValidationFailed(errors)
    training_session = training_session or TrainingSession()
    training_session.course, training_session.district, training_session.venue = course, district, venue.strip()
    training_session.start_date, training_session.end_date = start_date, end_date
    training_session.capacity = capacity
    session.add(training_session)
    session.flush()
    return training_session


def certified_at_level(session: Session, official: Official, level: int) -> bool:
    """True when ``official`` holds a valid certificate from a course of cascade ``level``."""
    return bool(session.scalar(select(exists().where(
        Certificate.official_id == official.id, Certificate.valid,
        Certificate.course_id == Course.id, Course.level == level))))


def may_lead(session: Session, official: Official, course: Course) -> bool:
    """The cascade: level 1 is led by designated master trainers, level N by level N-1 graduates."""
    if course.level == 1:
        return official.master_trainer
    return certified_at_level(session, official, course.level - 1)


def _overlapping_session(session: Session, official: Official, ts: TrainingSession) -> TrainingSession | None:
    overlaps = (TrainingSession.id != ts.id, TrainingSession.start_date <= ts.end_date,
                TrainingSession.end_date >= ts.start_date)
    as_participant = select(TrainingSession).join(Enrolment, Enrolment.session_id == TrainingSession.id).where(
        Enrolment.official_id == official.id, *overlaps)
    as_trainer = select(TrainingSession).join(SessionTrainer, SessionTrainer.session_id == TrainingSession.id).where(
        SessionTrainer.official_id == official.id, *overlaps)
    return session.scalars(as_participant.limit(1)).first() or session.scalars(as_trainer.limit(1)).first()


def _busy_message(other: TrainingSession) -> str:
    return _("Already booked in session %(id)d (%(course)s, %(start)s to %(end)s) on overlapping dates.",
             id=other.id, course=other.course.code, start=other.start_date.isoformat(),
             end=other.end_date.isoformat())


def add_trainer(session: Session, ts: TrainingSession, official: Official) -> SessionTrainer:
    """Let ``official`` lead ``ts``; refused unless the cascade allows it and they are free."""
    if any(link.official_id == official.id for link in ts.trainer_links):
        raise ValidationFailed({"reference": [_("%(name)s already leads this session.", name=official.full_name)]})
    if not may_lead(session, official, ts.course):
        if ts.course.level == 1:
            message = _("%(name)s is not designated a national master trainer.", name=official.full_name)
        else:
            message = _("%(name)s is not certified by a level %(level)d course, so cannot lead a level "
                        "%(this)d session.", name=official.full_name, level=ts.course.level - 1, this=ts.course.level)
        raise ValidationFailed({"reference": [message]})
    if session.scalar(select(Enrolment.id).where(Enrolment.session_id == ts.id, Enrolment.official_id == official.id)):
        raise ValidationFailed({"reference": [_("%(name)s is a participant of this session.", name=official.full_name)]})
    if other := _overlapping_session(session, official, ts):
        raise ValidationFailed({"reference": [_busy_message(other)]})
    link = SessionTrainer(session_id=ts.id, official=official)
    ts.trainer_links.append(link)
    session.flush()
    # Participants who already met the rules were waiting for a trainer to be certified.
    from electoral.training.services.results import certify_session

    certify_session(session, ts)
    return link


def remove_trainer(session: Session, ts: TrainingSession, official_id: int) -> None:
    """Take a trainer off a session."""
    for link in list(ts.trainer_links):
        if link.official_id == official_id:
            ts.trainer_links.remove(link)
    session.flush()


def enrol(session: Session, ts: TrainingSession, official: Official) -> Enrolment:
    """Enrol ``official`` in ``ts`` after checking capacity, double booking and the retake rule."""
    def refuse(message: str):
        raise ValidationFailed({"reference": [message]})

    # Two coordinators enrolling at once must not overfill a session or double-book a person:
    # lock both rows (PostgreSQL; SQLite serialises writers anyway) and count in the database.
    session.execute(select(TrainingSession.id).where(TrainingSession.id == ts.id).with_for_update())
    session.execute(select(Official.id).where(Official.id == official.id).with_for_update())
    enrolled = session.scalar(select(func.count(Enrolment.id)).where(Enrolment.session_id == ts.id))
    if official.status in ("rejected", "withdrawn"):
        refuse(_("%(name)s is %(status)s and cannot be trained.", name=official.full_name, status=STATUS_LABELS[official.status]))
    if official.position_id != ts.course.position_id:
        refuse(_("%(name)s is recruited as %(position)s; this course trains %(course)s.", name=official.full_name,
                 position=official.position.name, course=ts.course.position.name))
    if any(e.official_id == official.id for e in ts.enrolments):
        refuse(_("%(name)s is already enrolled.", name=official.full_name))
    if any(link.official_id == official.id for link in ts.trainer_links):
        refuse(_("%(name)s leads this session.", name=official.full_name))
    if enrolled >= ts.capacity:
        refuse(_("The session is full (%(capacity)d places).", capacity=ts.capacity))
    certified = session.scalar(select(Certificate.id).where(
        Certificate.official_id == official.id, Certificate.course_id == ts.course_id,
        Certificate.valid))
    if certified:
        refuse(_("%(name)s is already certified by this course.", name=official.full_name))
    attempts = session.scalar(select(func.count(Enrolment.id)).join(TrainingSession).where(
        Enrolment.official_id == official.id, TrainingSession.course_id == ts.course_id))
    if attempts and not ts.course.retake_allowed:
        refuse(_("This course allows no retake and %(name)s has already taken it.", name=official.full_name))
    if attempts >= MAX_ATTEMPTS:
        refuse(_("%(name)s has already used the one retake of this course.", name=official.full_name))
    if other := _overlapping_session(session, official, ts):
        refuse(_busy_message(other))
    enrolment = Enrolment(session=ts, official=official)
    session.add(enrolment)
    session.flush()
    return enrolment


def withdraw(session: Session, enrolment: Enrolment) -> None:
    """Take a participant off a session, unless a certificate was issued from it."""
    if session.scalar(select(Certificate.id).where(Certificate.enrolment_id == enrolment.id)):
        raise ValidationFailed(_("A certificate was issued from this enrolment; revoke it instead."))
    ts = enrolment.session
    session.delete(enrolment)
    session.flush()
    session.expire(ts, ["enrolments"])
