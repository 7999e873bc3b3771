"""The seats page, the electoral system page, lots and second round through the pages, and the declaration PDF."""

import pytest

from electoral.core.auth import Role
from electoral.core.errors import ValidationFailed
from electoral.reports.registry import render
from electoral.results import services
from electoral.results.seats import service
from electoral.results.seats.models import ListMember, LotDrawing
from tests.factories import make_station
from tests.reports.helpers import pdf_text
from tests.results.factories import make_race, make_supervisor
from tests.results.test_seats import accepted, list_race, members


def test_seats_page_explains_each_seat_and_names_the_elected(db, client, login_as):
    race = list_race(db, [(12000, 8000, 3000)], threshold=15)
    members(db, race, "C1", ["Moses", "Joseph", "Samuel", "Kojo"])
    db.session.commit()
    login_as(Role.RESULTS_SUPERVISOR)
    page = client.get(f"/results/races/{race.code}/seats").get_data(as_text=True)
    assert "Change: 3,000 of 23,000 valid votes in this race is 13.04%, below the threshold of 15%" in page
    assert "Seat 1 goes to Unity: its quotient 12,000 ÷ 1 = 12,000" in page
    assert "Seat 1 of Unity: Moses, number 1 on the list." in page
    assert "Kojo" in page


def test_seats_page_refuses_while_sheets_are_not_final(db, client, login_as):
    race = make_race()
    make_station()
    db.session.commit()
    login_as(Role.ADMINISTRATOR)
    response = client.get(f"/results/races/{race.code}/seats")
    assert response.status_code == 409
    assert "final figures only" in response.get_data(as_text=True)


def test_a_clerk_cannot_open_the_seats_page(db, client, login_as):
    race = make_race()
    db.session.commit()
    login_as(Role.RESULTS_CLERK)
    assert client.get(f"/results/races/{race.code}/seats").status_code == 403


def test_supervisor_records_a_drawing_of_lots_on_the_page(db, client, login_as):
    race = list_race(db, [(5000, 5000, 0)], seats=1)
    db.session.commit()
    login_as(Role.RESULTS_SUPERVISOR)
    page = client.get(f"/results/races/{race.code}/seats").get_data(as_text=True)
    assert "Record the drawing of lots" in page
    key = service.compute(db.session, race).ties[0].key
    response = client.post_form(f"/results/races/{race.code}/lots", {
        "tie_key": key, "order": "C2, C1", "drawn_by": "Musu Kamara", "witnesses": "Two party agents"})
    assert response.status_code == 302
    drawing = db.session.scalar(db.select(LotDrawing))
    assert drawing.drawn_order == ["C2", "C1"] and drawing.witnesses == "Two party agents"
    page = client.get(f"/results/races/{race.code}/seats").get_data(as_text=True)
    assert "Lots were drawn between Liberty, Unity" in page


def test_supervisor_creates_the_second_round_on_the_page(db, client, login_as):
    race = make_race(candidates=("Amara", "Joseph", "Fatu"))
    service.configure(db.session, race, method="two_round", seats=1)
    accepted(race, (40, 35, 25))
    db.session.commit()
    login_as(Role.RESULTS_SUPERVISOR)
    assert "goes to the second round" in client.get(f"/results/races/{race.code}/seats").get_data(as_text=True)
    response = client.post_form(f"/results/races/{race.code}/runoff")
    assert response.status_code == 302 and response.location.endswith(f"/results/races/{race.code}-R2")
    assert [c.name for c in services.find_race(db.session, f"{race.code}-R2").candidates] == ["Amara", "Joseph"]


def test_administrator_sets_the_electoral_system_on_the_race_page(db, client, login_as):
    race = make_race()
    db.session.commit()
    login_as(Role.ADMINISTRATOR)
    assert "Electoral system" in client.get(f"/results/races/{race.code}").get_data(as_text=True)
    response = client.post_form(f"/results/races/{race.code}/system", {
        "method": "modified_sainte_lague", "seats": "9", "threshold": "4", "threshold_scope": "race",
        "first_divisor": "1.4", "advance": "2", "women_every": "2"})
    assert response.status_code == 302, response.get_data(as_text=True)
    system = service.system_of(db.session, race)
    assert (system.method, system.seats, system.women_every) == ("modified_sainte_lague", 9, 2)


