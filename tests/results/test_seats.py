"""Seats of a race from its accepted sheets: refusals, list members, lots, second rounds, the import columns."""

import json

import pytest
from sqlalchemy import select

from electoral.core.errors import ValidationFailed
from electoral.core.models import AuditEntry
from electoral.results import services
from electoral.results.seats import service
from electoral.results.seats.models import ListMember, RaceSystem
from tests.factories import make_centre, make_district, make_station
from tests.results.factories import enter_twice, figures, make_race, make_supervisor


def accepted(race, votes, station=None):
    """One station's sheet of ``race`` entered twice, matching, with ``votes`` per candidate: accepted."""
    sheet = enter_twice(race, station, figures(cast=sum(votes) + 4, votes=votes, received=sum(votes) + 50))
    assert sheet.state == "accepted", sheet.failed_checks
    return sheet


def list_race(db, votes_by_station, method="dhondt", seats=7, parties=("Unity", "Liberty", "Change"), **system):
    race = make_race(candidates=[f"{p} list" for p in parties], kind="legislative")
    for candidate, party in zip(race.candidates, parties, strict=True):
        candidate.party = party
    service.configure(db.session, race, method=method, seats=seats, **system)
    for votes in votes_by_station:
        accepted(race, votes)
    return race


def members(db, race, code, names, women=()):
    candidate = services.find_candidate(race, code)
    for position, name in enumerate(names, start=1):
        db.session.add(ListMember(candidate_id=candidate.id, position=position, name=name, woman=name in women))
    db.session.flush()


def test_plurality_race_elects_the_most_votes(db):
    race = make_race()
    accepted(race, (60, 36))
    accepted(race, (10, 50))
    computed = service.compute(db.session, race)
    assert computed.seats == {"C1": 0, "C2": 1}
    assert [e.name for e in computed.elected] == ["Joseph Boakai"]


def test_seats_are_refused_while_a_station_has_no_final_sheet(db):
    race = make_race()
    accepted(race, (60, 36))
    make_station()  # contested (the race covers the country), sheet not yet received
    with pytest.raises(ValidationFailed, match="1 polling stations"):
        service.compute(db.session, race)


def test_list_seats_are_filled_from_the_lists_in_order(db):
    race = list_race(db, [(12000, 8000, 3000)])
    members(db, race, "C1", ["Moses", "Joseph", "Samuel", "Kojo"])
    members(db, race, "C2", ["Fatu", "Amara"])
    members(db, race, "C3", ["Grace"])
    computed = service.compute(db.session, race)
    assert computed.seats == {"C1": 4, "C2": 2, "C3": 1}
    assert [e.name for e in computed.elected] == ["Moses", "Joseph", "Samuel", "Kojo", "Fatu", "Amara", "Grace"]


def test_a_list_short_of_candidates_passes_its_seat_on(db):
    race = list_race(db, [(12000, 8000, 3000)])
    members(db, race, "C1", ["Moses", "Joseph"])
    computed = service.compute(db.session, race)
    assert computed.seats == {"C1": 2, "C2": 4, "C3": 1}


def test_an_independent_takes_one_seat_at_most(db):
    race = list_race(db, [(12000, 8000, 3000)])
    services.find_candidate(race, "C1").party = ""  # C1 stands alone
    computed = service.compute(db.session, race)
    assert computed.seats["C1"] == 1
    assert any(e.code == "C1" and e.name == "Unity list" for e in computed.elected)


def test_zipper_substitutes_a_woman_for_the_second_seat(db):
    race = list_race(db, [(12000, 8000, 3000)], women_every=2)
    members(db, race, "C1", ["Moses", "Joseph", "Amara", "Samuel", "Fatu"], women=("Amara", "Fatu"))
    computed = service.compute(db.session, race)
    assert [e.name for e in computed.elected if e.code == "C1"] == ["Moses", "Amara", "Joseph", "Fatu"]


def test_district_seats_with_a_national_threshold(db):
    north, south = make_district(code="N1"), make_district(code="S1")
    race = make_race(candidates=["A list", "B list", "C list"], kind="legislative")
    for candidate, party in zip(race.candidates, "ABC", strict=True):
        candidate.party = party
    service.configure(db.session, race, method="hare", seats=0, threshold=10, threshold_scope="national",
                      seats_by_district={"N1": 3, "S1": 2})
    accepted(race, (500, 150, 400), make_station(make_centre(north)))  # C: 38% here
    accepted(race, (3000, 2000, 0), make_station(make_centre(south)))  # C: 400 of 6050 nationally, 6.6%
    computed = service.compute(db.session, race)
    by_area = {a.code: a.allocation.seats for a in computed.areas}
    assert by_area["N1"]["C3"] == 0 and sum(by_area["N1"].values()) == 3
    assert computed.seats == {"C1": 3, "C2": 2, "C3": 0}
    only_north = service.compute(db.session, race, north)
    assert [a.code for a in only_north.areas] == ["N1"]


