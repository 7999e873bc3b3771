"""The rules of logistics, one module per part (one import path for callers)."""

from electoral.logistics.services.allocation import (
    LEVELS,
    Allocation,
    Shortfall,
    StationProposal,
    compute_allocation,
    create_missing_stations,
    export_csv,
    export_text,
    latest_run,
    propose_stations,
    record_run,
    registered_voters_by_centre,
    registered_voters_by_station,
    roll_exists,
    roll_frozen,
    shortfall,
)
from electoral.logistics.services.catalogue import (
    DEFAULT_CATALOGUE,
    ItemData,
    Rule,
    explain,
    find_item,
    list_items,
    quantities,
    quantity,
    save_item,
    seed_catalogue,
)
from electoral.logistics.services.consignments import (
    Receipt,
    add_line,
    add_seals,
    consignments_query,
    count_open,
    create_consignment,
    describe,
    destination_area,
    dispatch,
    find_consignment,
    is_supervisor,
    may_act_for,
    open_discrepancies_query,
    place_area,
    place_label,
    receive,
    record_correction,
    remove_line,
    remove_seal,
    resolve,
    update_details,
)
from electoral.logistics.services.custody import (
    HistoryEntry,
    Reconciliation,
    event_label,
    history,
    history_of_consignment,
    reconcile,
)
from electoral.logistics.services.dashboard import DistrictProgress, progress
from electoral.logistics.services.stock import (
    find_warehouse,
    list_warehouses,
    on_hand,
    receive_stock,
    save_warehouse,
    stock_rows,
)

__all__ = [name for name in dir() if not name.startswith("_")]
