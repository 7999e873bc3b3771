"""`electoral results races import`, `results import --entry`, `results export`."""

import csv

from sqlalchemy import select

from electoral.results import services
from electoral.results.models import Race, TallyEntry
from tests.factories import make_centre, make_district, make_station
from tests.results.factories import make_clerk, make_race

RACES = """race_code,race_name,race_kind,area_codes,candidate_code,candidate_name,party,ballot_order
PRES,Presidential election,presidential,,C1,Amara Kollie,Unity Party,1
PRES,Presidential election,presidential,,C2,محمد الصادق,Liberty Party,2
LEG-01,Montserrado constituency 1,legislative,MO-01 MO-02,L1,Jean-Baptiste Ndaye,CDC,1
"""


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_races_import_creates_races_candidates_and_constituencies(db, runner, tmp_path):
    make_district(code="MO-01"), make_district(code="MO-02")
    db.session.commit()
    result = runner.invoke(args=["results", "races", "import", _write(tmp_path, "races.csv", RACES)])
    assert result.exit_code == 0, result.output
    assert "Races: 2 created" in result.output
    legislative = services.find_race(db.session, "LEG-01")
    assert sorted(a.area.code for a in legislative.areas) == ["MO-01", "MO-02"]
    assert [c.name for c in services.find_race(db.session, "PRES").candidates] == ["Amara Kollie", "محمد الصادق"]


def test_races_import_reports_every_bad_line_and_imports_nothing(db, runner, tmp_path):
    bad = RACES.replace("presidential,,C2", "presidentiel,,C2").replace("MO-01 MO-02", "XX-99")
    result = runner.invoke(args=["results", "races", "import", _write(tmp_path, "races.csv", bad)])
    assert result.exit_code == 1
    assert "line 3" in result.output and "presidentiel" in result.output
    assert "XX-99" in result.output
    assert db.session.scalars(select(Race)).all() == []


def test_import_as_an_entry(db, runner, tmp_path):
    make_race(code="PRES")
    centre = make_centre()
    make_station(centre, code="S-1"), make_station(centre, code="S-2")
    make_clerk("fieldtablet"), make_clerk("clerk2")
    db.session.commit()
    rows = ("station_code,race_code,ballots_received,ballots_cast,unused,spoiled,invalid,valid,c1,c2\n"
            "S-1,PRES,150,100,49,1,4,96,60,36\nS-2,PRES,150,100,49,1,4,96,50,46\n")
    path = _write(tmp_path, "tablets.csv", rows)
    first = runner.invoke(args=["results", "import", path, "--entry", "1", "--clerk", "fieldtablet"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["results", "import", _write(tmp_path, "second.csv", rows.replace(
        "50,46", "51,45")), "--entry", "2", "--as", "clerk2"])  # --as, like every command that acts
    assert "2 sheets as entry 2: 1 matched, 1 to correct" in second.output
    entries = db.session.scalars(select(TallyEntry)).all()
    assert {e.source for e in entries} == {"import"}


def test_import_with_a_bad_line_imports_nothing(db, runner, tmp_path):
    make_race(code="PRES")
    make_station(code="S-1")
    make_clerk("fieldtablet")
    db.session.commit()
    rows = ("station_code,race_code,ballots_received,ballots_cast,unused,spoiled,invalid,valid,c1,c2\n"
            "S-1,PRES,150,100,49,1,4,96,60,36\nS-9,PRES,150,100,49,1,4,96,50,46\n")
    result = runner.invoke(args=["results", "import", _write(tmp_path, "t.csv", rows), "--entry", "1",
                                 "--clerk", "fieldtablet"])
    assert result.exit_code == 1
    assert "line 3: no station S-9" in result.output
    assert db.session.scalars(select(TallyEntry)).all() == []


def test_import_as_nobody_known_is_refused(db, runner, tmp_path):
    make_race(code="PRES")
    make_station(code="S-1")
    db.session.commit()
    rows = ("station_code,race_code,ballots_received,ballots_cast,unused,spoiled,invalid,valid,c1,c2\n"
            "S-1,PRES,150,100,49,1,4,96,60,36\n")
    result = runner.invoke(args=["results", "import", _write(tmp_path, "t.csv", rows), "--entry", "1",
                                 "--as", "ghost"])
    assert result.exit_code == 1 and "No user is called ghost." in result.output
    assert db.session.scalars(select(TallyEntry)).all() == []


def test_import_by_the_first_entry_clerk_as_second_is_refused(db, runner, tmp_path):
    make_race(code="PRES")
    make_station(code="S-1")
    make_clerk("fieldtablet")
    db.session.commit()
    rows = ("station_code,race_code,ballots_received,ballots_cast,unused,spoiled,invalid,valid,c1,c2\n"
            "S-1,PRES,150,100,49,1,4,96,60,36\n")
    path = _write(tmp_path, "t.csv", rows)
    runner.invoke(args=["results", "import", path, "--entry", "1", "--clerk", "fieldtablet"])
    result = runner.invoke(args=["results", "import", path, "--entry", "2", "--clerk", "fieldtablet"])
    assert result.exit_code == 1
    assert "different clerk" in result.output


def test_export_national_and_station_levels(db, runner, tmp_path):
    from tests.results.factories import enter_twice, figures

    race = make_race(code="PRES")
    enter_twice(race, make_station(code="S-1"), figures())
    db.session.commit()
    out = tmp_path / "national.csv"
    result = runner.invoke(args=["results", "export", str(out), "--race", "PRES", "--level", "national"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert (rows[0]["ballots_cast"], rows[0]["C1"], rows[0]["C2"]) == ("100", "60", "36")
    runner.invoke(args=["results", "export", str(out), "--race", "PRES"])
    assert [r["code"] for r in csv.DictReader(out.open(encoding="utf-8"))] == ["S-1"]