def test_a_tie_waits_for_lots_then_uses_the_recorded_drawing(db):
    race = list_race(db, [(5000, 5000, 0)], seats=1)
    tie = service.compute(db.session, race).ties[0]
    supervisor = make_supervisor()
    with pytest.raises(ValidationFailed):
        service.record_lots(db.session, race, tie.key, ["C1", "C2"], "", "", supervisor)
    service.record_lots(db.session, race, tie.key, ["C2", "C1"], "Musu Kamara (returning officer)",
                        "Agent of Unity; agent of Liberty", supervisor)
    db.session.commit()
    computed = service.compute(db.session, race)
    assert computed.ties == [] and computed.seats["C2"] == 1
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.entity_type == "LotDrawing")) is not None


def test_second_round_is_created_with_the_qualified_candidates(db):
    race = make_race(candidates=("Amara", "Joseph", "Fatu"))
    service.configure(db.session, race, method="two_round", seats=1)
    accepted(race, (40, 35, 25))
    runoff = service.create_runoff(db.session, race)
    assert [c.code for c in runoff.candidates] == ["C1", "C2"]
    assert runoff.code == f"{race.code}-R2"
    assert db.session.get(RaceSystem, runoff.id).runoff_of_id == race.id
    with pytest.raises(ValidationFailed):
        service.create_runoff(db.session, race)
    station = make_station()
    assert services.contested_at(db.session, runoff, station)  # its own tally sheets can be entered


def test_no_second_round_when_a_candidate_has_the_majority(db):
    race = make_race()
    service.configure(db.session, race, method="two_round", seats=1)
    accepted(race, (60, 36))
    assert service.compute(db.session, race).elected[0].code == "C1"
    with pytest.raises(ValidationFailed):
        service.create_runoff(db.session, race)


def test_cli_race_json_and_exit_three_on_a_tie(db, runner):
    race = list_race(db, [(5000, 5000, 0)], seats=1)
    db.session.commit()
    result = runner.invoke(args=["results", "seats", "--race", race.code, "--json"])
    assert result.exit_code == 3
    out = json.loads(result.stdout)
    assert set(out) == {"race", "method", "seats", "elected", "runoff", "ties"}
    assert out["race"] == race.code and out["method"] == "dhondt"
    assert out["ties"][0]["contenders"] == ["C1", "C2"]


