"""Pages of results: entry, resolution, quarantine, totals, settings, public pages and open data."""

import json

from electoral.core.auth import Role
from electoral.extensions import db as _db
from electoral.results import services
from tests.factories import make_station, make_user, user_called
from tests.results.factories import enter_twice, figures, make_clerk, make_race


def _form(raw: dict) -> dict:
    data = {k: str(v) for k, v in raw.items() if k != "candidates"}
    data.update({f"candidate_{code}": str(v) for code, v in raw["candidates"].items()})
    return data


def _sign_in(client, user):
    from tests.factories import PASSWORD

    client.get("/logout")
    response = client.post_form("/login", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


def test_observer_gets_403_on_entry_pages(db, client, login_as):
    race, station = make_race(code="PRES"), make_station(code="S-1")
    db.session.commit()
    login_as(Role.OBSERVER)
    assert client.get("/results/entry").status_code == 403
    assert client.get(f"/results/entry/{race.code}/{station.code}").status_code == 403


def test_clerk_cannot_resolve_or_audit(db, client, login_as):
    sheet = enter_twice(make_race(), second=figures(votes=(61, 35)))
    db.session.commit()
    login_as(Role.RESULTS_CLERK)
    assert client.get(f"/results/sheets/{sheet.id}/resolve").status_code == 403
    assert client.get(f"/results/sheets/{sheet.id}").status_code == 403
    assert client.get("/results/quarantine").status_code == 403


def test_clerk_enters_first_entry_and_sees_the_roll_figure(db, client, login_as):
    make_race(code="PRES")
    make_station(code="S-1")
    db.session.commit()
    login_as(Role.RESULTS_CLERK)
    page = client.get("/results/entry/PRES/S-1").get_data(as_text=True)
    assert "Entry 1 of 2" in page and "Registered voters (from the roll)" in page and "not available" in page
    response = client.post_form("/results/entry/PRES/S-1", {**_form(figures()), "entry_no": "1"})
    assert response.status_code == 302
    assert "First entry saved" in client.get("/results/entry").get_data(as_text=True)


def test_ballots_handed_over_are_shown_not_typed_on_the_entry_form(db, client, login_as):
    from electoral.logistics import services as logistics
    from tests.logistics.factories import full_receipt, make_item, packed_consignment

    make_race(code="PRES")
    station = make_station(code="S-1")
    item = make_item(code="BALLOT-PRES", name="Presidential ballot papers")
    consignment = packed_consignment(destination=station.centre, item=item, quantity=500)
    logistics.dispatch(db.session, consignment, user_called("dispatcher"))
    logistics.receive(db.session, consignment, full_receipt(consignment), user_called("storekeeper"))
    logistics.issue_to_station(db.session, station, item, 150, "Musu Sirleaf", user_called("logistics"))
    db.session.commit()
    login_as(Role.RESULTS_CLERK)
    page = client.get("/results/entry/PRES/S-1").get_data(as_text=True)
    assert "Ballots received (handed over by logistics)" in page and 'name="ballots_received"' not in page
    values = {k: v for k, v in _form(figures()).items() if k != "ballots_received"}
    assert client.post_form("/results/entry/PRES/S-1", {**values, "entry_no": "1"}).status_code == 302


def test_second_entry_page_does_not_show_the_first_entrys_figures(db, client, login_as):
    race, station = make_race(code="PRES"), make_station(code="S-1")
    services.submit_entry(db.session, race, station, make_clerk(), figures(votes=(4321, 1234), cast=5559,
                                                                           invalid=4, received=6000))
    db.session.commit()
    login_as(Role.RESULTS_CLERK)
    page = client.get("/results/entry/PRES/S-1").get_data(as_text=True)
    assert "Entry 2 of 2" in page
    assert "4321" not in page and "4,321" not in page and "5559" not in page


def test_same_clerk_is_refused_the_second_entry_on_the_page(db, client, login_as):
    make_race(code="PRES")
    make_station(code="S-1")
    db.session.commit()
    login_as(Role.RESULTS_CLERK)
    client.post_form("/results/entry/PRES/S-1", {**_form(figures()), "entry_no": "1"})
    response = client.post_form("/results/entry/PRES/S-1", {**_form(figures()), "entry_no": "2"})
    assert response.status_code == 400
    assert "a different clerk must make the second" in response.get_data(as_text=True)


def test_bad_figure_is_shown_beside_its_field(db, client, login_as):
    make_race(code="PRES")
    make_station(code="S-1")
    db.session.commit()
    login_as(Role.RESULTS_CLERK)
    response = client.post_form("/results/entry/PRES/S-1", {**_form(figures()), "valid": "9x", "entry_no": "1"})
    assert response.status_code == 400
    assert "Enter a whole number, 0 or more." in response.get_data(as_text=True)


def test_supervisor_sees_both_entries_side_by_side_with_differences_highlighted(db, client, login_as):
    sheet = enter_twice(make_race(), second=figures(votes=(61, 35)))
    db.session.commit()
    login_as(Role.RESULTS_SUPERVISOR)
    page = client.get(f"/results/sheets/{sheet.id}/resolve").get_data(as_text=True)
    assert page.count('class="differs"') == 2
    assert 'name="pick_candidate_C1"' in page and 'name="pick_ballots_cast"' not in page


def test_supervisor_resolves_by_picking_and_rekeying(db, client, login_as):
    race = make_race()
    sheet = enter_twice(race, second=figures(votes=(61, 35)))
    db.session.commit()
    login_as(Role.RESULTS_SUPERVISOR)
    response = client.post_form(f"/results/sheets/{sheet.id}/resolve", {
        "pick_candidate_C1": "1", "pick_candidate_C2": "other", "rekey_candidate_C2": "36",
        "reason": "Checked against the paper sheet"})
    assert response.status_code == 302
    _db.session.expire_all()
    assert _db.session.get(type(sheet), sheet.id).state == "accepted"
    ranking = client.get("/results/clerks").get_data(as_text=True)
    assert "100.0%" in ranking and "0.0%" in ranking


def test_quarantined_sheet_is_listed_with_its_reason_in_words(db, client, login_as):
    enter_twice(make_race(), raw=figures(votes=(10, 86), invalid=14))
    db.session.commit()
    login_as(Role.RESULTS_SUPERVISOR)
    page = client.get("/results/quarantine").get_data(as_text=True)
    assert 'class="results-reason"' in page
    assert "Valid (96) and invalid (14) ballots make 110, but 100 ballots were cast" in page


def test_quarantine_reason_is_translated(db, client, login_as):
    enter_twice(make_race(), raw=figures(votes=(10, 86), invalid=14))
    user = make_user(Role.RESULTS_SUPERVISOR)
    user.locale = "fr"
    db.session.commit()
    _sign_in(client, user)
    page = client.get("/results/quarantine").get_data(as_text=True)
    assert '<html lang="fr"' in page
    assert "results-reason" in page


def test_supervisor_accepts_a_quarantined_sheet_with_a_reason(db, client, login_as):
    sheet = enter_twice(make_race(), raw=figures(votes=(10, 86), invalid=14))
    db.session.commit()
    login_as(Role.RESULTS_SUPERVISOR)
    response = client.post_form(f"/results/sheets/{sheet.id}", {"decision": "accept", "reason": ""})
    assert response.status_code == 200  # no reason: refused
    client.post_form(f"/results/sheets/{sheet.id}", {"decision": "accept", "reason": "Recounted: correct"})
    _db.session.expire_all()
    assert _db.session.get(type(sheet), sheet.id).state == "accepted"
    history = client.get(f"/results/sheets/{sheet.id}").get_data(as_text=True)
    assert "accepted after audit" in history and "Recounted: correct" in history


def test_administrator_switches_a_check_off(db, client, login_as):
    login_as(Role.ADMINISTRATOR)
    response = client.post_form("/results/checks", {"code": "high_turnout", "tolerance": "97"})
    assert response.status_code == 302
    from electoral.results import checks

    assert checks.settings(_db.session)["high_turnout"] == (False, 97.0)


def test_race_page_shows_totals_and_certifies(db, client, login_as):
    race = make_race(code="PRES", candidates=("Amara Kollie", "محمد الصادق"))
    enter_twice(race)
    db.session.commit()
    login_as(Role.RESULTS_SUPERVISOR)
    page = client.get("/results/races/PRES").get_data(as_text=True)
    assert "Provisional results" in page and "محمد الصادق" in page and "62.5%" in page
    client.post_form("/results/races/PRES/certify", {"area": ""})
    assert "Final: certified results" in client.get("/results/races/PRES").get_data(as_text=True)


def test_warning_of_one_quarantined_sheet_is_in_the_singular(db, client, login_as):
    race = make_race(code="PRES")
    enter_twice(race, raw=figures(cast=100, invalid=4, votes=(60, 36)))
    enter_twice(race, raw=figures(cast=30, invalid=0, votes=(5, 20), valid=30))  # quarantined: 30 valid votes
    db.session.commit()
    login_as(Role.RESULTS_SUPERVISOR)
    page = client.get("/results/races/PRES").get_data(as_text=True)
    assert "Warning: 1 quarantined sheet holds 30 votes" in page
    assert "1 quarantined sheets" not in page


def test_races_import_page_documents_the_format(db, client, login_as):
    login_as(Role.ADMINISTRATOR)
    page = client.get("/results/races/import").get_data(as_text=True)
    assert "race_code, race_name, race_kind, area_codes, candidate_code" in page


def test_public_pages_need_no_login_and_show_no_clerk(db, client):
    race = make_race(code="PRES")
    clerks = (make_clerk("clerk.alpha"), make_clerk("clerk.beta"))
    enter_twice(race, make_station(code="S-1"), clerks=clerks)
    db.session.commit()
    for url in ("/results/public/", "/results/public/PRES", "/results/public/PRES/stations.csv",
                "/results/public/PRES/stations.json"):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.get_data(as_text=True)
        assert "clerk.alpha" not in body and "clerk.beta" not in body and "Test User" not in body, url
    data = json.loads(client.get("/results/public/PRES/stations.json").get_data(as_text=True))
    assert data["stations"] == [{"station_code": "S-1", "station_name": data["stations"][0]["station_name"],
                                 "registered_voters": 0, "ballots_cast": 100, "valid": 96, "invalid": 4,
                                 "C1": 60, "C2": 36, "latitude": None, "longitude": None,
                                 "image_sha256": "", "image_url": ""}]


def test_public_csv_has_the_same_figures_as_the_page(db, client):
    race = make_race(code="PRES")
    enter_twice(race, make_station(code="S-1"))
    db.session.commit()
    csv_text = client.get("/results/public/PRES/stations.csv").get_data(as_text=True)
    # No reading for the station or its centre: empty latitude and longitude; no sheet image: empty image columns.
    assert csv_text.splitlines()[1].endswith(",100,96,4,60,36,,,,")
    assert "62.5%" in client.get("/results/public/PRES").get_data(as_text=True)


def test_progress_page_counts_sheets_by_state(db, client, login_as):
    race = make_race(code="PRES")
    station = make_station(code="S-1")
    make_station(station.centre, code="S-2")
    enter_twice(race, station)
    db.session.commit()
    login_as(Role.RESULTS_SUPERVISOR)
    page = client.get("/results/races/PRES/progress").get_data(as_text=True)
    assert "accepted" in page and "not received" in page


def test_clerk_scoped_to_another_district_cannot_open_the_sheet(db, client, login_as):
    from tests.factories import make_district

    make_race(code="PRES")
    make_station(code="S-1")
    elsewhere = make_district()
    db.session.commit()
    login_as(Role.RESULTS_CLERK, scope=elsewhere)
    assert client.get("/results/entry/PRES/S-1").status_code == 403


def test_home_page_and_menu_offer_results_to_clerks(db, client, login_as):
    login_as(Role.RESULTS_CLERK)
    home_page = client.get("/").get_data(as_text=True)
    assert "Enter a tally sheet" in home_page and 'href="/results/"' in home_page
    assert client.get("/results/").status_code == 200


def test_find_sheet_opens_the_entry_page(db, client, login_as):
    make_race(code="PRES")
    make_station(code="S-1")
    db.session.commit()
    login_as(Role.RESULTS_CLERK)
    response = client.get("/results/entry?race=PRES&station=s-1")
    assert response.status_code == 302 and response.headers["Location"].endswith("/results/entry/PRES/S-1")
