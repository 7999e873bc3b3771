"""The election's settings: name, polling day, minimum age, periods; freezing the roll."""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from electoral.accounts.models import User
from electoral.core.dates import DAY_FIRST, MONTH_FIRST
from electoral.core.errors import ValidationFailed
from electoral.core.models import utcnow
from electoral.registration.models import Election
from electoral.registration.services import evidence


def current(session: Session) -> Election | None:
    """The election being prepared, or None before an administrator configures it."""
    return session.scalar(select(Election).order_by(Election.id).limit(1))


def configure(session: Session, name: str, polling_day: date, minimum_age: int = 18,
              registration: tuple[date | None, date | None] = (None, None),
              exhibition: tuple[date | None, date | None] = (None, None), date_order: str | None = None) -> Election:
    """Create or change the election's settings (``date_order``: DMY or MDY, unchanged when None)."""
    errors: dict[str, list[str]] = {}
    if date_order is not None and date_order not in (DAY_FIRST, MONTH_FIRST):
        errors["date_order"] = [_("Dates are read day first (DMY) or month first (MDY).")]
    if not (name or "").strip():
        errors["name"] = [_("Give the election a name.")]
    if not 14 <= minimum_age <= 30:
        errors["minimum_age"] = [_("The minimum age must be between 14 and 30.")]
    for field, (start, end) in (("registration_end", registration), ("exhibition_end", exhibition)):
        if start and end and end < start:
            errors[field] = [_("The period ends before it starts.")]
        if end and end > polling_day:
            errors.setdefault(field, []).append(_("The period must end before polling day."))
    if registration[1] and exhibition[0] and exhibition[0] < registration[1]:
        errors.setdefault("exhibition_start", []).append(_("Exhibition starts after registration ends."))
    if errors:
        raise ValidationFailed(errors)
    election = current(session) or Election()
    election.name = name.strip()
    election.polling_day = polling_day
    election.minimum_age = minimum_age
    election.registration_start, election.registration_end = registration
    election.exhibition_start, election.exhibition_end = exhibition
    if date_order is not None:
        election.date_order = date_order
    session.add(election)
    session.flush()
    evidence.seed_defaults(session, election)
    return election


def date_order(session: Session) -> str:
    """How text dates in files and forms are read: DMY (31/12/1990) unless the election says MDY."""
    election = current(session)
    return election.date_order if election is not None and election.date_order else DAY_FIRST


def require(session: Session) -> Election:
    """The election, or a message that it must be configured first."""
    election = current(session)
    if election is None:
        raise ValidationFailed(_("The election is not configured yet: an administrator must set "
                                 "its name and polling day first."))
    return election


def is_frozen(session: Session) -> bool:
    election = current(session)
    return bool(election and election.roll_frozen_at)


def registration_closed(session: Session, today: date | None = None) -> str | None:
    """Why new voters cannot be registered ``today``, or None while registration is open."""
    if is_frozen(session):
        return _("The roll is frozen: new voters can no longer be registered.")
    settings = current(session)
    if settings is None:
        return _("The election is not configured yet: an administrator must set its name and polling day first.")
    day = today or date.today()
    if (settings.registration_start and day < settings.registration_start) or (
            settings.registration_end and day > settings.registration_end):
        return _("Registration is open from %(start)s to %(end)s.",
                 start=settings.registration_start or "…", end=settings.registration_end or "…")
    return None


def in_exhibition(session: Session, today: date | None = None) -> bool:
    """True during the configured exhibition period (open-ended if no end is set)."""
    election = current(session)
    today = today or date.today()
    if election is None or election.exhibition_start is None or election.roll_frozen_at:
        return False
    return election.exhibition_start <= today and (election.exhibition_end is None or today <= election.exhibition_end)


def freeze(session: Session, user: User) -> Election:
    """``user`` freezes the final roll: from now on only recorded transfers and removals change it."""
    from electoral.registration.models import DuplicatePair, RollCase

    election = require(session)
    if election.roll_frozen_at:
        raise ValidationFailed(_("The roll is already frozen."))
    open_pairs = session.scalar(select(DuplicatePair.id).where(DuplicatePair.status == "open").limit(1))
    open_cases = session.scalar(select(RollCase.id).where(RollCase.status == "open").limit(1))
    if open_pairs or open_cases:
        raise ValidationFailed(_("Decide every possible duplicate, claim and objection before freezing the roll."))
    election.roll_frozen_at = utcnow()
    election.roll_frozen_by = user.username
    session.flush()
    return election