def test_cli_by_hand_json(runner):
    result = runner.invoke(args=["results", "seats", "--method", "dhondt", "--seats", "7", "--threshold", "5",
                                 "--votes", "A=12000,B=8000,C=3000", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"race": None, "method": "dhondt", "seats": {"A": 4, "B": 2, "C": 1},
                                         "elected": [], "runoff": [], "ties": []}


def test_cli_by_hand_explains_each_seat(runner):
    result = runner.invoke(args=["results", "seats", "--method", "modified_sainte_lague", "--seats", "2",
                                 "--first-divisor", "1.4", "--votes", "A=700,B=300"])
    assert result.exit_code == 0, result.output
    assert "Seat 1 goes to A: its quotient 700 ÷ 1.4 = 500" in result.output


def test_cli_refuses_a_race_with_sheets_not_final(db, runner):
    race = make_race()
    make_station()
    db.session.commit()
    result = runner.invoke(args=["results", "seats", "--race", race.code])
    assert result.exit_code == 1 and "final figures only" in result.output


IMPORT = """race_code,race_name,race_kind,area_codes,candidate_code,candidate_name,party,ballot_order,method,seats,threshold,first_divisor
LEG,Legislature,legislative,,L1,Unity list,Unity,1,sainte_lague,7,5,1.4
LEG,Legislature,legislative,,L2,Liberty list,Liberty,2,sainte_lague,7,5,1.4
"""


def test_races_import_sets_the_electoral_system(db, runner, tmp_path):
    path = tmp_path / "races.csv"
    path.write_text(IMPORT, encoding="utf-8")
    result = runner.invoke(args=["results", "races", "import", str(path)])
    assert result.exit_code == 0, result.output
    system = service.system_of(db.session, services.find_race(db.session, "LEG"))
    assert (system.method, system.seats, float(system.threshold), float(system.first_divisor)) == \
        ("sainte_lague", 7, 5.0, 1.4)


def test_races_import_refuses_an_unknown_method_or_rows_that_disagree(db, runner, tmp_path):
    path = tmp_path / "races.csv"
    path.write_text(IMPORT.replace("L2,Liberty list,Liberty,2,sainte_lague,7", "L2,Liberty list,Liberty,2,hare,7")
                    .replace("L1,Unity list,Unity,1,sainte_lague", "L1,Unity list,Unity,1,jefferson"),
                    encoding="utf-8")
    result = runner.invoke(args=["results", "races", "import", str(path)])
    assert result.exit_code == 1
    assert "line 2" in result.output and "jefferson" in result.output
    assert services.find_race(db.session, "LEG") is None


def test_lists_import_names_the_candidates_of_each_list(db, runner, tmp_path):
    race = list_race(db, [(12000, 8000, 3000)])
    db.session.commit()
    path = tmp_path / "lists.csv"
    path.write_text("race_code,list_code,position,name,woman\n"
                    f"{race.code},C1,1,Moses,no\n{race.code},C1,2,Fatu,yes\n", encoding="utf-8")
    result = runner.invoke(args=["results", "lists", "import", str(path)])
    assert result.exit_code == 0, result.output
    computed = service.compute(db.session, race)
    assert [e.name for e in computed.elected if e.code == "C1"] == ["Moses", "Fatu"]


def test_post_election_status_names_winner_runoff_and_defeated(db):
    race = make_race(candidates=("Amara", "Joseph", "Fatu"))
    service.configure(db.session, race, method="two_round", seats=1)
    sheet = accepted(race, (40, 35, 25))
    assert service.post_election_status(db.session, race) == {"C1": "advanced-to-runoff",
                                                               "C2": "advanced-to-runoff", "C3": "defeated"}
    plurality = make_race(code="PLUR")
    accepted(plurality, (60, 36), sheet.station)
    assert service.post_election_status(db.session, plurality) == {"C1": "winner", "C2": "defeated"}


def test_post_election_status_is_empty_while_sheets_are_not_final(db):
    race = make_race()
    make_station()
    assert service.post_election_status(db.session, race) == {}


def test_lots_for_one_district_are_recorded_while_another_district_is_still_counting(db):
    north, south = make_district(code="N1"), make_district(code="S1")
    race = make_race(kind="legislative")
    service.configure(db.session, race, method="dhondt", seats=0, seats_by_district={"N1": 1, "S1": 1})
    for candidate in race.candidates:
        candidate.party = candidate.name
    accepted(race, (48, 48), make_station(make_centre(north)))
    make_station(make_centre(south))  # no sheet yet
    tie = service.compute(db.session, race, north).ties[0]
    assert tie.area == "N1"
    service.record_lots(db.session, race, tie.key, ["C1", "C2"], "Returning officer", "Two agents",
                        make_supervisor())
    assert service.compute(db.session, race, north).seats == {"C1": 1, "C2": 0}


def test_races_import_with_a_plain_number_of_seats_drops_earlier_district_seats(db, runner, tmp_path):
    make_district(code="N1")
    path = tmp_path / "races.csv"
    path.write_text(IMPORT.replace(",7,5,1.4", ",N1=7,5,1.4"), encoding="utf-8")
    assert runner.invoke(args=["results", "races", "import", str(path)]).exit_code == 0
    race = services.find_race(db.session, "LEG")
    assert [q.seats for q in service.district_seats(db.session, race)] == [7]
    path.write_text(IMPORT, encoding="utf-8")
    assert runner.invoke(args=["results", "races", "import", str(path)]).exit_code == 0
    assert service.district_seats(db.session, race) == [] and service.system_of(db.session, race).seats == 7


def test_cli_gives_one_districts_seats(db, runner):
    north, south = make_district(code="N1"), make_district(code="S1")
    race = make_race(kind="legislative")
    service.configure(db.session, race, method="hare", seats=0, seats_by_district={"N1": 2, "S1": 3})
    accepted(race, (70, 30), make_station(make_centre(north)))
    make_station(make_centre(south))  # still counting
    db.session.commit()
    result = runner.invoke(args=["results", "seats", "--race", race.code, "--area", "N1", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["seats"] == {"C1": 1, "C2": 1}
    assert runner.invoke(args=["results", "seats", "--race", race.code]).exit_code == 1
