"""The reports blueprint and its entries on the home page and in the menu; the pages are in views/."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from electoral.core import home

bp = Blueprint("reports", __name__, url_prefix="/reports", template_folder="templates")

home.register_nav(_l("Reports"), "reports.index", order=95)
home.register(_l("Reports"), "reports.index", _l("Print lists, summaries and certificates."), order=95)
