"""A different number on the same kind of document is weak evidence against a duplicate, never a veto."""

from datetime import date

from sqlalchemy import select

from electoral.core.auth import Role
from electoral.registration.models import DuplicatePair, Voter
from electoral.registration.services import duplicate_scan
from electoral.registration.services.dedup import THRESHOLD, Person, compare, describe
from tests.factories import make_centre
from tests.registration.factories import make_election, make_voter

BORN = date(1988, 11, 3)


def _person(id, number, father=None, place="Bo"):
    return Person(id, "Sesay", "Aminata", father, "F", BORN, False, place, "national_id", number)


def test_same_person_with_another_national_id_number_is_flagged_with_the_reason(db):
    match = compare(_person(1, "SL-100200"), _person(2, "SL-733915"))
    assert match is not None
    assert "different numbers on the same kind of identity document" in describe(match.reasons)


def test_a_different_number_only_ranks_the_match_lower(db):
    without_numbers = compare(_person(1, None, father="Brima"), _person(2, None, father="Brima"))
    with_numbers = compare(_person(1, "SL-1", father="Brima"), _person(2, "SL-2", father="Brima"))
    assert THRESHOLD <= with_numbers.score < without_numbers.score


def test_different_numbers_do_not_join_people_whose_other_details_differ(db):
    assert compare(_person(1, "SL-1", father="Brima", place="Bo"),
                   _person(2, "SL-2", father="Sorie", place="Kenema")) is None


def test_registration_form_warns_of_the_same_person_with_another_document_number(client, db, login_as):
    make_election()
    centre = make_centre(code="BO-01-001")
    first = make_voter(centre, family_name="Sesay", given_names="Aminata", sex="F", date_of_birth=BORN,
                       place_of_birth="Bo", father_name=None, id_type="national_id", id_number="SL-100200")
    db.session.commit()
    login_as(Role.REGISTRATION_CLERK)
    shown = client.post_form("/registration/register", {
        "family_name": "Sesay", "given_names": "Aminata", "sex": "F", "date_of_birth": BORN.isoformat(),
        "place_of_birth": "Bo", "centre_code": "BO-01-001", "id_type": "national_id", "id_number": "SL-733915"})
    text = shown.get_data(as_text=True)
    assert shown.status_code == 409
    assert first.voter_number in text  # a clerk is shown the other record's number only
    assert db.session.scalar(select(Voter).where(Voter.id_number == "SL-733915")) is None


def test_batch_scan_queues_the_same_person_with_another_document_number(db):
    make_election()
    centre = make_centre()
    first = make_voter(centre, family_name="Sesay", given_names="Aminata", sex="F", date_of_birth=BORN,
                       place_of_birth="Bo", father_name=None, id_type="national_id", id_number="SL-100200")
    second = make_voter(centre, family_name="Sesay", given_names="Aminata", sex="F", date_of_birth=BORN,
                        place_of_birth="Bo", father_name=None, id_type="national_id", id_number="SL-733915")
    assert duplicate_scan.scan(db.session) == 1
    pair = db.session.scalars(select(DuplicatePair)).one()
    assert (pair.voter_a_id, pair.voter_b_id) == (first.id, second.id)
