"""The logistics blueprint, who may use its pages (officers; supervisors), what its templates read,
and its entries on the home page and in the menu; the pages are in views/."""

from flask import Blueprint
from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from electoral.core import home
from electoral.core.auth import Role
from electoral.logistics import labels as labels_
from electoral.logistics import services

bp = Blueprint("logistics", __name__, url_prefix="/logistics", template_folder="templates")

OFFICERS = (Role.LOGISTICS_OFFICER, Role.ADMINISTRATOR)

home.register_nav(_l("Logistics"), "logistics.index", order=40)
home.register(_l("Logistics"), "logistics.index",
              _l("Dispatch, receipt and staffing, district by district; open discrepancies."), order=40)
home.register(_l("Consignments"), "logistics.consignments",
              _l("Pack and dispatch materials; confirm receipt item by item and seal by seal."), order=41)
home.register(_l("Allocation of materials"), "logistics.allocation",
              _l("Quantities per station from the roll, and the shortfall against stock."), order=42)
home.register(_l("Chain of custody"), "logistics.custody",
              _l("Every hand a seal number or a ballot serial passed through."), order=43)


@bp.app_template_filter("logistics_day")
def format_day(value) -> str:
    """A date (no time) in the reader's language."""
    return format_date(value, "medium") if value else ""


@bp.context_processor
def label_helpers():
    return {"level_labels": labels_.WAREHOUSE_LEVEL, "seal_states": labels_.SEAL_STATE, "conditions": labels_.CONDITION,
            "event_label": services.event_label}


def supervisor(user, **_route) -> bool:
    """Administrators and logistics officers with national scope (the access declaration's ``who``)."""
    return services.is_supervisor(user)


supervisor.matrix_label = "national"
