"""A GPS reading per polling station: kept per station, the centre's point derived, far stations warned of."""

import io

import pytest
import sqlalchemy as sa

from electoral.core.auth import Role
from electoral.geography.imports import import_geography
from electoral.geography.models import PollingCentre, PollingStation
from electoral.geography.points import distance_km
from tests.factories import make_centre, make_station
from tests.geography.test_import import GOOD, HEADER, csv_bytes

# Shaped like a commission's own file: provinces and districts with their NEC codes, a
# chiefdom column the import does not read, and a reading taken at every polling
# station, so the stations of one centre differ by a few metres.
SL_HEADER = ("region_code,region_name,district_code,district_name,chiefdom,centre_code,centre_name,"
             "station_code,station_name,latitude,longitude")
SL_ROWS = [
    "S,Southern Province,BO,Bo District,Kakua,01001,Bo Government Secondary School,01001-01,BGSS Station 1,7.96472,-11.73833",
    "S,Southern Province,BO,Bo District,Kakua,01001,Bo Government Secondary School,01001-02,BGSS Station 2,7.96481,-11.73828",
    "S,Southern Province,BO,Bo District,Kakua,01001,Bo Government Secondary School,01001-03,BGSS Station 3,7.96466,-11.73841",
    "S,Southern Province,BO,Bo District,Kakua,01001,Bo Government Secondary School,01001-04,BGSS Station 4,7.96477,-11.73819",
    "S,Southern Province,BO,Bo District,Tikonko,01002,Tikonko Community Centre,01002-01,Tikonko 1,7.88721,-11.75230",
    "S,Southern Province,BO,Bo District,Tikonko,01002,Tikonko Community Centre,01002-02,Tikonko 2,7.88716,-11.75241",
    "E,Eastern Province,KE,Kenema District,Nongowa,02001,Kenema Town Hall,02001-01,Town Hall 1,7.87687,-11.19025",
    "E,Eastern Province,KE,Kenema District,Nongowa,02001,Kenema Town Hall,02001-02,Town Hall 2,7.87695,-11.19017",
    # A reading taken 40 km away, at Bo: a slip a clerk should look at, not a reason to refuse the file.
    "E,Eastern Province,KE,Kenema District,Nongowa,02001,Kenema Town Hall,02001-03,Town Hall 3,7.96472,-11.54000",
    "E,Eastern Province,KE,Kenema District,Nongowa,02001,Kenema Town Hall,02001-04,Town Hall 4,7.87690,-11.19030",
    "N,Northern Province,BOM,Bombali District,Bombali Sebora,03001,Makeni Wusum Field,03001-01,Wusum 1,8.88333,-12.04417",
    "N,Northern Province,BOM,Bombali District,Bombali Sebora,03001,Makeni Wusum Field,03001-02,Wusum 2,8.88339,-12.04409",
]


def _station(db, code):
    return db.session.scalar(sa.select(PollingStation).where(PollingStation.code == code))


def _centre(db, code):
    return db.session.scalar(sa.select(PollingCentre).where(PollingCentre.code == code))


def test_sierra_leone_file_with_a_reading_per_station_imports_and_keeps_each_point(db):
    summary = import_geography(db.session, csv_bytes(SL_ROWS, header=SL_HEADER), "nec-sl.csv")
    db.session.commit()
    assert summary.created == {"region": 3, "district": 3, "centre": 4, "station": 12}
    assert (_station(db, "01001-02").latitude, _station(db, "01001-02").longitude) == (7.96481, -11.73828)
    assert (_station(db, "01001-03").latitude, _station(db, "01001-03").longitude) == (7.96466, -11.73841)
    bo = _centre(db, "01001")
    # The median of the four readings: the middle two latitudes and longitudes averaged.
    assert bo.latitude == pytest.approx((7.96472 + 7.96477) / 2)
    assert bo.longitude == pytest.approx((-11.73833 + -11.73828) / 2)


def test_a_station_40_km_from_its_centre_is_a_warning_naming_its_line(db):
    summary = import_geography(db.session, csv_bytes(SL_ROWS, header=SL_HEADER), "nec-sl.csv")
    assert [(w.line, w.message) for w in summary.warnings] == [
        (10, "station 02001-03 is 39.7 km from the other stations of centre 02001: check its GPS reading")]
    kenema = _centre(db, "02001")
    # The stray reading does not drag the centre's point towards Bo.
    assert distance_km((kenema.latitude, kenema.longitude), (7.87690, -11.19025)) < 0.02
    assert _station(db, "02001-03").latitude == 7.96472


