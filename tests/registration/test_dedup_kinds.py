"""Duplicates a supervisor recognises at a glance on rolls the matcher never saw (issue 17), and the people it must not join."""

import importlib.util
import json
import math
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, update

from electoral.registration.models import DuplicatePair, Voter
from electoral.registration.services import dedup, duplicate_scan, match_score
from electoral.registration.services.dedup import Person, compare, describe
from tests.factories import make_centre
from tests.registration.factories import make_election, make_voter

BORN = date(1984, 9, 23)


def _fields(given, family, **extra):
    values = dict(given_names=given, family_name=family, sex="M", date_of_birth=BORN, father_name=None,
                  place_of_birth="Bo", id_type="national_id", id_number=None)
    values.update(extra)
    return values


def _person(id, values):
    return Person(id, values["family_name"], values["given_names"], values["father_name"], values["sex"],
                  values["date_of_birth"], values.get("birth_year_only", False), values["place_of_birth"],
                  values["id_type"], values["id_number"])


# (kind, first registration, second registration)
SAME_PERSON = [
    ("particle joined", _fields("Musa", "Al-Zawi"), _fields("Musa", "AlZawi")),
    ("particle joined, lower case", _fields("Musa", "Al-Zawi"), _fields("Musa", "Alzawi")),
    ("compound name joined", _fields("Jean-Baptiste", "Kouadio"), _fields("JeanBaptiste", "Kouadio")),
    ("compound name joined, lower case", _fields("Jean-Baptiste", "Kouadio"), _fields("Jeanbaptiste", "Kouadio")),
    ("first given name dropped", _fields("Mariam Aminata", "Kamara", sex="F"), _fields("Aminata", "Kamara", sex="F")),
    ("first given name added", _fields("Foday", "Kamara"), _fields("Abu Foday", "Kamara")),
    ("transposition in a short name", _fields("Dool", "Kollie"), _fields("Dolo", "Kollie")),
    ("transposition in a short name", _fields("Alhaj", "Sesay"), _fields("Alahj", "Sesay")),
    ("Arabic letter dropped", _fields("محمد", "الزوي"), _fields("ممد", "الزوي")),
    ("four-part Arabic name in Latin", _fields("محمد علي عبد الله", "الزوي", father_name="علي"),
     _fields("Mohamed Ali Abdallah", "Al-Zawi", father_name="Ali")),
    ("typo and a year apart", _fields("Mohamed", "Mansaray"),
     _fields("Mohamed", "Manbaray", date_of_birth=date(1985, 9, 23))),
    ("script and particle", _fields("محمد", "الحاسي"), _fields("Mohamed", "Alhassi")),
    ("script and particle apart", _fields("محمد", "بن علي"), _fields("Muhammad", "Benali")),
    ("first given name dropped and 1 January", _fields("Mariam Aminata", "Kamara", sex="F"),
     _fields("Aminata", "Kamara", sex="F", date_of_birth=date(1984, 1, 1))),
]

# (kind, one person, another)
DIFFERENT_PEOPLE = [
    ("brothers sharing the father's and grandfather's names",
     _fields("محمد علي سالم", "الزوي", father_name="علي"),
     _fields("أحمد علي سالم", "الزوي", father_name="علي", date_of_birth=date(1987, 2, 11))),
    ("twins", _fields("Hassan", "Kamara", father_name="Ibrahim"), _fields("Hussein", "Kamara", father_name="Ibrahim")),
    ("twins in Arabic", _fields("حسن", "الزوي", father_name="علي"), _fields("حسين", "الزوي", father_name="علي")),
    ("namesakes born the same year of other fathers", _fields("Mohamed", "Kamara", father_name="Ibrahim"),
     _fields("Mohamed", "Kamara", father_name="Sorie", date_of_birth=date(1984, 9, 3))),
    ("namesakes, one year-only, of other fathers",
     _fields("Fatu", "Sesay", sex="F", father_name="Brima", date_of_birth=date(1984, 7, 1), birth_year_only=True),
     _fields("Fatu", "Sesay", sex="F", father_name="Lansana", date_of_birth=date(1984, 3, 30))),
    ("own name against the grandfather's", _fields("أحمد عبد الله محمد", "الزوي"), _fields("Mohamed", "Al-Zawi")),
]


@pytest.mark.parametrize("kind, first, second", SAME_PERSON, ids=[case[0] for case in SAME_PERSON])
def test_each_kind_of_duplicate_is_found_by_the_comparison(db, kind, first, second):
    match = compare(_person(1, first), _person(2, second))
    assert match is not None, kind
    assert match.score >= dedup.THRESHOLD


@pytest.mark.parametrize("kind, first, second", SAME_PERSON, ids=[case[0] for case in SAME_PERSON])
def test_each_kind_of_duplicate_is_found_by_the_check_on_registration(db, kind, first, second):
    make_election()
    centre = make_centre()
    original = make_voter(centre, **first)
    for n, family in enumerate(["Conteh", "Bangura", "Turay"]):  # people the check must pass over
        make_voter(centre, **{**first, "family_name": family, "date_of_birth": date(1984, 3, 1 + n)})
    found = dedup.check(db.session, _person(None, second))
    assert [m.other.id for m in found] == [original.id], kind


