"""The batch duplicate scan and the synthetic roll it is measured on."""

from datetime import date

import pytest
from sqlalchemy import select

from electoral.core.models import AuditEntry
from electoral.registration.models import DuplicatePair, Voter
from electoral.registration.services import dedup, duplicate_scan, name_compare
from electoral.registration.services.import_rows import parse_date
from electoral.registration.synthetic import KINDS, NEGATIVE_KINDS, generate
from tests.factories import make_centre
from tests.registration.factories import make_election, make_voter


def _pairs(session):
    return {(a, b) for a, b in session.execute(select(DuplicatePair.voter_a_id, DuplicatePair.voter_b_id))}


def test_scan_finds_a_typo_in_the_family_name_among_many_namesakes(db):
    make_election()
    centre = make_centre()
    born = date(1990, 5, 14)
    original = make_voter(centre, given_names="Mohamed", family_name="Mansaray", sex="M", date_of_birth=born)
    typo = make_voter(centre, given_names="Mohamed", family_name="Manbaray", sex="M", date_of_birth=born,
                      id_type="passport")
    for n, family in enumerate(["Kamara", "Sesay", "Conteh", "Bangura", "Koroma"]):
        make_voter(centre, given_names="Mohamed", family_name=family, sex="M", date_of_birth=date(1990, 5, 14 + n))
    assert duplicate_scan.scan(db.session) == 1
    assert _pairs(db.session) == {(original.id, typo.id)}


def test_scan_in_two_processes_queues_the_same_pairs_as_in_one(db, monkeypatch):
    make_election()
    centre = make_centre()
    expected = set()
    for n, (given, family) in enumerate([("Fatu", "Sesay"), ("Hawa", "Kamara"), ("Musu", "Kollie")]):
        born = date(1980 + n, 3, 9)
        first = make_voter(centre, given_names=given, family_name=family, date_of_birth=born)
        second = make_voter(centre, given_names=family, family_name=given, date_of_birth=born,  # swapped
                            id_type="passport")
        expected.add((first.id, second.id))
    monkeypatch.setattr(duplicate_scan, "_CHUNK", 2)  # several chunks, so both processes get work
    assert duplicate_scan.scan(db.session, workers=2) == 3
    assert _pairs(db.session) == expected
    assert db.session.get(Voter, min(expected)[0]).status == "possible_duplicate"


def test_scan_records_its_pairs_in_the_audit_trail(db):
    make_election()
    first = make_voter(given_names="Fatu", family_name="Sesay", id_number="X1")
    second = make_voter(given_names="Fatu", family_name="Sesay", id_number="X1")
    duplicate_scan.scan(db.session)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "DuplicateScan")).one()
    assert entry.after["pairs"] == [[first.id, second.id]]
    assert entry.after["marked_possible_duplicate"] == [first.id, second.id]


