"""Hand-over at the centre: each station's presiding officer signs for its ballots, never more than arrived."""

import pytest

from electoral.core.auth import Role
from electoral.core.errors import ValidationFailed
from electoral.logistics import services
from electoral.logistics.models import StationIssue
from tests.factories import make_centre, make_station, user_called
from tests.logistics.factories import full_receipt, make_item, packed_consignment


@pytest.fixture
def received(db):
    item = make_item(code="BALLOT-PRES", name="Presidential ballot papers", sensitive=True)
    centre = make_centre()
    consignment = packed_consignment(destination=centre, item=item, quantity=500)
    services.dispatch(db.session, consignment, user_called("dispatcher"))
    services.receive(db.session, consignment, full_receipt(consignment), user_called("storekeeper"))
    return item, centre


def test_a_station_signs_for_ballots_and_a_correction_replaces_the_figure(db, received):
    item, centre = received
    station = make_station(centre)
    services.issue_to_station(db.session, station, item, 300, "Musu Sirleaf", user_called("logistics"))
    services.issue_to_station(db.session, station, item, 280, "Musu Sirleaf", user_called("logistics"))
    [issue] = db.session.scalars(db.select(StationIssue)).all()
    assert (issue.quantity, issue.received_by) == (280, "Musu Sirleaf")
    assert services.issued_to_stations(db.session, "BALLOT-PRES", [station.id]) == {station.id: 280}


def test_the_centre_cannot_hand_over_more_than_it_received(db, received):
    item, centre = received
    first, second = make_station(centre), make_station(centre)
    services.issue_to_station(db.session, first, item, 300, "Musu Sirleaf", user_called("logistics"))
    with pytest.raises(ValidationFailed) as failure:
        services.issue_to_station(db.session, second, item, 201, "Joseph Flomo", user_called("logistics"))
    assert "at most 200 can go to this one" in failure.value.errors["quantity"][0]
    services.issue_to_station(db.session, second, item, 200, "Joseph Flomo", user_called("logistics"))


def test_serial_numbers_must_cover_the_quantity(db, received):
    item, centre = received
    with pytest.raises(ValidationFailed) as failure:
        services.issue_to_station(db.session, make_station(centre), item, 100, "Musu Sirleaf", user_called("logistics"),
                                  serial_from=1001, serial_to=1050)
    assert "serial_to" in failure.value.errors


def test_officer_records_a_hand_over_on_the_station_page(client, db, login_as, received):
    item, centre = received
    station = make_station(centre)
    db.session.commit()
    login_as(Role.LOGISTICS_OFFICER)
    url = f"/logistics/stations/{station.code}/hand-over"
    assert "Nothing handed over yet." in client.get(url).get_data(as_text=True)
    too_many = client.post_form(url, {"item": item.id, "quantity": "900", "received_by": "Musu Sirleaf"})
    assert "at most 500 can go to this one" in too_many.get_data(as_text=True)
    response = client.post_form(url, {"item": item.id, "quantity": "450", "received_by": "Musu Sirleaf"},
                                follow_redirects=True)
    page = response.get_data(as_text=True)
    assert f"Hand-over to polling station {station.code} recorded." in page and "Musu Sirleaf" in page
