"""The observation blueprint, who may use its pages (the commission; observer groups' coordinators),
and its entries on the home page and in the menu; the pages are in views/."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from electoral.core import home
from electoral.observation import signin  # noqa: F401  (observers sign in only while accredited)
from electoral.observation.roles import COMMISSION, COORDINATORS  # noqa: F401  (the pages' role tuples)

bp = Blueprint("observation", __name__, url_prefix="/observation", template_folder="templates")

home.register_nav(_l("Observation"), "observation.dashboard", order=60)
home.register_nav(_l("My station"), "observation.my_station", order=5)
home.register(_l("My station and checklists"), "observation.my_station",
              _l("Fill the checklists due now and report incidents, even without network."), order=1)
home.register(_l("Observation dashboard"), "observation.dashboard",
              _l("Coverage, answers, critical alerts and incidents as they arrive."), order=60)
home.register(_l("Observers"), "observation.observers",
              _l("Organisations, observers, accreditation and deployment."), order=61)
home.register(_l("Checklists"), "observation.templates",
              _l("Build or import the observers' checklists."), order=62)
home.register(_l("Accreditation requests"), "observation.accreditation",
              _l("Approve or refuse the observers the organisations put forward."), order=63)
