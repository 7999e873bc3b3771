"""make_x() factories for logistics; each adds to the session and flushes."""

import itertools

from electoral.extensions import db
from electoral.logistics import services
from electoral.logistics.services import ItemData
from tests.factories import make_centre, make_district, user_called

_numbers = itertools.count(1)


def make_item(code=None, basis="station", amount=1, per_voters=1, buffer_percent=0, minimum=0, pack_size=1,
              sensitive=False, returnable=None, serialised=False, name=None, unit="unit"):
    n = next(_numbers)
    return services.save_item(db.session, ItemData(
        code or f"IT{n}", name or f"Item {n}", unit, pack_size, sensitive, basis, amount, per_voters,
        buffer_percent, minimum, sensitive if returnable is None else returnable, serialised))


def make_warehouse(level="central", area=None, code=None, name=None):
    n = next(_numbers)
    if level == "district" and area is None:
        area = make_district()
    if level == "hub" and area is None:
        area = make_district().region
    return services.save_warehouse(db.session, code or f"W{n}", name or f"Warehouse {n}", level, area)


def stocked_warehouse(item, quantity=1000, level="central", area=None, **serials):
    warehouse = make_warehouse(level, area)
    services.receive_stock(db.session, warehouse, item, quantity, **serials, user=user_called("dispatcher"))
    return warehouse


def packed_consignment(origin=None, destination=None, item=None, quantity=100, seals=("SL-001", "SL-002"),
                       serial_from=None, serial_to=None):
    """A consignment from a stocked warehouse to a centre, packed and ready to dispatch."""
    item = item or make_item()
    origin = origin or stocked_warehouse(item, 10_000)
    destination = destination or make_centre()
    consignment = services.create_consignment(db.session, origin, destination, vehicle="LBR-4411",
                                              driver="Moses Kollie", user=user_called("dispatcher"))
    services.add_line(db.session, consignment, item, quantity, serial_from, serial_to)
    services.add_seals(db.session, consignment, list(seals))
    return consignment


def full_receipt(consignment, **seal_states):
    """A receipt that finds everything as sent, except the seal states given by number."""
    return services.Receipt({line.id: line.quantity for line in consignment.lines},
                            {s.id: seal_states.get(s.number, "intact") for s in consignment.seals}, [])
