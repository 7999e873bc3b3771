"""The geography blueprint, the level names its templates read, and its entries on the home page and
in the menu; the pages are in views/."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from electoral.core import home
from electoral.core.auth import Role

bp = Blueprint("geography", __name__, url_prefix="/geography", template_folder="templates")

EDITORS = (Role.ADMINISTRATOR,)
LEVEL_TITLES = {
    "region": (_l("Region"), _l("Regions")),
    "district": (_l("District"), _l("Districts")),
    "centre": (_l("Polling centre"), _l("Polling centres")),
    "station": (_l("Polling station"), _l("Polling stations")),
}
PARENT_LEVEL = {"district": "region", "centre": "district", "station": "centre"}
CHILD_LEVEL = {"region": "district", "district": "centre", "centre": "station"}

home.register_nav(_l("Geography"), "geography.overview", order=10)
home.register(_l("Geography"), "geography.overview",
              _l("Regions, districts, polling centres and polling stations."), order=20)
home.register(_l("Import geography"), "geography.import_file",
              _l("Load the whole tree from a CSV or XLSX file."), order=21)


@bp.context_processor
def titles():
    return {"level_titles": LEVEL_TITLES, "child_level": CHILD_LEVEL, "parent_level": PARENT_LEVEL}