def test_the_warning_distance_is_a_setting(db, app, monkeypatch):
    monkeypatch.setitem(app.config, "STATION_DISTANCE_WARNING_KM", 50)
    assert import_geography(db.session, csv_bytes(SL_ROWS, header=SL_HEADER), "nec-sl.csv").warnings == []


def test_a_file_with_one_point_per_centre_still_imports(db):
    header = HEADER + ",latitude,longitude"
    rows = [line + ",6.2907,-10.7605" for line in GOOD[:2]] + [line + ",," for line in GOOD[2:]]
    summary = import_geography(db.session, csv_bytes(rows, header=header), "geo.csv")
    db.session.commit()
    assert summary.warnings == [] and summary.created["station"] == 4
    sinkor = _centre(db, "MO-01-001")
    assert (sinkor.latitude, sinkor.longitude) == (6.2907, -10.7605)
    assert _centre(db, "MO-02-001").latitude is None
    assert not import_geography(db.session, csv_bytes(rows, header=header), "geo.csv").changed


def test_reimporting_with_a_corrected_reading_updates_the_station_and_its_centre(db):
    import_geography(db.session, csv_bytes(SL_ROWS, header=SL_HEADER), "nec-sl.csv")
    db.session.commit()
    fixed = [row.replace("7.96472,-11.54000", "7.87699,-11.19021") for row in SL_ROWS]
    summary = import_geography(db.session, csv_bytes(fixed, header=SL_HEADER), "nec-sl.csv")
    assert summary.warnings == []
    assert summary.updated["station"] == 1 and summary.updated["centre"] == 1
    assert _station(db, "02001-03").latitude == 7.87699


def test_upload_page_imports_the_file_and_lists_the_warning(client, db, login_as):
    login_as(Role.ADMINISTRATOR)
    response = client.post_form("/geography/import",
                                {"file": (io.BytesIO(csv_bytes(SL_ROWS, header=SL_HEADER)), "nec-sl.csv")},
                                content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "12 stations created" in page
    assert "1 warning" in page and "<td>10</td>" in page and "station 02001-03 is 39.7 km" in page
    assert db.session.scalar(sa.select(sa.func.count(PollingStation.id))) == 12


def test_cli_prints_the_warning_and_exits_zero(runner, tmp_path, db):
    path = tmp_path / "nec-sl.csv"
    path.write_bytes(csv_bytes(SL_ROWS, header=SL_HEADER))
    result = runner.invoke(args=["geography", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "created 3 regions, 3 districts, 4 centres, 12 stations" in result.output
    assert "warning: line 10: station 02001-03 is 39.7 km from the other stations of centre 02001" in result.output
    assert db.session.scalar(sa.select(sa.func.count(PollingStation.id))) == 12


def test_admin_edits_a_stations_point_and_the_centre_follows(client, db, login_as):
    login_as(Role.ADMINISTRATOR)
    centre = make_centre(code="01001")
    make_station(centre=centre, code="01001-01")
    db.session.commit()
    response = client.post_form("/geography/station/01001-01/edit", {
        "parent_code": "01001", "code": "01001-01", "name": "BGSS 1", "capacity": "600",
        "latitude": "7.96472", "longitude": "-11.73833"})
    assert response.status_code == 302
    assert (_station(db, "01001-01").latitude, _station(db, "01001-01").longitude) == (7.96472, -11.73833)
    assert (_centre(db, "01001").latitude, _centre(db, "01001").longitude) == (7.96472, -11.73833)
    detail = client.get("/geography/station/01001-01").get_data(as_text=True)
    assert "7.96472, -11.73833" in detail
    page = client.post_form("/geography/station/01001-01/edit", {
        "parent_code": "01001", "code": "01001-01", "name": "BGSS 1", "capacity": "600",
        "latitude": "7.96472", "longitude": ""}).get_data(as_text=True)
    assert "both latitude and longitude" in page


def test_centre_page_shows_each_stations_point_and_flags_the_far_one(client, db, login_as):
    import_geography(db.session, csv_bytes(SL_ROWS, header=SL_HEADER), "nec-sl.csv")
    db.session.commit()
    login_as(Role.ADMINISTRATOR)
    page = client.get("/geography/centre/02001").get_data(as_text=True)
    assert "7.87695, -11.19017" in page
    assert "39.7 km from the polling centre: check the reading" in page
    assert page.count("km from the polling centre") == 1