@pytest.mark.parametrize("kind, first, second", SAME_PERSON, ids=[case[0] for case in SAME_PERSON])
def test_each_kind_of_duplicate_is_queued_by_the_batch_scan(db, kind, first, second):
    make_election()
    centre = make_centre()
    original = make_voter(centre, **first)
    copy = make_voter(centre, **second)
    make_voter(centre, **{**first, "family_name": "Conteh", "date_of_birth": date(1984, 3, 1)})
    assert duplicate_scan.scan(db.session) == 1, kind
    assert set(db.session.execute(select(DuplicatePair.voter_a_id, DuplicatePair.voter_b_id))) == {
        (original.id, copy.id)}


@pytest.mark.parametrize("kind, first, second", DIFFERENT_PEOPLE, ids=[case[0] for case in DIFFERENT_PEOPLE])
def test_hard_negatives_are_not_flagged(db, kind, first, second):
    assert compare(_person(1, first), _person(2, second)) is None, kind
    make_election()
    centre = make_centre()
    make_voter(centre, **first)
    assert dedup.check(db.session, _person(None, second)) == [], kind
    make_voter(centre, **second)
    assert duplicate_scan.scan(db.session) == 0, kind


def test_the_shipped_weights_load_and_give_probabilities(db):
    counts = json.loads(match_score.WEIGHTS_FILE.read_text(encoding="utf-8"))
    assert counts["pairs"]["match"] > 100 and counts["pairs"]["non_match"] > 100  # estimated, not set by hand
    weights = match_score.weights()
    for name, levels in match_score.COMPARISONS.items():
        assert set(weights.log_ratios[name]) == set(levels)
    agreeing = {"names": "same", "layout": "full", "dob": "same", "father": "same", "place": "same",
                "document": "none", "crowd": "no"}
    assert 0.9 < weights.probability(agreeing) < 1
    assert weights.probability({**agreeing, "dob": "year_only", "father": "missing", "crowd": "vague"}) \
        < weights.probability(agreeing)


def test_the_score_is_the_probability_in_percent_with_reasons_in_words(db):
    a, b = _fields("Mohamed", "Kamara", father_name="Ibrahim"), _fields("Mohammed", "Kamara", father_name="Ibrahim")
    match = compare(_person(1, a), _person(2, b))
    levels, _reasons = dedup.comparison_levels(_person(1, a), _person(2, b))
    assert match.score == max(1, min(99, round(100 * match_score.weights().probability(levels))))
    assert describe(match.reasons)[:2] == ["names spelt differently: Mohamed Kamara ~ Mohammed Kamara",
                                           "same date of birth"]


def test_weights_from_counts_are_the_log_ratios_of_the_counted_levels():
    comparisons = match_score.COMPARISONS
    m_counts = {name: {level: 1 for level in levels} | {"same": 8} for name, levels in comparisons.items()}
    u_counts = {name: {level: 1 for level in levels} | {"same": 10} for name, levels in comparisons.items()}
    counts = {"pairs": {"match": 10, "non_match": 90}, "smoothing": 0.0, "m_counts": m_counts, "u_counts": u_counts}
    weights = match_score.weights_from_counts(counts)
    assert math.isclose(weights.prior_log_odds, math.log(10 / 90))
    dob_levels = len(comparisons["dob"])
    assert math.isclose(weights.log_ratios["dob"]["same"],
                        math.log((8 / (8 + dob_levels - 1)) / (10 / (10 + dob_levels - 1))))


def test_the_migration_recomputes_every_voters_keys(db):
    make_election()
    voter = make_voter(given_names="Mariam Aminata", family_name="AlZawi", sex="F")
    db.session.execute(update(Voter).values(key_names="stale", key_given="stale", key_family="stale", key_last=""))
    path = next(Path("migrations/versions").glob("*_51e9288a733a_voter_key_last.py"))
    spec = importlib.util.spec_from_file_location("voter_key_last", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    migration.recompute_keys(db.session.connection())
    db.session.expire_all()
    voter = db.session.get(Voter, voter.id)
    assert (voter.key_names, voter.key_given, voter.key_family, voter.key_last) == dedup.keys(
        "Mariam Aminata", "AlZawi", "F") == ("F:mrm|s", "F:mrm", "F:s", "F:mnt|s")


def test_the_supervisor_sees_the_score_as_a_probability_with_the_reasons(client, db, login_as):
    from electoral.core.auth import Role

    make_election()
    a = make_voter(family_name="Kamara", given_names="Mohamed", sex="M")
    b = make_voter(family_name="Kamara", given_names="Mohammed", sex="M")
    db.session.add(DuplicatePair(voter_a_id=a.id, voter_b_id=b.id, score=87,
                                 reasons=[["names_joined", {"a": "Musa AlZawi", "b": "Musa Al-Zawi"}]]))
    db.session.commit()
    login_as(Role.REGISTRATION_SUPERVISOR)
    page = client.get("/registration/duplicates").get_data(as_text=True)
    assert "87%" in page
    assert "names written joined on one record and apart on the other: Musa AlZawi ~ Musa Al-Zawi" in page
