"""Logistics pages: permissions, packing and dispatch, receipt with seal checks, rules, allocation, custody."""

import re

import pytest

from electoral.core.auth import Role
from electoral.extensions import db
from electoral.logistics import services
from electoral.logistics.models import Consignment, Discrepancy
from tests.factories import make_centre, make_district, make_station, user_called
from tests.logistics.factories import (
    full_receipt,
    make_item,
    make_warehouse,
    packed_consignment,
    stocked_warehouse,
)
from tests.registration.factories import make_election, make_voter
from tests.training.factories import certify, make_official, make_position


@pytest.mark.parametrize("url", ["/logistics/", "/logistics/consignments", "/logistics/allocation",
                                 "/logistics/custody", "/logistics/catalogue", "/logistics/staffing"])
def test_registration_clerk_is_refused(client, login_as, url):
    login_as(Role.REGISTRATION_CLERK)
    assert client.get(url).status_code == 403


def test_logistics_officer_sees_the_menu_and_home_actions(client, login_as):
    login_as(Role.LOGISTICS_OFFICER)
    page = client.get("/").get_data(as_text=True)
    assert 'href="/logistics/"' in page
    assert "Pack and dispatch materials" in page


def test_officer_packs_and_dispatches_a_consignment(client, login_as, db):
    item = make_item(code="BOXES", name="Ballot boxes")
    warehouse = stocked_warehouse(item, 50)
    centre = make_centre(code="C-77")
    db.session.commit()
    login_as(Role.LOGISTICS_OFFICER)
    response = client.post_form("/logistics/consignments/new", {
        "kind": "outbound", "origin": warehouse.code, "destination": "C-77", "vehicle": "", "driver": ""})
    assert response.status_code == 302
    url = response.headers["Location"]
    code = url.rsplit("/", 1)[1]
    assert client.post_form(f"{url}/lines", {"line-item_code": "BOXES", "line-quantity": "6"}).status_code == 302
    assert client.post_form(f"{url}/seals", {"seals-seals": "SL-1, SL-2"}).status_code == 302
    refused = client.post_form(f"{url}/dispatch")
    assert "Give the vehicle and the driver." in refused.get_data(as_text=True)
    client.post_form(f"{url}/details", {"details-vehicle": "LBR-1", "details-driver": "Moses"})
    assert client.post_form(f"{url}/dispatch").status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "On its way" in page and "Moses" in page
    assert services.find_consignment(db.session, code).status == "dispatched"
    assert centre.code in page


def _dispatched_to(district):
    consignment = packed_consignment(destination=make_centre(district), seals=("SL-1", "SL-2"))
    services.dispatch(db.session, consignment, user_called("dispatcher"))
    db.session.commit()
    return consignment


