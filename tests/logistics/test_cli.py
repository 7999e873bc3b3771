"""`electoral logistics ...` commands."""

from electoral.core.auth import Role
from electoral.extensions import db
from electoral.geography.models import PollingStation
from electoral.logistics import services
from electoral.logistics.models import AllocationRun
from tests.factories import make_centre, make_station, user_called
from tests.logistics.factories import full_receipt, make_item, packed_consignment
from tests.registration.factories import make_election, make_voter


def _roll(voters=3):
    make_election()
    station = make_station(capacity=2)
    for _ in range(voters):
        make_voter(centre=station.centre, station=station)
    db.session.commit()
    return station


def test_catalogue_seed_adds_the_default_items(runner, db):
    result = runner.invoke(args=["logistics", "catalogue", "seed"])
    assert result.exit_code == 0, result.output
    assert f"Added {len(services.DEFAULT_CATALOGUE)} items" in result.output
    assert services.find_item(db.session, "INK") is not None


def test_stations_propose_and_create(runner, db):
    station = _roll(voters=3)
    proposed = runner.invoke(args=["logistics", "stations", "propose", "--capacity", "2"])
    assert "1 centres need 1 more stations" in proposed.output
    created = runner.invoke(args=["logistics", "stations", "create", "--capacity", "2"])
    assert "Created 1 polling stations" in created.output
    count = db.session.scalar(db.select(db.func.count()).select_from(PollingStation).where(
        PollingStation.centre_id == station.centre_id))
    assert count == 2


def test_allocate_without_a_roll_computes_nothing(runner, db):
    make_station()
    user_called("officer", Role.LOGISTICS_OFFICER)
    db.session.commit()
    result = runner.invoke(args=["logistics", "allocate", "--as", "officer"])
    assert result.exit_code == 1
    assert "No roll exists yet" in result.output
    assert db.session.scalar(db.select(AllocationRun)) is None


def test_allocate_records_a_run_and_prints_the_shortfall(runner, db):
    _roll(voters=3)
    make_item(code="BALLOTS", basis="voter", pack_size=50)
    user_called("officer", Role.LOGISTICS_OFFICER)
    db.session.commit()
    result = runner.invoke(args=["logistics", "allocate", "--as", "officer"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(db.select(AllocationRun)).computed_by == "officer"
    assert "1 stations, 1 centres, 3 voters; roll NOT frozen" in result.output
    assert "BALLOTS\tneeded 50\tin stock 0\tSHORT 50" in result.output


def test_allocation_export_at_region_level(runner, db, tmp_path):
    station = _roll(voters=3)
    make_item(code="BOXES", amount=2)
    db.session.commit()
    target = tmp_path / "alloc.csv"
    result = runner.invoke(args=["logistics", "allocation", "export", str(target), "--level", "region"])
    assert result.exit_code == 0, result.output
    region = station.centre.district.region.code
    assert target.read_text(encoding="utf-8-sig").splitlines() == ["region_code,stations,voters,BOXES", f"{region},1,3,2"]


def test_custody_prints_the_history_of_a_seal(runner, db):
    consignment = packed_consignment(destination=make_centre(), seals=("SL-42",))
    services.dispatch(db.session, consignment, user_called("dispatcher"))
    services.receive(db.session, consignment, full_receipt(consignment, **{"SL-42": "broken"}), user_called("storekeeper"))
    db.session.commit()
    result = runner.invoke(args=["logistics", "custody", "SL-42"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split("\t")[1] for line in lines] == ["Dispatched", "Received", "Discrepancy"]
    assert "Seal SL-42 is broken." in lines[2]


def test_custody_of_an_unknown_seal_says_so(runner, db):
    result = runner.invoke(args=["logistics", "custody", "NOPE"])
    assert result.exit_code == 1
    assert "Nothing has been recorded for NOPE" in result.output
