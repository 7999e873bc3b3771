"""Certification: only in the supervisor's scope, only when every station is accepted or excused,
behind a confirmation page; a certified area's sheets are closed until a recorded de-certification."""

import pytest
from sqlalchemy import select

from electoral.core.auth import Role
from electoral.core.errors import ValidationFailed
from electoral.core.models import AuditEntry
from electoral.results import services
from tests.factories import make_centre, make_district, make_region, make_station
from tests.results.factories import enter_twice, figures, make_clerk, make_race, make_supervisor


@pytest.fixture
def world(db):
    """Districts A and B of one region, three stations each; A fully counted, B with one sheet."""
    region = make_region(code="R")
    a, b = make_district(region, code="DA"), make_district(region, code="DB")
    ca, cb = make_centre(a, code="CA"), make_centre(b, code="CB")
    stations = {code: make_station(ca if code.startswith("A") else cb, code=code)
                for code in ("A1", "A2", "A3", "B1", "B2", "B3")}
    race = make_race(code="PRES")
    for n, code in enumerate(("A1", "A2", "A3", "B1")):
        # Figures differ per station: the same figures at two stations would be quarantined.
        enter_twice(race, stations[code], figures(cast=100 + n, votes=(60 + n, 36)))
    return race, a, b, stations


def test_a_supervisor_scoped_to_one_district_cannot_certify_another(db, world):
    race, a, b, _stations = world
    supervisor = make_supervisor()
    supervisor.scope_district = a
    with pytest.raises(ValidationFailed, match="outside the area"):
        services.certify(db.session, race, b, supervisor)
    with pytest.raises(ValidationFailed, match="outside the area"):
        services.certify(db.session, race, None, supervisor)
    assert services.certify(db.session, race, a, supervisor).stations == 3


def test_the_certify_page_refuses_an_area_outside_the_scope(db, world, client, login_as):
    race, a, b, _stations = world
    db.session.commit()
    login_as(Role.RESULTS_SUPERVISOR, scope=a)
    assert client.get("/results/races/PRES/certify?area=DB").status_code == 403
    assert client.get("/results/races/PRES/certify").status_code == 403  # national
    assert client.post_form("/results/races/PRES/certify?area=DB", {}).status_code == 403
    assert services.certification(db.session, race, b) is None


def test_national_results_are_not_certified_with_stations_missing(db, world):
    race, _a, _b, _stations = world
    with pytest.raises(ValidationFailed, match="2 of 6 stations are not yet accepted or excused"):
        services.certify(db.session, race, None, make_supervisor())
    assert services.certification(db.session, race, None) is None


def test_the_confirmation_page_lists_what_is_missing_and_the_post_certifies(db, world, client, login_as):
    race, _a, b, stations = world
    db.session.commit()
    login_as(Role.RESULTS_SUPERVISOR)
    page = client.get("/results/races/PRES/certify?area=DB").get_data(as_text=True)
    assert "3 stations: 1 accepted, 0 excused, 2 outstanding." in page
    assert "B2" in page and "B3" in page and "not received: 2" in page
    assert "Certify these results</button>" not in page
    response = client.post_form("/results/races/PRES/certify?area=DB", {})
    assert "2 of 3 stations are not yet accepted or excused" in response.get_data(as_text=True)
    assert services.certification(db.session, race, b) is None
    for code in ("B2", "B3"):
        response = client.post_form(f"/results/races/PRES/stations/{code}/excuse", {"reason": "Flooded, no poll"})
        assert response.status_code == 302
    page = client.get("/results/races/PRES/certify?area=DB").get_data(as_text=True)
    assert "3 stations: 1 accepted, 2 excused, 0 outstanding." in page and "Certify these results</button>" in page
    client.post_form("/results/races/PRES/certify?area=DB", {})
    certified = services.certification(db.session, race, b)
    assert (certified.stations, certified.excused) == (3, 2)
    assert "Final: certified results" in client.get("/results/races/PRES?area=DB").get_data(as_text=True)


