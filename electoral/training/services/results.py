"""Attendance, test scores, certification (computed, never typed), revocation and verification."""

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from electoral.accounts.models import User
from electoral.core import duties
from electoral.core.errors import ValidationFailed
from electoral.core.models import utcnow
from electoral.geography.models import District
from electoral.training.models import (
    Attendance,
    Certificate,
    Course,
    Enrolment,
    Official,
    Position,
    TrainingSession,
)

# 128 random bits: not guessable, yet short enough to type from paper and to keep the QR code small.
CODE_BYTES = 16


# ---- attendance -------------------------------------------------------------

def attendance_for_day(session: Session, ts: TrainingSession, day: dt.date) -> dict[int, bool]:
    """Enrolment id -> present, for the participants already marked on ``day``."""
    rows = session.execute(select(Attendance.enrolment_id, Attendance.present).join(Enrolment).where(
        Enrolment.session_id == ts.id, Attendance.day == day))
    return dict(rows.all())


def mark_attendance(session: Session, ts: TrainingSession, day: dt.date, absent: set[int], user: User) -> None:
    """``user`` marks every participant of ``ts`` present on ``day`` except the enrolment ids in ``absent``."""
    if day not in ts.days:
        raise ValidationFailed({"day": [_("%(day)s is not a day of this session.", day=day.isoformat())]})
    marked = {a.enrolment_id: a for a in session.scalars(
        select(Attendance).join(Enrolment).where(Enrolment.session_id == ts.id, Attendance.day == day))}
    for enrolment in ts.enrolments:
        present = enrolment.id not in absent
        if record := marked.get(enrolment.id):
            record.present = present
        else:
            session.add(Attendance(enrolment_id=enrolment.id, day=day, present=present))
    results_recorded(ts, user)
    session.flush()
    certify_session(session, ts)


# ---- scores -----------------------------------------------------------------

def check_score(value: Decimal | None, maximum: Decimal, label: str) -> str | None:
    """The message for a score outside 0..maximum, or None."""
    if value is not None and not Decimal(0) <= value <= maximum:
        return _("%(label)s must be between 0 and %(max)s.", label=label, max=f"{maximum.normalize():f}")
    return None


def save_scores(session: Session, ts: TrainingSession,
                scores: dict[int, tuple[Decimal | None, Decimal | None]], user: User) -> None:
    """``user`` records pre- and post-test scores by enrolment id; all are checked before any is saved."""
    course = ts.course
    by_id = {e.id: e for e in ts.enrolments}
    errors: dict[str, list[str]] = {}
    for enrolment_id, (pre, post) in scores.items():
        if enrolment_id not in by_id:
            errors[""] = [_("A score belongs to someone not enrolled in this session.")]
            continue
        if message := check_score(pre, course.pre_test_max, _("The pre-test score")):
            errors[f"pre_{enrolment_id}"] = [message]
        if message := check_score(post, course.post_test_max, _("The post-test score")):
            errors[f"post_{enrolment_id}"] = [message]
    if errors:
        raise ValidationFailed(errors)
    for enrolment_id, (pre, post) in scores.items():
        by_id[enrolment_id].pre_score, by_id[enrolment_id].post_score = pre, post
    results_recorded(ts, user)
    session.flush()
    certify_session(session, ts)


# ---- confirmation -------------------------------------------------------------

def results_recorded(ts: TrainingSession, user: User) -> None:
    """``user`` recorded attendance or scores: note who; the results await a (new) confirmation."""
    # After a confirmation, only what is recorded since needs confirming, and only its authors are barred.
    names = set() if ts.results_confirmed_at is not None else set((ts.results_entered_by or "").split())
    names.add(user.username)
    ts.results_entered_by = " ".join(sorted(names))
    ts.results_confirmed_by = ts.results_confirmed_at = None


def confirm_results(session: Session, ts: TrainingSession, user: User) -> list[Certificate]:
    """A second coordinator confirms the session's attendance and scores: certificates are issued to
    everyone who meets the rules. Whoever recorded them since the last confirmation may not confirm."""
    if ts.results_confirmed_at is not None:
        raise ValidationFailed(_("These results are already confirmed: nothing was recorded since."))
    if not ts.enrolments:
        raise ValidationFailed(_("Nobody is enrolled in this session."))
    duties.require_other("training_score_certify", (ts.results_entered_by or "").split(), user.username)
    ts.results_confirmed_by, ts.results_confirmed_at = user.username, utcnow()
    session.flush()
    return certify_session(session, ts)


# ---- certification ------------------------------------------------------------

@dataclass
class Outcome:
    enrolment: Enrolment
    days_present: int
    days_required: int
    days_marked: int
    post_percent: Decimal | None
    pre_percent: Decimal | None
    attended: bool
    passed: bool

    @property
    def certified(self) -> bool:
        return self.attended and self.passed


