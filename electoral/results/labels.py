"""The words of results' states and levels, in one place: pages, PDFs, flashes and refusals read them here
(the values, and the check constraints built from them, are in models.py)."""

from flask_babel import lazy_gettext as _l

from electoral.core.states import States
from electoral.results.models import STATES

SHEET_STATE = States(STATES, {
    "not_received": _l("not received"), "first_entry": _l("first entry done"),
    "second_entry": _l("second entry done"), "in_correction": _l("in correction"),
    "quarantined": _l("quarantined"), "under_audit": _l("under audit"), "accepted": _l("accepted"),
    "cancelled": _l("cancelled")})
# The levels results are added up at, from a polling station to the whole country.
LEVEL = States(("station", "centre", "district", "region", "national"), {
    "station": _l("Polling station"), "centre": _l("Polling centre"), "district": _l("District"),
    "region": _l("Region"), "national": _l("National")})
