"""The words of registration's states, reasons and grounds, in one place: forms, pages (the template filters),
the command line and the lists read them here (the values, and the check constraints built from them, are
in models.py)."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from electoral.core.states import States
from electoral.registration.models import (
    CASE_STATES,
    IMPORT_STATES,
    OBJECTION_GROUNDS,
    PAIR_STATES,
    REMOVAL_REASONS,
    SEXES,
    STATUSES,
)

VOTER_STATUS = States(STATUSES, {"active": _l("On the roll"), "possible_duplicate": _l("Possible duplicate"),
                                 "removed": _l("Removed")})
SEX = States(SEXES, {"F": _l("Female"), "M": _l("Male")})
REMOVAL_REASON = States(REMOVAL_REASONS, {
    "duplicate": _l("Duplicate"), "deceased": _l("Deceased"), "under_age": _l("Under age"),
    "not_citizen": _l("Not a citizen"), "court_order": _l("Court order"), "objection": _l("Objection upheld")})
GROUND = States(OBJECTION_GROUNDS, {"deceased": _l("Deceased"), "under_age": _l("Under age"),
                                    "not_citizen": _l("Not a citizen"), "registered_twice": _l("Registered twice")})
PAIR_STATUS = States(PAIR_STATES, {"open": _l("To decide"), "not_duplicate": _l("Not a duplicate"),
                                   "duplicate": _l("Duplicate")})
CASE_STATUS = States(CASE_STATES, {"open": _l("To decide"), "upheld": lazy_pgettext("claim or objection", "Upheld"),
                                   "rejected": lazy_pgettext("claim or objection", "Rejected")})
IMPORT_STATUS = States(IMPORT_STATES, {
    "queued": _l("Waiting"), "checking": _l("Checking the rows"), "loading": _l("Loading in one transaction"),
    "writing": _l("Writing"), "scanning": _l("Looking for duplicates"), "finished": _l("Finished"),
    "refused": _l("Refused: nothing imported"), "failed": _l("Failed")})
