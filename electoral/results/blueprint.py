"""The results blueprint, the role tuples its pages share, the labels its templates read, and its
entries on the home page and in the menu; the pages are in views/ (and in seats/views/, sheets/views/)."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from electoral.core import home
from electoral.core.auth import Role
from electoral.results import services
from electoral.results.models import FIELDS

bp = Blueprint("results", __name__, url_prefix="/results", template_folder="templates")

CLERK = (Role.RESULTS_CLERK,)
SUPERVISOR = (Role.RESULTS_SUPERVISOR,)
STAFF = (Role.RESULTS_CLERK, Role.RESULTS_SUPERVISOR, Role.ADMINISTRATOR)
READERS = (Role.RESULTS_SUPERVISOR, Role.ADMINISTRATOR)

home.register_nav(_l("Results"), "results.index", order=70)
home.register(_l("Enter a tally sheet"), "results.find_sheet",
              _l("First or second entry of a station's tally sheet."), order=70)
home.register(_l("Mismatched entries"), "results.corrections",
              _l("Compare the two entries of a sheet and settle each difference."), order=71)
home.register(_l("Quarantined sheets"), "results.quarantine",
              _l("Sheets that failed a check: audit them and decide."), order=72)
home.register(_l("Results by race"), "results.index",
              _l("Totals, counted share, turnout; certify a level."), order=73)
home.register(_l("Result checks"), "results.check_settings",
              _l("Switch each check on or off and set its tolerance."), order=74)


@bp.context_processor
def helpers():
    return {"state_label": services.state_label, "level_label": services.level_label,
            "event_label": services.event_label,
            "field_labels": services.field_labels(), "FIELDS": FIELDS}