def test_district_officer_confirms_receipt_with_a_broken_seal(client, login_as, db):
    district = make_district()
    consignment = _dispatched_to(district)
    line, (first, second) = consignment.lines[0], consignment.seals
    login_as(Role.LOGISTICS_OFFICER, scope=district)
    url = f"/logistics/consignments/{consignment.code}/receive"
    assert "Seal SL-2" in client.get(url).get_data(as_text=True)
    response = client.post_form(url, {f"count-{line.id}": str(line.quantity), f"seal-{first.id}": "intact",
                                      f"seal-{second.id}": "broken"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Received with 1 discrepancy; it stays open" in page
    assert "Seal SL-2 is broken." in page
    assert "Open until a supervisor resolves it." in page
    assert db.session.scalar(db.select(Discrepancy.kind)) == "broken_seal"


def test_district_officer_cannot_receive_for_another_district(client, login_as, db):
    consignment = _dispatched_to(make_district())
    line, seal = consignment.lines[0], consignment.seals[0]
    login_as(Role.LOGISTICS_OFFICER, scope=make_district())
    url = f"/logistics/consignments/{consignment.code}/receive"
    assert client.get(url).status_code == 403
    assert client.post_form(url, {f"count-{line.id}": "1", f"seal-{seal.id}": "intact"}).status_code == 403
    assert db.session.get(Consignment, consignment.id).status == "dispatched"


def test_waybill_link_opens_the_print_form_filled_with_the_consignment(client, login_as, db):
    consignment = _dispatched_to(make_district())
    db.session.commit()
    login_as(Role.LOGISTICS_OFFICER)
    page = client.get(f"/logistics/consignments/{consignment.code}").get_data(as_text=True)
    link = re.search(r'href="(/reports/waybill[^"]*)"', page).group(1)
    form = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert re.search(rf'name="p_consignment"[^>]*value="{consignment.code}"', form)
    centre = consignment.destination_centre.code
    packing = re.search(r'href="(/reports/packing-list[^"]*)"', page).group(1)
    assert re.search(rf'name="p_centre"[^>]*value="{centre}"', client.get(packing).get_data(as_text=True))


def test_received_consignment_page_refuses_edits(client, login_as, db):
    consignment = _dispatched_to(make_district())
    services.receive(db.session, consignment, full_receipt(consignment), user_called("storekeeper"))
    db.session.commit()
    login_as(Role.LOGISTICS_OFFICER)
    response = client.post_form(f"/logistics/consignments/{consignment.code}/seals", {"seals-seals": "SL-9"})
    assert response.status_code == 400
    assert "was received and cannot be changed" in response.get_data(as_text=True)


def test_supervisor_resolves_a_discrepancy(client, login_as, db):
    consignment = _dispatched_to(make_district())
    [problem] = services.receive(db.session, consignment, full_receipt(consignment, **{"SL-1": "missing"}), user_called("storekeeper"))
    db.session.commit()
    login_as(Role.LOGISTICS_OFFICER)
    client.post_form(f"/logistics/discrepancies/{problem.id}/resolve", {"resolve-resolution": "Found in the cab"})
    db.session.expire_all()
    assert db.session.get(Discrepancy, problem.id).status == "resolved"


def test_district_officer_cannot_resolve_a_discrepancy(client, login_as, db):
    district = make_district()
    consignment = _dispatched_to(district)
    [problem] = services.receive(db.session, consignment, full_receipt(consignment, **{"SL-1": "missing"}), user_called("storekeeper"))
    db.session.commit()
    login_as(Role.LOGISTICS_OFFICER, scope=district)
    response = client.post_form(f"/logistics/discrepancies/{problem.id}/resolve", {"resolve-resolution": "ok"})
    assert response.status_code == 403


def test_catalogue_page_explains_each_rule_in_words(client, login_as, db):
    make_item(name="Indelible ink", unit="bottle", basis="voter", per_voters=700, buffer_percent=10, minimum=2)
    db.session.commit()
    login_as(Role.LOGISTICS_OFFICER)
    page = client.get("/logistics/catalogue").get_data(as_text=True)
    assert "1 × bottle for every 700 registered voters of the station." in page
    assert "At least 2." in page


def test_officer_edits_a_rule_and_bad_figures_are_shown_beside_the_fields(client, login_as, db):
    make_item(code="INK")
    db.session.commit()
    login_as(Role.LOGISTICS_OFFICER)
    response = client.post_form("/logistics/catalogue/INK/edit", {
        "code": "INK", "name": "Ink", "unit": "bottle", "pack_size": "1", "basis": "voter", "amount": "1",
        "per_voters": "700", "buffer_percent": "250", "minimum": "0", "active": "y"})
    assert "Number must be between 0 and 100." in response.get_data(as_text=True)


def test_scoped_officer_cannot_change_the_catalogue(client, login_as):
    login_as(Role.LOGISTICS_OFFICER, scope=make_district())
    assert client.get("/logistics/catalogue/new").status_code == 403


def test_allocation_page_says_no_roll_exists_and_computes_nothing(client, login_as, db):
    make_station()
    db.session.commit()
    login_as(Role.LOGISTICS_OFFICER)
    assert "No roll exists yet" in client.get("/logistics/allocation").get_data(as_text=True)
    client.post_form("/logistics/allocation")
    assert services.latest_run(db.session) is None


def test_allocation_is_recomputed_and_exported(client, login_as, db):
    make_election()
    station = make_station(code="S-1")
    make_voter(centre=station.centre, station=station)
    make_item(code="BALLOTS", basis="voter", pack_size=50)
    make_warehouse("district", area=station.centre.district, code="ST-1")
    db.session.commit()
    login_as(Role.LOGISTICS_OFFICER)
    page = client.post_form("/logistics/allocation", follow_redirects=True).get_data(as_text=True)
    assert "Allocation recomputed for 1 stations and 1 voters." in page
    assert "provisional" in page
    assert "ST-1" in page  # the district store holds none of the 50 ballots its district needs
    csv = client.get("/logistics/allocation.csv?level=station").get_data(as_text=True)
    assert csv.splitlines()[1].endswith("S-1,1,1,50")


def test_custody_page_lists_every_hand_of_a_seal(client, login_as, db):
    consignment = _dispatched_to(make_district())
    services.receive(db.session, consignment, full_receipt(consignment), user_called("storekeeper"))
    db.session.commit()
    login_as(Role.LOGISTICS_OFFICER)
    page = client.get("/logistics/custody?q=SL-2").get_data(as_text=True)
    assert "Dispatched" in page and "Received" in page and consignment.code in page


def test_dashboard_shows_the_share_of_centres_received(client, login_as, db):
    district = make_district(code="D-9")
    consignment = _dispatched_to(district)
    make_centre(district)
    services.receive(db.session, consignment, full_receipt(consignment), user_called("storekeeper"))
    db.session.commit()
    login_as(Role.LOGISTICS_OFFICER, scope=district)
    page = client.get("/logistics/").get_data(as_text=True)
    assert "D-9" in page and "50.0%" in page


def test_station_staff_page_refuses_an_uncertified_official(client, login_as, db):
    make_election()
    position = make_position(code="PO", per_station=1)
    station = make_station(code="S-5")
    trainee = make_official(position=position, district=station.centre.district, name="Hawa Flomo")
    db.session.commit()
    login_as(Role.LOGISTICS_OFFICER)
    response = client.post_form("/logistics/staffing/station/S-5", {"position": "PO", "official": str(trainee.id)})
    assert "Hawa Flomo is not certified as PO" in response.get_data(as_text=True)


def test_station_staff_page_deploys_a_certified_official(client, login_as, db):
    make_election()
    position = make_position(code="PO", per_station=1)
    station = make_station(code="S-6")
    official = make_official(position=position, district=station.centre.district, name="Musu Dolo")
    certify(official)
    db.session.commit()
    login_as(Role.LOGISTICS_OFFICER)
    page = client.get("/logistics/staffing/station/S-6").get_data(as_text=True)
    assert "Musu Dolo" in page
    response = client.post_form("/logistics/staffing/station/S-6", {"position": "PO", "official": str(official.id)},
                                follow_redirects=True)
    assert "Musu Dolo deployed to S-6." in response.get_data(as_text=True)


def test_retrieval_page_reconciles_a_centre(client, login_as, db):
    ballots = make_item(name="Ballots", sensitive=True)
    centre = make_centre(code="C-RT")
    out = packed_consignment(origin=stocked_warehouse(ballots, 100), destination=centre, item=ballots, quantity=100)
    services.dispatch(db.session, out, user_called("dispatcher"))
    services.receive(db.session, out, full_receipt(out), user_called("storekeeper"))
    db.session.commit()
    login_as(Role.LOGISTICS_OFFICER)
    page = client.get("/logistics/retrieval?centre=C-RT").get_data(as_text=True)
    assert "100 not returned" in page


def test_supervisor_creates_a_district_store_and_receives_numbered_stock(client, login_as, db):
    make_district(code="BG-01")
    make_item(code="BALLOTS", name="Ballot papers", serialised=True)
    db.session.commit()
    login_as(Role.LOGISTICS_OFFICER)
    response = client.post_form("/logistics/warehouses", {"code": "st-bg", "name": "Bong store",
                                                            "level": "district", "area_code": "BG-01"})
    assert response.headers["Location"].endswith("/logistics/warehouses/ST-BG")
    page = client.post_form("/logistics/warehouses/ST-BG", {
        "item_code": "BALLOTS", "quantity": "500", "serial_from": "1001", "serial_to": "1500"},
        follow_redirects=True).get_data(as_text=True)
    assert "500 × Ballot papers received into ST-BG." in page
    assert services.on_hand(db.session, services.find_warehouse(db.session, "ST-BG")) == {
        services.find_item(db.session, "BALLOTS").id: 500}


def test_hub_without_its_region_is_refused_beside_the_field(client, login_as):
    login_as(Role.LOGISTICS_OFFICER)
    page = client.post_form("/logistics/warehouses", {"code": "HUB", "name": "Hub", "level": "hub",
                                                       "area_code": ""}).get_data(as_text=True)
    assert "A regional hub needs the code of its region." in page


def test_stations_page_proposes_and_creates_the_missing_stations(client, login_as, db):
    make_election()
    centre = make_centre(code="C-ST")
    for _ in range(3):
        make_voter(centre=centre)
    db.session.commit()
    login_as(Role.LOGISTICS_OFFICER)
    page = client.get("/logistics/stations?capacity=2").get_data(as_text=True)
    assert "C-ST" in page and "Create the 2 missing stations" in page
    response = client.post_form("/logistics/stations", {"capacity": "2"}, follow_redirects=True)
    assert "Created 2 polling stations." in response.get_data(as_text=True)


def test_scoped_officer_cannot_create_stations(client, login_as, db):
    make_election()
    make_voter(centre=make_centre())
    db.session.commit()
    login_as(Role.LOGISTICS_OFFICER, scope=make_district())
    assert client.post_form("/logistics/stations", {"capacity": "2"}).status_code == 403
