"""The registration blueprint, its roles, the labels its templates read (template filters), and its
entries on the home page and in the menu; the pages are in views/."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from electoral.core import home
from electoral.core.auth import Role
from electoral.registration import labels
from electoral.registration.services import dedup

bp = Blueprint("registration", __name__, url_prefix="/registration", template_folder="templates")

CLERK, SUPERVISOR, ADMIN = Role.REGISTRATION_CLERK, Role.REGISTRATION_SUPERVISOR, Role.ADMINISTRATOR
# Voters' personal data: only registration staff (and the administrator) read it.
READERS = (CLERK, SUPERVISOR, ADMIN)

home.register_nav(_l("Voters"), "registration.voter_list", order=20)
home.register_nav(_l("Duplicates"), "registration.duplicates", order=21)
home.register_nav(_l("Claims and objections"), "registration.cases", order=22)
home.register_nav(_l("The roll"), "registration.roll_overview", order=23)
home.register(_l("Register a voter"), "registration.register",
              _l("Enter a person's details; likely duplicates are shown before saving."), order=10)
home.register(_l("Find a voter"), "registration.voter_list",
              _l("By voter number, name in any script, or date of birth."), order=11)
home.register(_l("Possible duplicates"), "registration.duplicates",
              _l("Decide whether two records are the same person."), order=12)
home.register(_l("Claims and objections"), "registration.cases",
              _l("Record and decide claims and objections during exhibition."), order=13)
home.register(_l("Import registrations"), "registration.import_file",
              _l("Load registrations made offline from a CSV or XLSX file."), order=14)
home.register(_l("The roll"), "registration.roll_overview",
              _l("Figures, station assignment and freezing of the final roll."), order=15)
home.register(_l("Election settings"), "registration.election_settings",
              _l("Name, polling day, minimum age, registration and exhibition periods."), order=5)

# The filters' words are registration/labels.py's.
bp.add_app_template_filter(labels.VOTER_STATUS.label, "voter_status")
bp.add_app_template_filter(labels.PAIR_STATUS.label, "pair_status")
bp.add_app_template_filter(labels.REMOVAL_REASON.label, "removal_reason")
bp.add_app_template_filter(labels.CASE_STATUS.label, "case_status")
bp.add_app_template_filter(labels.IMPORT_STATUS.label, "import_status")


@bp.app_template_filter("reasons")
def reasons_text(reasons) -> list[str]:
    return dedup.describe(reasons or [])
