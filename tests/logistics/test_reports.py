"""Packing list, waybill and staff list PDFs, read back."""

import pytest

from electoral.core.auth import Role
from electoral.logistics import services
from electoral.logistics.services import staffing
from electoral.reports import registry
from tests.factories import make_centre, make_district, make_station, make_user, user_called
from tests.logistics.factories import full_receipt, make_item, packed_consignment, stocked_warehouse
from tests.registration.factories import POLLING_DAY, make_election, make_voter
from tests.reports.helpers import page_count, pdf_text
from tests.training.factories import certify, make_official, make_position


def _print(name, params, lang="en", user=None):
    return registry.render(name, params, lang=lang, roles=[Role.LOGISTICS_OFFICER], printed_by="test", user=user)


def _words(pdf: bytes) -> str:
    """The text with table cells and lines joined by single spaces, as read along each row."""
    return " ".join(pdf_text(pdf).split())


def _centre_with_roll():
    make_election()
    centre = make_centre(code="C-PL", name="Gbarnga Central School")
    station = make_station(centre, code="C-PL-01")
    for _ in range(3):
        make_voter(centre=centre, station=station)
    make_item(code="BALLOTS", name="Ballot papers", unit="ballot paper", basis="voter", buffer_percent=2,
              pack_size=50)
    make_item(code="BOXES", name="Ballot boxes", unit="box", amount=2)
    make_item(code="SIGNS", name="Centre signage", unit="kit", basis="centre")
    return centre


def test_packing_list_shows_quantities_per_station_seals_and_signatures(db):
    centre = _centre_with_roll()
    ballots = services.find_item(db.session, "BALLOTS")
    consignment = packed_consignment(origin=stocked_warehouse(ballots, 1000), destination=centre, item=ballots,
                                     quantity=50, seals=("SL-314", "SL-315"))
    db.session.commit()
    text = _words(_print("packing-list", {"centre": "c-pl"}))
    assert "Gbarnga Central School" in text
    assert "Station C-PL-01 · 3 voters" in text
    assert "Ballot papers ballot paper 50" in text
    assert "Ballot boxes box 2" in text
    assert "Centre signage kit 1" in text
    assert consignment.code in text and "SL-314, SL-315" in text
    assert "Received by (centre manager)" in text
    assert "PROVISIONAL" in text


def test_packing_list_without_a_roll_prints_no_figures(db):
    make_centre(code="C-NR")
    db.session.commit()
    text = _words(_print("packing-list", {"centre": "C-NR"}))
    assert "No roll exists yet" in text


def test_packing_list_of_another_district_is_not_printed_for_a_district_officer(db):
    _centre_with_roll()
    officer = make_user(Role.LOGISTICS_OFFICER, scope=make_district())
    db.session.commit()
    with pytest.raises(registry.NotAllowed):
        _print("packing-list", {"centre": "C-PL"}, user=officer)


def test_packing_list_prints_in_french(db):
    _centre_with_roll()
    db.session.commit()
    text = _words(_print("packing-list", {"centre": "C-PL"}, lang="fr"))
    assert "C-PL-01" in text and page_count(_print("packing-list", {"centre": "C-PL"}, lang="fr")) >= 1


def test_waybill_carries_driver_seals_serials_and_what_was_received(db):
    ballots = make_item(name="Ballot papers", serialised=True)
    warehouse = stocked_warehouse(ballots, 1000, serial_from=1, serial_to=1000)
    consignment = packed_consignment(origin=warehouse, item=ballots, quantity=100, serial_from=101, serial_to=200,
                                     seals=("SL-7",))
    services.dispatch(db.session, consignment, user_called("dispatcher"))
    services.receive(db.session, consignment, full_receipt(consignment, **{"SL-7": "broken"}), user_called("storekeeper"))
    db.session.commit()
    text = _words(_print("waybill", {"consignment": consignment.code}))
    assert f"Waybill {consignment.code}" in text
    assert "Moses Kollie" in text and "LBR-4411" in text
    assert "101–200" in text
    assert "SL-7 broken" in text


def test_staff_list_names_the_officials_of_each_station(db):
    make_election()
    position = make_position(code="PO", per_station=1)
    station = make_station(code="S-ST")
    official = make_official(position=position, district=station.centre.district, name="Comfort Tarpeh",
                             reference="OF-123")
    certify(official)
    staffing.assign(db.session, station, "PO", official, POLLING_DAY, user_called("officer"))
    db.session.commit()
    text = _words(_print("staff-list", {"centre": station.centre.code}))
    assert "S-ST PO 1 Comfort Tarpeh OF-123" in text
    assert "Centre manager" in text
