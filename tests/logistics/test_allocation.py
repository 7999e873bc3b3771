"""Allocation sums at every level, stations from the roll, the roll wiring and the shortfall."""

import io

from electoral.extensions import db
from electoral.geography.models import District, PollingStation
from electoral.logistics import services
from tests.factories import make_centre, make_district, make_region, make_station, user_called
from tests.logistics.factories import make_item, stocked_warehouse
from tests.registration.factories import make_election, make_voter


def _tree():
    """Two regions; R1 has two districts; 4 centres and 5 stations, with known voters."""
    r1, r2 = make_region(code="R1"), make_region(code="R2")
    d1, d2, d3 = make_district(r1, code="D1"), make_district(r1, code="D2"), make_district(r2, code="D3")
    c1, c2 = make_centre(d1, code="C1"), make_centre(d1, code="C2")
    c3, c4 = make_centre(d2, code="C3"), make_centre(d3, code="C4")
    stations = {"S1": make_station(c1, code="S1"), "S2": make_station(c1, code="S2"),
                "S3": make_station(c2, code="S3"), "S4": make_station(c3, code="S4"),
                "S5": make_station(c4, code="S5")}
    voters = {"S1": 600, "S2": 490, "S3": 100, "S4": 680, "S5": 0}
    return {stations[k].id: v for k, v in voters.items()}


def _allocation():
    make_item(code="BALLOTS", basis="voter", buffer_percent=2, pack_size=50)
    make_item(code="BOXES", basis="station", amount=2)
    make_item(code="SIGNS", basis="centre", amount=1)
    return services.compute_allocation(db.session, _tree())


def test_station_quantities_follow_the_rules(db):
    allocation = _allocation()
    by_code = {row[3]: row for row in allocation.stations}
    # columns: region, district, centre, station, stations, voters, BALLOTS, BOXES, SIGNS
    assert by_code["S1"][5:] == [600, 650, 2, 0]
    assert by_code["S2"][5:] == [490, 500, 2, 0]
    assert by_code["S4"][5:] == [680, 700, 2, 0]


def test_centre_sums_add_stations_and_count_per_centre_items_once(db):
    allocation = _allocation()
    assert allocation.centres["C1"] == ["R1", "D1", "C1", 2, 1090, 1150, 4, 1]
    assert allocation.centres["C2"] == ["R1", "D1", "C2", 1, 100, 150, 2, 1]


def test_district_region_and_national_sums(db):
    allocation = _allocation()
    assert allocation.districts["D1"] == ["R1", "D1", 3, 1190, 1300, 6, 2]
    assert allocation.districts["D2"] == ["R1", "D2", 1, 680, 700, 2, 1]
    assert allocation.regions["R1"] == ["R1", 4, 1870, 2000, 8, 3]
    assert allocation.regions["R2"] == ["R2", 1, 0, 0, 2, 1]
    assert allocation.national == [5, 1870, 2000, 10, 4]
    assert allocation.national_totals() == {"BALLOTS": 2000, "BOXES": 10, "SIGNS": 4}


def test_export_writes_the_asked_level_with_a_header(db):
    allocation = _allocation()
    out = io.StringIO()
    assert services.export_csv(allocation, "district", out) == 3
    lines = out.getvalue().splitlines()
    # Every CSV export opens with a UTF-8 BOM so spreadsheets read it as UTF-8 (core.tabular.SafeCsvWriter).
    assert lines[0] == "\ufeffregion_code,district_code,stations,voters,BALLOTS,BOXES,SIGNS"
    assert lines[1] == "R1,D1,3,1190,1300,6,2"


def test_allocation_reads_active_voters_of_each_station_from_the_roll(db):
    make_election()
    station = make_station()
    for _ in range(3):
        make_voter(centre=station.centre, station=station)
    make_voter(centre=station.centre, station=station, status="removed", removal_reason="deceased")
    make_voter(centre=station.centre)  # not yet split into a station
    assert services.registered_voters_by_station(db.session) == {station.id: 3}
    assert services.registered_voters_by_centre(db.session) == {station.centre_id: 4}
    allocation = services.compute_allocation(db.session)
    assert allocation.stations[0][5] == 3
    assert allocation.unassigned_voters == 1


def test_no_roll_means_no_roll(db):
    make_station()
    assert not services.roll_exists(db.session)


def test_proposal_counts_stations_needed_at_capacity(db):
    centre = make_centre(code="C9")
    make_station(centre)
    [proposal] = services.propose_stations(db.session, 600, {centre.id: 1201})
    assert (proposal.voters, proposal.existing, proposal.needed, proposal.missing) == (1201, 1, 3, 2)


def test_a_station_capacity_not_given_is_the_declared_default():
    assert services.DEFAULT_STATION_CAPACITY == 600
    assert [services.station_capacity(asked) for asked in (None, 0, -5, 450)] == [600, 600, 600, 450]


def test_missing_stations_are_created_with_free_codes(db):
    centre = make_centre(code="C9")
    make_station(centre, code="C9-01")
    assert services.create_missing_stations(db.session, 600, {centre.id: 1201}) == 2
    codes = sorted(db.session.scalars(db.select(PollingStation.code).where(PollingStation.centre_id == centre.id)))
    assert codes == ["C9-01", "C9-02", "C9-03"]
    assert services.create_missing_stations(db.session, 600, {centre.id: 1201}) == 0


def test_creating_stations_is_audited(db):
    from electoral.core.models import AuditEntry

    centre = make_centre()
    services.create_missing_stations(db.session, 600, {centre.id: 10})
    entries = db.session.scalars(db.select(AuditEntry).where(AuditEntry.entity_type == "PollingStation")).all()
    assert [e.action for e in entries] == ["create"]


def test_shortfall_compares_national_needs_with_stock_received(db):
    ballots = make_item(code="BALLOTS")
    stocked_warehouse(ballots, 1500)
    [row] = services.shortfall(db.session, {"BALLOTS": 2000})
    assert (row.needed, row.held, row.short) == (2000, 1500, 500)


def test_district_store_shortfall_against_its_district_needs(db):
    from tests.logistics.factories import make_warehouse

    allocation = _allocation()
    run = services.record_run(db.session, allocation, user_called("officer"))
    boxes = services.find_item(db.session, "BOXES")
    store = make_warehouse("district", area=db.session.scalar(db.select(District).where(District.code == "D1")))
    services.receive_stock(db.session, store, boxes, 4, user=user_called("dispatcher"))
    short = {(r.warehouse_code, r.item_code): (r.needed, r.on_hand, r.short)
             for r in services.store_shortfall(db.session, run)}
    assert short[(store.code, "BOXES")] == (6, 4, 2)
    assert short[(store.code, "BALLOTS")] == (1300, 0, 1300)