def test_excusing_needs_a_reason_and_is_recorded(db, world):
    race, _a, _b, stations = world
    supervisor = make_supervisor()
    with pytest.raises(ValidationFailed):
        services.excuse(db.session, race, stations["B2"], supervisor, "  ")
    sheet = services.excuse(db.session, race, stations["B2"], supervisor, "Ballot box burnt")
    assert sheet.state == "cancelled"
    history = [(e.action, e.reason) for e in sheet_events(db, sheet)]
    assert history == [("excused", "Ballot box burnt")]


def test_a_sheet_with_agreed_figures_is_not_excused(db, world):
    race, _a, _b, stations = world
    with pytest.raises(ValidationFailed, match="audit decision"):
        services.excuse(db.session, race, stations["A1"], make_supervisor(), "no")


def sheet_events(db, sheet):
    from electoral.results.models import SheetEvent

    return db.session.scalars(select(SheetEvent).where(SheetEvent.sheet_id == sheet.id)).all()


def test_a_certified_area_is_closed_to_entry_resolution_and_decisions(db, world):
    race, a, b, stations = world
    supervisor, other = make_supervisor(), make_supervisor()
    clerks = make_clerk(), make_clerk()
    services.submit_entry(db.session, race, stations["B2"], clerks[0], figures())
    services.submit_entry(db.session, race, stations["B2"], clerks[1], figures(cast=99, votes=(59, 36)))
    mismatched = services.find_sheet(db.session, race, stations["B2"])
    services.decide(db.session, mismatched, supervisor, "cancel", "recount ordered")
    services.excuse(db.session, race, stations["B3"], supervisor, "no poll")
    services.certify(db.session, race, b, supervisor)
    closed = "certified: its sheets are closed"
    with pytest.raises(ValidationFailed, match=closed):
        services.decide(db.session, mismatched, other, "re_enter", "again")
    with pytest.raises(ValidationFailed, match=closed):
        services.decide(db.session, services.find_sheet(db.session, race, stations["B1"]), other, "cancel", "x")
    with pytest.raises(ValidationFailed, match=closed):
        services.excuse(db.session, race, stations["B3"], other, "x")
    # District A is not certified: its sheets stay open.
    services.decide(db.session, services.find_sheet(db.session, race, stations["A1"]), other, "re_enter", "recount")
    services.submit_entry(db.session, race, stations["A1"], clerks[0], figures(cast=90, votes=(50, 36)))


def test_entry_after_certification_is_refused_until_a_recorded_decertification(db, world, client, login_as):
    race, a, _b, stations = world
    supervisor = make_supervisor()
    services.decide(db.session, services.find_sheet(db.session, race, stations["A1"]), supervisor, "re_enter", "r")
    services.excuse(db.session, race, stations["A1"], supervisor, "box lost")
    services.certify(db.session, race, a, supervisor)
    clerk = make_clerk()
    with pytest.raises(ValidationFailed, match="certified: its sheets are closed"):
        services.submit_entry(db.session, race, stations["A1"], clerk, figures())
    with pytest.raises(ValidationFailed, match="Give the reason"):
        services.decertify(db.session, race, a, supervisor, "")
    services.decertify(db.session, race, a, supervisor, "Court ordered a recount")
    assert services.summary(db.session, race, a).final is False
    services.decide(db.session, services.find_sheet(db.session, race, stations["A1"]), supervisor, "re_enter", "r")
    services.submit_entry(db.session, race, stations["A1"], clerk, figures())
    db.session.commit()
    changes = db.session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "Certification")
                                 .order_by(AuditEntry.id)).all()
    assert [c.action for c in changes][:2] == ["create", "update"]
    assert changes[1].after["decertify_reason"] == "Court ordered a recount"


def test_decertifying_through_the_page_reopens_the_area(db, world, client, login_as):
    race, a, _b, _stations = world
    services.certify(db.session, race, a, make_supervisor())
    db.session.commit()
    login_as(Role.RESULTS_SUPERVISOR)
    page = client.get("/results/races/PRES/certify?area=DA").get_data(as_text=True)
    assert "Withdraw the certification" in page and "covering 3 stations, 0 of them excused" in page
    client.post_form("/results/races/PRES/decertify?area=DA", {"reason": "Recount ordered by the court"})
    assert services.certification(db.session, race, a) is None
    assert "Provisional results" in client.get("/results/races/PRES?area=DA").get_data(as_text=True)
