"""The training blueprint, its roles, what its templates read, and its entries on the home page and in
the menu; the pages are in views/."""

from flask import Blueprint
from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from electoral.core import home
from electoral.core.auth import Role
from electoral.training import services

bp = Blueprint("training", __name__, url_prefix="/training", template_folder="templates")

COORDINATORS = (Role.ADMINISTRATOR, Role.TRAINING_COORDINATOR)
ADMINISTRATORS = (Role.ADMINISTRATOR,)

home.register_nav(_l("Training"), "training.index", order=30)
home.register(_l("Training"), "training.index",
              _l("Officials, courses, sessions and certification."), order=30)
home.register(_l("Training sessions"), "training.session_list",
              _l("Enrol participants, mark attendance and enter test scores."), order=31)
home.register(_l("Training coverage"), "training.coverage_page",
              _l("Where officials are still missing, district by district."), order=32)


@bp.app_template_filter("training_day")
def format_day(value) -> str:
    """A date (no time) in the reader's language."""
    return format_date(value, "medium") if value else ""


@bp.app_template_filter("training_score")
def format_score(value) -> str:
    """A score as typed (40, 69.5), never in exponent form (Decimal's 4E+1)."""
    return "" if value is None else f"{value.normalize():f}"


@bp.context_processor
def label_helpers():
    return {"status_labels": services.STATUS_LABELS, "sex_labels": services.SEX_LABELS,
            "education_labels": services.EDUCATION_LABELS, "coordinators": COORDINATORS}
