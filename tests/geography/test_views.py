"""Geography pages: lists, search, detail, create, edit, upload, scope."""

import io

import sqlalchemy as sa

from electoral.core.auth import Role
from electoral.geography.models import PollingCentre, PollingStation
from tests.factories import make_centre, make_district, make_region, make_station
from tests.geography.test_import import GOOD, csv_bytes


def test_lists_are_paginated_and_searchable(client, db, login_as):
    login_as(Role.REGISTRATION_CLERK)
    district = make_district(code="MO-01")
    for n in range(60):
        make_centre(district, code=f"MO-01-{n:03d}", name=f"School {n}")
    db.session.commit()
    first = client.get("/geography/centre").get_data(as_text=True)
    assert "MO-01-000" in first and "MO-01-059" not in first and "Page 1 of 2" in first
    second = client.get("/geography/centre?page=2").get_data(as_text=True)
    assert "MO-01-059" in second
    found = client.get("/geography/centre?q=school 42").get_data(as_text=True)
    assert "MO-01-042" in found and "MO-01-041" not in found


def test_admin_creates_and_edits_a_station(client, db, login_as):
    login_as(Role.ADMINISTRATOR)
    make_centre(code="MO-01-001")
    db.session.commit()
    response = client.post_form("/geography/station/new", {
        "parent_code": "MO-01-001", "code": "mo-01-001-01", "name": "Room 1", "capacity": "550"})
    assert response.status_code == 302
    response = client.post_form("/geography/station/MO-01-001-01/edit", {
        "parent_code": "MO-01-001", "code": "MO-01-001-01", "name": "Room One", "capacity": "500"})
    assert response.status_code == 302
    station = db.session.scalar(sa.select(PollingStation))
    assert (station.code, station.name, station.capacity) == ("MO-01-001-01", "Room One", 500)
    detail = client.get("/geography/station/MO-01-001-01").get_data(as_text=True)
    assert "Room One" in detail and "500" in detail


def test_bad_input_is_shown_beside_the_field(client, db, login_as):
    login_as(Role.ADMINISTRATOR)
    make_centre(code="C1")
    make_station(code="S1")
    db.session.commit()
    page = client.post_form("/geography/station/new", {
        "parent_code": "NOPE", "code": "S1", "name": "X", "capacity": "0"}).get_data(as_text=True)
    assert "Number must be between 1 and 100000" in page
    page = client.post_form("/geography/station/new", {
        "parent_code": "NOPE", "code": "S2", "name": "X", "capacity": "10"}).get_data(as_text=True)
    assert "No Polling centre has the code NOPE" in page or "code NOPE" in page
    page = client.post_form("/geography/station/new", {
        "parent_code": "C1", "code": "S1", "name": "X", "capacity": "10"}).get_data(as_text=True)
    assert "already used" in page
    assert db.session.scalar(sa.select(sa.func.count(PollingStation.id))) == 1


def test_centre_coordinates_are_checked(client, db, login_as):
    login_as(Role.ADMINISTRATOR)
    make_district(code="D1")
    db.session.commit()
    page = client.post_form("/geography/centre/new", {
        "parent_code": "D1", "code": "C9", "name": "X", "latitude": "6.3", "longitude": ""}).get_data(as_text=True)
    assert "both latitude and longitude" in page
    assert db.session.scalar(sa.select(sa.func.count(PollingCentre.id))) == 0


def test_upload_page_imports_a_good_file(client, db, login_as):
    login_as(Role.ADMINISTRATOR)
    response = client.post_form("/geography/import", {"file": (io.BytesIO(csv_bytes(GOOD)), "geo.csv")},
                                content_type="multipart/form-data", follow_redirects=True)
    assert "4 stations created" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(PollingStation.id))) == 4


def test_upload_page_lists_every_bad_line(client, db, login_as):
    login_as(Role.ADMINISTRATOR)
    bad = GOOD + ["MO,Montserrado,MO-01,Greater Monrovia,MO-01-001,Sinkor Public School,MO-01-001-01,Dup",
                  "MO,Montserrado,,Greater Monrovia,MO-01-001,Sinkor Public School,MO-01-001-09,X"]
    response = client.post_form("/geography/import", {"file": (io.BytesIO(csv_bytes(bad)), "geo.csv")},
                                content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "2 bad lines" in page and "<td>6</td>" in page and "<td>7</td>" in page
    assert db.session.scalar(sa.select(sa.func.count(PollingStation.id))) == 0


def test_scoped_user_sees_only_their_area(client, db, login_as):
    mine, other = make_district(code="MINE"), make_district(code="OTHER")
    make_centre(mine, code="C-MINE")
    make_centre(other, code="C-OTHER")
    db.session.commit()
    login_as(Role.REGISTRATION_CLERK, scope=mine)
    listing = client.get("/geography/centre").get_data(as_text=True)
    assert "C-MINE" in listing and "C-OTHER" not in listing
    assert client.get("/geography/centre/C-MINE").status_code == 200
    assert client.get("/geography/centre/C-OTHER").status_code == 403
    regions = client.get("/geography/region").get_data(as_text=True)
    assert mine.region.code in regions and other.region.code not in regions


def test_overview_shows_totals(client, db, login_as):
    login_as(Role.LOGISTICS_OFFICER)
    region = make_region(code="MO", name="Montserrado")
    centre = make_centre(make_district(region))
    make_station(centre, capacity=500)
    make_station(centre, capacity=600)
    db.session.commit()
    page = client.get("/geography/").get_data(as_text=True)
    assert "Montserrado" in page and "1,100" in page


def test_scoped_user_filters_by_a_parent_inside_their_area(client, db, login_as):
    mine = make_district(code="MINE")
    make_centre(mine, code="C-MINE")
    db.session.commit()
    login_as(Role.REGISTRATION_CLERK, scope=mine.region)
    page = client.get("/geography/centre?parent=MINE")
    assert page.status_code == 200 and "C-MINE" in page.get_data(as_text=True)
    station_page = client.get("/geography/station?parent=C-MINE&q=x")
    assert station_page.status_code == 200