def test_scan_progress_ends_at_the_number_of_voters(db):
    make_election()
    for _ in range(3):
        make_voter()
    seen = []
    duplicate_scan.scan(db.session, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (3, 3)


# ---- the synthetic roll -------------------------------------------------------------

def _person(index, row):
    born, year_only = parse_date(row["date_of_birth"])
    return dedup.Person(index, row["family_name"], row["given_names"], row["father_name"] or None, row["sex"],
                        born, year_only, row["place_of_birth"], row["id_type"], row["id_number"])


@pytest.fixture(scope="module")
def synthetic_roll():
    return generate(6000, ["C00001"], duplicate_share=0.05, negatives=200, seed=7)


def test_synthetic_roll_plants_every_kind_and_every_hard_negative(synthetic_roll):
    assert {kind for *_pair, kind in synthetic_roll.duplicates} == set(KINDS)
    assert {kind for *_pair, kind in synthetic_roll.negatives} == set(NEGATIVE_KINDS)


def test_planted_duplicates_of_every_kind_are_matched(app, synthetic_roll):
    rows = synthetic_roll.rows
    with app.test_request_context():
        missed = [kind for i, j, kind in synthetic_roll.duplicates
                  if dedup.compare(_person(i, rows[i]), _person(j, rows[j])) is None]
    assert len(missed) <= 0.02 * len(synthetic_roll.duplicates), missed


def test_hard_negatives_are_never_matched(app, synthetic_roll):
    rows = synthetic_roll.rows
    with app.test_request_context():
        flagged = [kind for i, j, kind in synthetic_roll.negatives
                   if dedup.compare(_person(i, rows[i]), _person(j, rows[j]), namesakes=50)]
    assert flagged == []


def _year_only_newcomer():
    return dedup.Person(None, "Kamara", "Mohamed", None, "M", date(1990, 7, 1), True, "Freetown", "passport", "P1")


def test_check_flags_a_year_only_registration_with_one_namesake_born_there(db):
    make_election()
    voter = make_voter(given_names="Mohamed", family_name="Kamara", sex="M", date_of_birth=date(1990, 3, 9),
                       place_of_birth="Freetown")
    assert [m.other.id for m in dedup.check(db.session, _year_only_newcomer())] == [voter.id]


def test_check_does_not_flag_a_year_only_registration_among_many_namesakes_born_there(db):
    make_election()
    for day in range(1, 6):
        make_voter(given_names="Mohamed", family_name="Kamara", sex="M", date_of_birth=date(1990, 3, day),
                   place_of_birth="Freetown")
    assert dedup.check(db.session, _year_only_newcomer()) == []


def test_a_year_only_registration_is_not_flagged_when_the_names_are_borne_by_many_born_elsewhere(db):
    # One namesake born in Freetown flags a year-only Mohamed Kamara born there (above);
    # with sixty more born within the year in other towns, the two sharing a town is
    # no longer telling: the roll's own count of the names weighs (frequency-based u).
    make_election()
    centre = make_centre()
    make_voter(centre, given_names="Mohamed", family_name="Kamara", sex="M", date_of_birth=date(1990, 3, 9),
               place_of_birth="Freetown")
    for n in range(60):
        make_voter(centre, given_names="Mohamed", family_name="Kamara", sex="M",
                   date_of_birth=date(1990, 1 + n % 12, 13 + n // 12), place_of_birth=f"Town {n}")
    assert dedup.check(db.session, _year_only_newcomer()) == []
    make_voter(centre, given_names="Mohamed", family_name="Kamara", sex="M", date_of_birth=date(1990, 7, 1),
               birth_year_only=True, place_of_birth="Freetown", id_type="passport", id_number="P1")
    assert duplicate_scan.scan(db.session) == 0


def test_the_names_count_weighs_only_on_a_vague_date(db):
    a = dedup.Person(1, "Kamara", "Mohamed", None, "M", date(1990, 7, 1), True, "Freetown", "passport", "P1")
    b = dedup.Person(2, "Kamara", "Mohamed", None, "M", date(1990, 3, 9), False, "Freetown", "national_id", None)
    assert dedup.compare(a, b, namesakes=2, name_count=2) is not None
    assert dedup.compare(a, b, namesakes=2, name_count=400) is None
    same_day = dedup.Person(3, "Kamara", "Mohamed", None, "M", date(1990, 3, 9), False, "Freetown", "passport", None)
    assert dedup.compare(same_day, b, namesakes=2, name_count=400) is not None


def test_people_sharing_a_first_name_are_compared_only_when_their_other_names_can_be_one():
    first = name_compare.first_token
    assert name_compare.can_be_one_name(first("Benali"), first("بن علي"))  # written joined in Latin
    assert name_compare.can_be_one_name(first("Mansaray"), first("Manbaray"))  # a typo
    assert name_compare.can_be_one_name(first("Alzawi"), first("Zawi"))  # the article joined
    assert not name_compare.can_be_one_name(first("Kamara"), first("Conteh"))
    assert not name_compare.can_be_one_name(first("Kamara"), first("Karama"))  # an anagram is another name
