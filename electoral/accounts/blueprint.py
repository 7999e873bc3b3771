"""The accounts blueprint and its entries on the home page and in the menu; the pages are in views/."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from electoral.core import home

bp = Blueprint("accounts", __name__, template_folder="templates")

home.register_nav(_l("Users"), "accounts.users", order=80)
home.register(_l("Users and roles"), "accounts.users",
              _l("Create accounts, give roles and scope, deactivate."), order=10)
