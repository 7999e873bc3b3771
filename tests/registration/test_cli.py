"""`electoral election configure` and `electoral voters import|dedup|export|duplicates export|assign`."""

import csv

import pytest

from electoral.core.auth import Role
from electoral.registration.models import DuplicatePair, Election, Voter
from tests.factories import make_centre, make_station, user_called
from tests.registration.factories import make_election, make_voter

HEADER = "family_name,given_names,father_name,sex,date_of_birth,place_of_birth,centre_code,id_type,id_number,phone\n"
GOOD = [
    "Kollie,Amara,,F,1990-01-02,Gbarnga,MO-001,national_id,N1,\n",
    "كمارا,محمد,إبراهيم,M,1985,Kenema,MO-001,passport,P2,\n",
    "Flomo,Esther,,F,14/03/1979,Kakata,MO-001,birth_certificate,B3,\n",
]
BAD = "Dolo,Musu,,F,2015-01-01,Gbarnga,MO-001,national_id,N4,\n"


@pytest.fixture
def clerk(db):
    """The registration clerk the import commands act as (--as clerk)."""
    user = user_called("clerk", Role.REGISTRATION_CLERK)
    db.session.commit()
    return user


def write(tmp_path, lines, name="voters.csv"):
    path = tmp_path / name
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return str(path)


def test_election_configure_sets_the_settings(runner, db):
    result = runner.invoke(args=["election", "configure", "--name", "General 2026", "--polling-day", "2026-10-10",
                                 "--minimum-age", "18"])
    assert result.exit_code == 0, result.output
    assert db.session.query(Election).one().polling_day.isoformat() == "2026-10-10"


def test_import_of_good_file_adds_every_voter(runner, db, tmp_path, clerk):
    make_election()
    make_centre(code="MO-001")
    db.session.commit()
    result = runner.invoke(args=["voters", "import", write(tmp_path, GOOD), "--as", "clerk"])
    assert result.exit_code == 0, result.output
    assert "imported 3" in result.output
    assert {v.family_name for v in db.session.query(Voter)} == {"Kollie", "كمارا", "Flomo"}


def test_import_with_a_bad_line_imports_nothing_and_names_the_line(runner, db, tmp_path, clerk):
    make_election()
    make_centre(code="MO-001")
    db.session.commit()
    result = runner.invoke(args=["voters", "import", write(tmp_path, GOOD + [BAD]), "--as", "clerk"])
    assert result.exit_code == 1
    assert "line 5: under 18 on polling day" in result.output
    assert db.session.query(Voter).count() == 0


def test_skip_invalid_imports_good_rows_and_writes_rejects(runner, db, tmp_path, clerk):
    make_election()
    make_centre(code="MO-001")
    db.session.commit()
    rejects = tmp_path / "rejects.csv"
    result = runner.invoke(args=["voters", "import", write(tmp_path, GOOD + [BAD]), "--as", "clerk", "--skip-invalid",
                                 "--rejects", str(rejects)])
    assert result.exit_code == 0, result.output
    assert db.session.query(Voter).count() == 3
    rows = list(csv.DictReader(rejects.open(encoding="utf-8-sig")))
    assert [(r["line"], r["family_name"], r["reason"]) for r in rows] == [("5", "Dolo", "under 18 on polling day")]


def test_rerun_of_an_interrupted_import_creates_no_duplicates(runner, db, tmp_path, clerk):
    make_election()
    make_centre(code="MO-001")
    db.session.commit()
    # The first batch of a killed run was committed; the re-run must add only the rest.
    first = runner.invoke(args=["voters", "import", write(tmp_path, GOOD[:2], "part.csv"), "--as", "clerk", "--batch-size", "1"])
    assert first.exit_code == 0, first.output
    again = runner.invoke(args=["voters", "import", write(tmp_path, GOOD), "--as", "clerk", "--batch-size", "1"])
    assert "imported 1, already imported 2" in again.output
    assert db.session.query(Voter).count() == 3


def test_two_identical_rows_in_one_file_are_both_kept_and_queued(runner, db, tmp_path, clerk):
    make_election()
    make_centre(code="MO-001")
    db.session.commit()
    result = runner.invoke(args=["voters", "import", write(tmp_path, [GOOD[0], GOOD[0]]), "--as", "clerk"])
    assert "imported 2" in result.output and "1 possible duplicate pairs queued" in result.output
    assert db.session.query(DuplicatePair).count() == 1


