"""The observation domain's condition on signing in: an observer signs in only while accredited."""

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from electoral.accounts.models import User
from electoral.accounts.services import register_sign_in_check
from electoral.core.auth import Role
from electoral.observation.models import Observer


@register_sign_in_check
def accredited_observers_only(session: Session, user: User) -> str | None:
    """Refuse a user whose only role is Observer unless their observer record is accredited and valid."""
    if user.roles != {Role.OBSERVER}:
        return None
    observer = session.scalar(select(Observer).where(Observer.user_id == user.id))
    if observer is not None and observer.accredited:
        return None
    return _("Your observer accreditation is not approved, or it has expired, so you cannot sign in. "
             "Ask your observer coordinator.")