def test_system_page_shows_a_refused_first_divisor_beside_the_field(db, client, login_as):
    race = make_race()
    db.session.commit()
    login_as(Role.ADMINISTRATOR)
    response = client.post_form(f"/results/races/{race.code}/system", {
        "method": "dhondt", "seats": "5", "threshold": "0", "threshold_scope": "race", "first_divisor": "1.4",
        "advance": "2"})
    assert response.status_code == 400
    assert "applies only to the Sainte-Laguë methods" in response.get_data(as_text=True)


@pytest.fixture
def certified_list_race(db):
    race = list_race(db, [(12000, 8000, 3000)])
    for name, position in (("Moses Flomo", 1), ("Fatu Sirleaf", 2)):
        db.session.add(ListMember(candidate_id=services.find_candidate(race, "C1").id, position=position,
                                  name=name, woman=position == 2))
    supervisor = make_supervisor()
    supervisor.full_name = "Musu Kamara"
    db.session.flush()
    services.certify(db.session, race, None, supervisor)
    db.session.commit()
    return race


def test_declaration_names_the_elected_the_steps_and_the_supervisor(certified_list_race):
    pdf = render("seats-declaration", {"race": certified_list_race.code}, lang="en",
                 roles={Role.RESULTS_SUPERVISOR}, printed_by="Awa Diallo")
    text = " ".join(pdf_text(pdf).split())
    assert "Declaration of results" in text
    assert "Moses Flomo" in text and "Fatu Sirleaf" in text
    assert "Musu Kamara" in text
    assert "Seat 1 goes to Unity" in text


def test_declaration_in_french(certified_list_race):
    pdf = render("seats-declaration", {"race": certified_list_race.code}, lang="fr",
                 roles={Role.RESULTS_SUPERVISOR}, printed_by="Awa Diallo")
    text = " ".join(pdf_text(pdf).split())
    assert "Moses Flomo" in text and "Musu Kamara" in text


def test_declaration_is_refused_before_certification(db):
    race = list_race(db, [(12000, 8000, 3000)])
    db.session.commit()
    with pytest.raises(ValidationFailed, match="not certified"):
        render("seats-declaration", {"race": race.code}, lang="en", roles={Role.RESULTS_SUPERVISOR},
               printed_by="Awa Diallo")


def test_open_data_publishes_the_seats_without_sign_in(db, client):
    race = list_race(db, [(12000, 8000, 3000)])
    members(db, race, "C1", ["Moses", "Joseph", "Samuel", "Kojo"])
    db.session.commit()
    data = client.get(f"/results/public/{race.code}/seats.json").get_json()
    assert data["seats"] == {"C1": 4, "C2": 2, "C3": 1} and data["final"] is False
    assert [e["name"] for e in data["elected"]] == ["Moses", "Joseph", "Samuel", "Kojo"]


def test_open_data_says_why_seats_cannot_be_given_yet(db, client):
    race = make_race()
    make_station()
    db.session.commit()
    response = client.get(f"/results/public/{race.code}/seats.json")
    assert response.status_code == 409 and "final figures only" in response.get_json()["error"]


def test_system_page_sets_seats_per_district(db, client, login_as):
    from tests.factories import make_district

    make_district(code="N1"), make_district(code="S1")
    race = make_race()
    db.session.commit()
    login_as(Role.ADMINISTRATOR)
    response = client.post_form(f"/results/races/{race.code}/system", {
        "method": "droop", "district_seats": "N1=3 S1=2", "threshold": "5", "threshold_scope": "national",
        "advance": "2"})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert {q.district.code: q.seats for q in service.district_seats(db.session, race)} == {"N1": 3, "S1": 2}
    assert service.system_of(db.session, race).seats == 5
    page = client.get(f"/results/races/{race.code}/system").get_data(as_text=True)
    assert 'value="N1=3 S1=2"' in page


def test_system_page_refuses_an_unknown_district(db, client, login_as):
    race = make_race()
    db.session.commit()
    login_as(Role.ADMINISTRATOR)
    response = client.post_form(f"/results/races/{race.code}/system", {
        "method": "droop", "district_seats": "ZZ9=3", "threshold": "0", "threshold_scope": "race", "advance": "2"})
    assert response.status_code == 400
    assert "No district has the code ZZ9" in response.get_data(as_text=True)
