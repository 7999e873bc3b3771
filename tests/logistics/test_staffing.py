"""Staffing: only officials certified by training, from the station's district, once a day."""

import pytest
from sqlalchemy.exc import IntegrityError

from electoral.core.errors import ValidationFailed
from electoral.logistics import services
from electoral.logistics.models import StaffAssignment
from electoral.logistics.services import staffing
from tests.factories import make_centre, make_district, make_station, user_called
from tests.registration.factories import POLLING_DAY, make_election
from tests.training.factories import certify, make_official, make_position


def _station_and_certified(per_station=1):
    make_election()
    position = make_position(code="PO", per_station=per_station)
    station = make_station()
    official = make_official(position=position, district=station.centre.district)
    certify(official)
    return station, official


def test_certified_official_of_the_district_is_deployed(db):
    station, official = _station_and_certified()
    assignment = staffing.assign(db.session, station, "PO", official, POLLING_DAY, user_called("officer"))
    assert (assignment.slot, assignment.official_id) == (1, official.id)


def test_uncertified_official_is_refused(db):
    station, _certified = _station_and_certified(per_station=2)
    trainee = make_official(position=_certified.position, district=station.centre.district)
    with pytest.raises(ValidationFailed) as failure:
        staffing.assign(db.session, station, "PO", trainee, POLLING_DAY, user_called("officer"))
    assert "is not certified as PO" in failure.value.errors["official"][0]


def test_official_from_another_district_is_refused(db):
    station, official = _station_and_certified()
    elsewhere = make_station(make_centre(make_district()))
    with pytest.raises(ValidationFailed, match="not certified"):
        staffing.assign(db.session, elsewhere, "PO", official, POLLING_DAY, user_called("officer"))


def test_double_booking_on_one_day_is_refused(db):
    station, official = _station_and_certified()
    other = make_station(station.centre)
    staffing.assign(db.session, station, "PO", official, POLLING_DAY, user_called("officer"))
    with pytest.raises(ValidationFailed) as failure:
        staffing.assign(db.session, other, "PO", official, POLLING_DAY, user_called("officer"))
    assert f"already deployed to station {station.code}" in failure.value.errors["official"][0]


def test_candidates_leave_out_officials_already_booked_that_day(db):
    station, official = _station_and_certified(per_station=2)
    free = make_official(position=official.position, district=station.centre.district)
    certify(free)
    assert {o.id for o in staffing.candidates(db.session, station, POLLING_DAY)["PO"]} == {official.id, free.id}
    staffing.assign(db.session, make_station(station.centre), "PO", official, POLLING_DAY, user_called("officer"))
    assert [o.id for o in staffing.candidates(db.session, station, POLLING_DAY)["PO"]] == [free.id]


def test_database_refuses_a_double_booking_too(db):
    station, official = _station_and_certified()
    other = make_station(station.centre)
    for target in (station, other):
        db.session.add(StaffAssignment(station=target, position_code="PO", slot=1, official_id=official.id,
                                       polling_day=POLLING_DAY, assigned_by="test"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_full_position_refuses_another_official(db):
    station, official = _station_and_certified()
    staffing.assign(db.session, station, "PO", official, POLLING_DAY, user_called("officer"))
    second = make_official(position=official.position, district=station.centre.district)
    certify(second)
    with pytest.raises(ValidationFailed, match="is filled"):
        staffing.assign(db.session, station, "PO", second, POLLING_DAY, user_called("officer"))


def test_fill_and_unfilled_positions_per_district(db):
    station, official = _station_and_certified()
    make_station(station.centre)
    assert staffing.fill_district(db.session, station.centre.district, POLLING_DAY, user_called("officer")) == 1
    [row] = [r for r in staffing.unfilled_by_district(db.session, POLLING_DAY)
             if r.district.id == station.centre.district_id]
    assert (row.stations, row.needed, row.filled, row.unfilled) == (2, {"PO": 2}, {"PO": 1}, {"PO": 1})


def test_dashboard_shares_per_district(db):
    station, official = _station_and_certified()
    staffing.assign(db.session, station, "PO", official, POLLING_DAY, user_called("officer"))
    make_centre(station.centre.district)
    [row] = [r for r in services.progress(db.session) if r.district.id == station.centre.district_id]
    assert (row.centres, row.dispatched, row.received, row.staffed, row.open_discrepancies) == (2, 0, 0, 1, 0)
    assert row.share(row.staffed) == 0.5


def test_dashboard_counts_a_centre_once_whatever_its_consignments(db):
    from tests.logistics.factories import full_receipt, packed_consignment

    centre = make_centre()
    first, second = packed_consignment(destination=centre), packed_consignment(destination=centre)
    services.dispatch(db.session, first, user_called("dispatcher"))
    services.dispatch(db.session, second, user_called("dispatcher"))
    services.receive(db.session, first, full_receipt(first), user_called("storekeeper"))
    [row] = [r for r in services.progress(db.session) if r.district.id == centre.district_id]
    assert (row.centres, row.dispatched, row.received, row.staffed) == (1, 1, 1, None)
