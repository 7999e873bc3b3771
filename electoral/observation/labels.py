"""The words of observation's states and kinds, in one place: forms, pages, PDFs and exports read them here
(the values, and the check constraints built from them, are in the models and services they belong to)."""

from flask_babel import lazy_gettext as _l

from electoral.core.states import States
from electoral.observation.models import ACCREDITATION_STATES, ALERT_STATES, PHASES
from electoral.observation.services.incidents import INCIDENT_CATEGORIES, SEVERITIES
from electoral.observation.services.observers import SEXES
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