def required_days(course: Course, ts: TrainingSession) -> int:
    """Days a participant must attend: the course's minimum, or every day of the session."""
    return min(course.min_days, len(ts.days)) if course.min_days else len(ts.days)


def passes(course: Course, post_score: Decimal | None) -> bool:
    """The post-test reached the pass mark (exact decimal arithmetic: 69.9% fails, 70% passes)."""
    return post_score is not None and post_score * 100 >= course.pass_mark * course.post_test_max


def outcomes(session: Session, ts: TrainingSession) -> list[Outcome]:
    """Each participant's attendance, scores and whether they meet the rules, by name."""
    course = ts.course
    needed = required_days(course, ts)
    counts = {row.enrolment_id: (row.present, row.marked) for row in session.execute(
        select(Attendance.enrolment_id,
               func.sum(case((Attendance.present, 1), else_=0)).label("present"),
               func.count().label("marked"))
        .join(Enrolment).where(Enrolment.session_id == ts.id).group_by(Attendance.enrolment_id))}
    result = []
    for enrolment in sorted(ts.enrolments, key=lambda e: (e.official.full_name, e.id)):
        present, marked = counts.get(enrolment.id, (0, 0))
        present = int(present or 0)
        post = enrolment.post_score
        result.append(Outcome(
            enrolment=enrolment, days_present=present, days_required=needed, days_marked=int(marked),
            post_percent=None if post is None else post * 100 / course.post_test_max,
            pre_percent=None if enrolment.pre_score is None else enrolment.pre_score * 100 / course.pre_test_max,
            attended=present >= needed, passed=passes(course, post)))
    return result


def certify_session(session: Session, ts: TrainingSession) -> list[Certificate]:
    """Issue a certificate to each participant who now meets the rules; return the new ones.

    A certificate issued from this session whose grounds have gone (a score or
    attendance corrected) is revoked with that reason, never deleted. A session nobody
    led certifies no one: its certificates wait until a trainer is added; nor does one whose
    attendance and scores no second coordinator has confirmed (confirm_results).
    """
    if not ts.trainer_links:
        return []
    issued = {c.enrolment_id: c for c in session.scalars(
        select(Certificate).join(Enrolment).where(Enrolment.session_id == ts.id))}
    new = []
    for outcome in outcomes(session, ts):
        enrolment = outcome.enrolment
        certificate = issued.get(enrolment.id)
        if outcome.certified and certificate is None and ts.results_confirmed_at is not None:
            certificate = Certificate(code=secrets.token_urlsafe(CODE_BYTES), official=enrolment.official,
                                      position_id=ts.course.position_id, course=ts.course, enrolment=enrolment)
            session.add(certificate)
            new.append(certificate)
        elif not outcome.certified and certificate is not None and certificate.valid:
            revoke(session, certificate, _("Attendance or scores were corrected: the rules are no longer met."))
    session.flush()
    return new


def revoke(session: Session, certificate: Certificate, reason: str) -> None:
    """Revoke a certificate with a reason; it then shows as revoked on the public page."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": [_("Give the reason for revoking.")]})
    if not certificate.valid:
        raise ValidationFailed({"reason": [_("This certificate is already revoked.")]})
    certificate.revoked_at, certificate.revoked_reason = utcnow(), reason[:500]
    session.flush()


def find_certificate(session: Session, code: str) -> Certificate | None:
    """The certificate with that verification code, or None."""
    if not code or len(code) > 43:
        return None
    return session.scalar(select(Certificate).where(Certificate.code == code))


def certificates_of(session: Session, official: Official) -> list[Certificate]:
    """Every certificate of an official, newest first, revoked ones included."""
    return list(session.scalars(select(Certificate).where(Certificate.official_id == official.id)
                                .order_by(Certificate.issued_at.desc(), Certificate.id.desc())))


def history(session: Session, official: Official) -> list[Outcome]:
    """Every session the official took part in, newest first, with its outcome."""
    sessions = session.scalars(select(TrainingSession).join(Enrolment).where(Enrolment.official_id == official.id)
                               .order_by(TrainingSession.start_date.desc()))
    return [o for ts in sessions for o in outcomes(session, ts) if o.enrolment.official_id == official.id]


def certified_officials(session: Session, position_code: str, district: District) -> list[Official]:
    """Officials living in ``district`` with a valid certificate for the position, still selected.

    Logistics calls this to staff polling stations; nobody else decides who is deployable.
    """
    holders = (select(Certificate.official_id).join(Position, Position.id == Certificate.position_id)
               .where(Position.code == position_code, Certificate.valid))
    return list(session.scalars(select(Official).where(
        Official.district_id == district.id, Official.status == "selected", Official.id.in_(holders))
        .order_by(Official.full_name, Official.id)))
