"""The words of observation's states and kinds, in one place: forms, pages, PDFs and exports read them here
(the values, and the check constraints built from them, are in the models and services they belong to)."""

from flask_babel import lazy_gettext as _l

from electoral.core.states import States
from electoral.observation.models import (
    ACCREDITATION_STATES,
    ALERT_STATES,
    PHASES,
    QUESTION_TYPES,
    TALLY_ROLES,
)
from electoral.observation.services.incidents import INCIDENT_CATEGORIES, SEVERITIES
from electoral.observation.services.observers import SEXES
from electoral.observation.services.timing import CLOCK_GAPS
from electoral.observation.sms.models import SMS_STATES

PHASE = States(PHASES, {
    "opening": _l("Arrival and opening"), "voting": _l("Voting"), "closing": _l("Closing"),
    "counting": _l("Counting"), "incident": _l("Incident report")})
ACCREDITATION = States(ACCREDITATION_STATES, {"none": _l("Not requested"), "requested": _l("Requested"),
                                              "approved": _l("Accredited"), "refused": _l("Refused")})
SEX = States(SEXES, {"F": _l("Female"), "M": _l("Male"), "X": _l("Other or not said")})
CATEGORY = States(INCIDENT_CATEGORIES, {
    "violence": _l("Violence"), "intimidation": _l("Intimidation"), "materials": _l("Missing or tampered materials"),
    "procedure": _l("Procedure not followed"), "access": _l("Observer refused access"), "other": _l("Other")})
SEVERITY = States(SEVERITIES, {"low": _l("Low"), "medium": _l("Medium"), "high": _l("High")})
ALERT = States(ALERT_STATES, {"open": _l("Open"), "acknowledged": _l("Acknowledged"), "resolved": _l("Resolved")})
SMS_STATE = States(SMS_STATES, {"processed": _l("Filed"), "rejected": _l("Not understood"),
                                "unknown_sender": _l("Unknown sender"), "duplicate": _l("Repeat"),
                                "fixed_by_hand": _l("Fixed by hand")})
QUESTION_TYPE = States(QUESTION_TYPES, {
    "yes_no": _l("Yes / no"), "integer": _l("Whole number"), "decimal": _l("Decimal number"),
    "single_choice": _l("One choice"), "multiple_choice": _l("Several choices"), "text": _l("Text"),
    "time": _l("Time"), "date": _l("Date"), "note": _l("Note (no answer)"),
    "calculate": _l("Calculated from other answers"),
    "datetime": _l("Date and time"), "geopoint": _l("Position (GPS)"), "image": _l("Photo")})
# What a counting question carries for the quick count (a question without a role: the form's "None").
TALLY_ROLE = States(TALLY_ROLES, {"registered": _l("Registered voters"), "cast": _l("Ballots cast"),
                                  "invalid": _l("Invalid ballots"), "votes": _l("Votes for a candidate")})
# How a filing's phone time stands against the server's receipt time (services/timing.py's clock_gap).
CLOCK_GAP = States(CLOCK_GAPS, {"ahead": _l("phone time ahead of receipt"),
                                "late": _l("phone time long before receipt")})
