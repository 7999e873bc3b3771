"""The words of logistics' states, kinds and levels, in one place: forms, pages, PDFs and the command line
read them from here (the values themselves, and the check constraints built from them, are in models.py)."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from electoral.core.states import States
from electoral.logistics.models import (
    BASES,
    CONDITIONS,
    CONSIGNMENT_KINDS,
    CONSIGNMENT_STATES,
    EVENT_KINDS,
    SEAL_STATES,
    WAREHOUSE_LEVELS,
)

BASIS = States(BASES, {"station": _l("per polling station"), "voter": _l("per registered voters of the station"),
                       "centre": _l("per polling centre")})
WAREHOUSE_LEVEL = States(WAREHOUSE_LEVELS, {"central": _l("Central warehouse"), "hub": _l("Regional hub"),
                                            "district": _l("District store")})
CONSIGNMENT_KIND = States(CONSIGNMENT_KINDS, {"outbound": _l("Outbound (towards the polling centres)"),
                                              "return": _l("Return after polling")})
CONSIGNMENT_STATE = States(CONSIGNMENT_STATES, {"draft": _l("Being packed"), "dispatched": _l("On its way"),
                                                "received": lazy_pgettext("consignment state", "Received")})
SEAL_STATE = States(SEAL_STATES, {"intact": _l("intact"), "broken": _l("broken"), "missing": _l("missing")})
CONDITION = States(CONDITIONS, {"used": _l("Used"), "unused": _l("Unused"), "spoilt": _l("Spoilt")})
# The custody history also shows stock received into a warehouse, which is not a consignment's event.
EVENT = States(("stock", *EVENT_KINDS), {
    "stock": _l("Received into stock"), "dispatched": _l("Dispatched"), "received": _l("Received"),
    "discrepancy": _l("Discrepancy"), "resolved": _l("Discrepancy resolved"),
    "returned": _l("Returned after polling"), "corrected": _l("Correction")})
