"""Who may send a tally sheet's image, and whether it comes as an observer's photo: one rule for the
JSON API (views/api.py) and the phone page (views/phone.py)."""

from flask_babel import gettext as _

from electoral.accounts.models import User
from electoral.core.auth import Role
from electoral.extensions import db
from electoral.geography.models import PollingStation
from electoral.observation.services import observer_for_user
from electoral.observation.services.filing import may_file


def sender_refusal(user: User, station: PollingStation) -> str | None:
    """Why ``user`` may not send the sheet image of ``station``, or None: observers where deployed,
    results staff inside their area, a presiding officer at their own station."""
    if user.has_any_role({Role.RESULTS_CLERK, Role.RESULTS_SUPERVISOR}) and user.can_act_in(station):
        return None
    # Only the station's own: a presiding officer's scope is never national (accounts.check_station_scope).
    if user.has_any_role({Role.PRESIDING_OFFICER}) and user.scope_station_id == station.id:
        return None
    if user.has_any_role({Role.OBSERVER}):
        return may_file(observer_for_user(db.session, user), station)
    return _("The station lies outside your area.")


def sender_observer(user: User, station: PollingStation):
    """The observer whose photo this is, or None when ``user`` sends the official sheet's image
    (results staff in their area and the station's presiding officer come first, as in sender_refusal)."""
    if user.has_any_role({Role.RESULTS_CLERK, Role.RESULTS_SUPERVISOR}) and user.can_act_in(station):
        return None
    if user.has_any_role({Role.PRESIDING_OFFICER}) and user.scope_station_id == station.id:
        return None
    return observer_for_user(db.session, user) if user.has_any_role({Role.OBSERVER}) else None
