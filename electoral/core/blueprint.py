"""The core blueprint and its entries on the home page and in the menu; the pages are in views/."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from electoral.core import home

bp = Blueprint("core", __name__, template_folder="templates")

home.register_nav(_l("Audit trail"), "core.audit_trail", order=90)
home.register(_l("Audit trail"), "core.audit_trail",
              _l("Who changed what, and proof that nothing was altered."), order=90)
