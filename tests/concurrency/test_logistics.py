"""Logistics at the same moment: a consignment received or dispatched twice, one store emptied twice, one
official or one position booked twice."""

from sqlalchemy import func, select

from electoral.core.errors import ValidationFailed
from electoral.extensions import db as _db
from electoral.logistics import services
from electoral.logistics.models import Consignment, CustodyEvent, Discrepancy, StaffAssignment
from electoral.logistics.services import staffing
from tests.concurrency.conftest import ROUNDS
from tests.factories import make_station, user_called
from tests.logistics.factories import (
    make_item,
    make_warehouse,
    packed_consignment,
    stocked_warehouse,
)
from tests.registration.factories import POLLING_DAY, make_election
from tests.training.factories import certify, make_official, make_position


def _receiver(consignment_id: int, found: int):
    """A storekeeper confirming the receipt, counting ``found`` units on every line."""

    def work():
        consignment = _db.session.get(Consignment, consignment_id)
        receipt = services.Receipt({line.id: found for line in consignment.lines},
                                   {seal.id: "intact" for seal in consignment.seals}, [])
        try:
            problems = services.receive(_db.session, consignment, receipt, user_called("storekeeper"))
        except ValidationFailed as refused:
            _db.session.rollback()
            return str(refused)
        _db.session.commit()
        return len(problems)

    return work


def test_a_consignment_received_twice_at_once_is_received_and_counted_once(db, race):
    item = make_item()
    origin = stocked_warehouse(item, 10_000)
    store = make_warehouse("district")
    ids = []
    for _ in range(ROUNDS):
        consignment = packed_consignment(origin=origin, destination=store, item=item, quantity=100)
        services.dispatch(db.session, consignment, user_called("dispatcher"))
        ids.append(consignment.id)
    store_id = store.id
    user_called("storekeeper")  # made before the race, which only finds it
    db.session.commit()
    for consignment_id in ids:
        # The two storekeepers counted differently: whichever receipt stands must stand whole.
        outcomes = race(_receiver(consignment_id, 100), _receiver(consignment_id, 97))
        refused = [o for o in outcomes if isinstance(o, str)]
        assert len(refused) == 1 and "was received and cannot be changed" in refused[0], outcomes
        shortages = [o for o in outcomes if isinstance(o, int)]
        db.session.commit()
        received = db.session.scalars(select(CustodyEvent.kind).where(
            CustodyEvent.consignment_id == consignment_id, CustodyEvent.kind == "received")).all()
        assert len(received) == 1
        discrepancies = db.session.scalar(select(func.count(Discrepancy.id)).where(
            Discrepancy.consignment_id == consignment_id))
        assert discrepancies == shortages[0]
        line = db.session.get(Consignment, consignment_id).lines[0]
        assert line.received_quantity == (100 if shortages == [0] else 97)
    db.session.expire_all()
    stock = services.on_hand(db.session, db.session.get(type(store), store_id))
    lines = db.session.scalars(select(Consignment).where(Consignment.id.in_(ids))).all()
    assert stock == {item.id: sum(c.lines[0].received_quantity for c in lines)}


def _dispatcher(consignment_id: int):
    def work():
        consignment = _db.session.get(Consignment, consignment_id)
        try:
            services.dispatch(_db.session, consignment, user_called("dispatcher"))
        except ValidationFailed as refused:
            _db.session.rollback()
            return str(refused)
        _db.session.commit()
        return "dispatched"
    return work


def test_one_consignment_dispatched_twice_at_once_leaves_once(db, race):
    item = make_item()
    origin = stocked_warehouse(item, 10_000)
    ids = [packed_consignment(origin=origin, item=item, quantity=10).id for _ in range(ROUNDS)]
    db.session.commit()
    for consignment_id in ids:
        outcomes = race(_dispatcher(consignment_id), _dispatcher(consignment_id))
        refused = [o for o in outcomes if o != "dispatched"]
        assert len(refused) == 1 and "is on its way and cannot be changed" in refused[0], outcomes
        db.session.commit()
        assert db.session.scalar(select(func.count(CustodyEvent.id)).where(
            CustodyEvent.consignment_id == consignment_id, CustodyEvent.kind == "dispatched")) == 1


def test_two_consignments_from_one_store_at_once_never_send_more_than_it_holds(db, race):
    item = make_item()
    for _ in range(ROUNDS):
        origin = stocked_warehouse(item, 150)
        first, second = (packed_consignment(origin=origin, item=item, quantity=100).id for _ in range(2))
        origin_id = origin.id
        db.session.commit()
        outcomes = race(_dispatcher(first), _dispatcher(second))
        refused = [o for o in outcomes if o != "dispatched"]
        assert len(refused) == 1 and "Only 50" in refused[0], outcomes
        db.session.expire_all()
        assert services.on_hand(db.session, db.session.get(type(origin), origin_id)) == {item.id: 50}


def _deployer(station_id: int, official_id: int):
    def work():
        from electoral.geography.models import PollingStation
        from electoral.training.models import Official

        try:
            staffing.assign(_db.session, _db.session.get(PollingStation, station_id), "PO",
                            _db.session.get(Official, official_id), POLLING_DAY, user_called("officer"))
        except ValidationFailed as refused:
            _db.session.rollback()
            return str(refused)
        _db.session.commit()
        return "deployed"
    return work


def test_one_official_deployed_to_two_stations_at_once_is_deployed_once(db, race):
    make_election()
    position = make_position(code="PO", per_station=1)
    for _ in range(ROUNDS):
        station = make_station()
        other = make_station(station.centre)
        official = make_official(position=position, district=station.centre.district)
        certify(official)
        ids = station.id, other.id, official.id
        user_called("officer")  # made before the race, which only finds it
        db.session.commit()
        outcomes = race(_deployer(ids[0], ids[2]), _deployer(ids[1], ids[2]))
        refused = [o for o in outcomes if o != "deployed"]
        # Refused by the database (the race was close) or by the check (the first had committed).
        assert len(refused) == 1 and ("a moment ago" in refused[0] or "already deployed" in refused[0]), outcomes
        assert db.session.scalar(select(func.count(StaffAssignment.id)).where(
            StaffAssignment.official_id == ids[2])) == 1


def test_two_officials_deployed_to_one_position_at_once_fill_it_once(db, race):
    make_election()
    position = make_position(code="PO", per_station=1)
    for _ in range(ROUNDS):
        station = make_station()
        officials = [make_official(position=position, district=station.centre.district) for _ in range(2)]
        for official in officials:
            certify(official)
        station_id, official_ids = station.id, [o.id for o in officials]
        user_called("officer")
        db.session.commit()
        outcomes = race(*(_deployer(station_id, official_id) for official_id in official_ids))
        refused = [o for o in outcomes if o != "deployed"]
        assert len(refused) == 1 and ("a moment ago" in refused[0] or "is filled" in refused[0]), outcomes
        assert db.session.scalar(select(func.count(StaffAssignment.id)).where(
            StaffAssignment.station_id == station_id)) == 1