def test_import_matching_an_existing_voter_goes_to_the_queue(runner, db, tmp_path, clerk):
    make_election()
    centre = make_centre(code="MO-001")
    make_voter(centre, family_name="Kollie", given_names="Amara", father_name=None, id_number="N1",
               place_of_birth="Gbarnga")
    db.session.commit()
    result = runner.invoke(args=["voters", "import", write(tmp_path, GOOD[:1]), "--as", "clerk"])
    assert "1 possible duplicate pairs queued" in result.output


def test_dedup_then_duplicates_export(runner, db, tmp_path):
    make_election()
    a = make_voter(family_name="Sesay", given_names="Fatu", id_number="X1")
    b = make_voter(family_name="Fatu", given_names="Sesay", id_number="X1")
    db.session.commit()
    result = runner.invoke(args=["voters", "dedup"])
    assert "1 new possible duplicate pairs queued" in result.output
    out = tmp_path / "pairs.csv"
    runner.invoke(args=["voters", "duplicates", "export", str(out)])
    row = next(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert (row["voter_number_a"], row["voter_number_b"]) == (a.voter_number, b.voter_number)
    assert "same ID number" in row["reasons"] and "given and family names swapped" in row["reasons"]


def test_export_writes_the_roll_with_station(runner, db, tmp_path):
    make_election()
    station = make_station(code="ST-9")
    voter = make_voter(station.centre, station=station)
    db.session.commit()
    out = tmp_path / "roll.csv"
    runner.invoke(args=["voters", "export", str(out)])
    row = next(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert (row["voter_number"], row["station_code"], row["status"]) == (voter.voter_number, "ST-9", "active")


def test_assign_reports_missing_stations(runner, db):
    make_election()
    station = make_station(code="ST-1", capacity=1)
    make_voter(station.centre)
    make_voter(station.centre)
    db.session.commit()
    result = runner.invoke(args=["voters", "assign"])
    assert f"{station.centre.code}: 1 voters without a station; 1 more stations needed." in result.output


def test_after_freezing_a_transfer_and_a_removal_are_recorded_with_reason(runner, db):
    from electoral.registration.models import RollChange
    from electoral.registration.services import election

    make_election()
    voter = make_voter()
    target = make_centre(code="MO-002")
    election.freeze(db.session, user_called("sup"))
    db.session.commit()
    moved = runner.invoke(args=["voters", "transfer", voter.voter_number, "--centre", "MO-002",
                                "--reason", "Moved, transfer form T-12", "--as", "sup"])
    assert moved.exit_code == 0, moved.output
    refused = runner.invoke(args=["voters", "remove", voter.voter_number, "--reason", "not_citizen", "--as", "sup"])
    assert refused.exit_code == 1 and "frozen" in refused.output
    removed = runner.invoke(args=["voters", "remove", voter.voter_number, "--reason", "deceased",
                                  "--note", "certificate 55", "--as", "sup"])
    assert removed.exit_code == 0, removed.output
    assert [c.kind for c in db.session.query(RollChange).order_by(RollChange.id)] == ["transfer", "removal"]
    assert db.session.get(Voter, voter.id).centre_id == target.id


def test_reports_print_voter_list_for_a_station(runner, db, tmp_path):
    make_election()
    station = make_station(code="ST-7")
    make_voter(station.centre, station=station)
    db.session.commit()
    out = tmp_path / "list.pdf"
    result = runner.invoke(args=["reports", "print", "voter-list", "--param", "station=ST-7", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")


def test_a_command_acting_as_nobody_known_is_refused_and_changes_nothing(runner, db):
    make_election()
    voter = make_voter()
    db.session.commit()
    result = runner.invoke(args=["voters", "remove", voter.voter_number, "--reason", "deceased", "--as", "ghost"])
    assert result.exit_code != 0 and "No user is called ghost." in result.output
    assert db.session.get(Voter, voter.id).status == "active"


def test_a_removal_from_the_command_line_records_who_acted(runner, db):
    from electoral.core.models import AuditEntry

    make_election()
    voter = make_voter()
    user_called("sup", Role.REGISTRATION_SUPERVISOR)
    db.session.commit()
    result = runner.invoke(args=["voters", "remove", voter.voter_number, "--reason", "deceased", "--as", "sup"])
    assert result.exit_code == 0, result.output
    entry = db.session.query(AuditEntry).filter_by(entity_type="Voter", entity_id=str(voter.id)).order_by(
        AuditEntry.id.desc()).first()
    assert entry.username == "sup"
