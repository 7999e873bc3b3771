"""Two clerks registering the same person at once; two supervisors deciding one pair; voter numbers."""

import itertools
from datetime import date

from sqlalchemy import func, select

from electoral.accounts.models import User
from electoral.core.auth import Role
from electoral.core.errors import ValidationFailed
from electoral.extensions import db as _db
from electoral.registration.models import DuplicatePair, Voter
from electoral.registration.services import adjudication, numbers, voters
from tests.concurrency.conftest import ROUNDS
from tests.factories import make_centre, make_user
from tests.registration.factories import make_election, registration

_people = itertools.count(1)


def _clerk(centre_id: int, person: dict, clerk_id: int):
    """What a clerk (the user ``clerk_id``) does: register; shown a possible duplicate, confirm and save it as one."""

    def work():
        from electoral.geography.models import PollingCentre

        def data():
            return registration(_db.session.get(PollingCentre, centre_id), **person)

        clerk = _db.session.get(User, clerk_id)
        try:
            voters.register(_db.session, data(), clerk)
            warned = False
        except voters.PossibleDuplicates:
            _db.session.rollback()
            voters.register(_db.session, data(), clerk, save_as_duplicate=True)
            warned = True
        _db.session.commit()
        return warned

    return work


def _person(n: int) -> dict:
    # Different given names each round, so rounds do not match each other.
    return dict(family_name="Kollie", given_names=f"Comfort{'abcdefgh'[n % 8]}{n // 8}x", sex="F",
                date_of_birth=date(1984, 3, 1 + n % 27), id_number=f"NID-RACE-{n:04d}", place_of_birth="Gbarnga")


def test_two_clerks_registering_one_person_at_once_make_one_voter_and_one_queued_duplicate(db, race):
    make_election()
    centre_id, clerk_id = make_centre().id, make_user(Role.REGISTRATION_CLERK).id
    db.session.commit()
    for _round in range(ROUNDS):
        person = _person(next(_people))
        outcomes = race(_clerk(centre_id, person, clerk_id), _clerk(centre_id, person, clerk_id))
        assert all(isinstance(o, bool) for o in outcomes), outcomes
        # Exactly one clerk was told the person may already be on the roll.
        assert sorted(outcomes) == [False, True]
        db.session.commit()
        saved = list(db.session.scalars(select(Voter).where(Voter.id_number == person["id_number"])))
        assert [v.status for v in saved] == ["possible_duplicate", "possible_duplicate"]
        pairs = list(db.session.scalars(select(DuplicatePair).where(
            DuplicatePair.voter_a_id.in_([v.id for v in saved]))))
        assert [(p.voter_a_id, p.voter_b_id, p.status) for p in pairs] == [
            (min(v.id for v in saved), max(v.id for v in saved), "open")]


def test_clerks_who_both_save_anyway_still_queue_the_pair(db, race):
    make_election()
    centre_id, clerk_id = make_centre().id, make_user(Role.REGISTRATION_CLERK).id
    db.session.commit()

    def save_anyway(person):
        def work():
            from electoral.geography.models import PollingCentre

            data = registration(_db.session.get(PollingCentre, centre_id), **person)
            voter = voters.register(_db.session, data, _db.session.get(User, clerk_id), save_as_duplicate=True)
            _db.session.commit()
            return voter.id
        return work

    for _round in range(ROUNDS):
        person = _person(next(_people))
        ids = race(save_anyway(person), save_anyway(person))
        assert all(isinstance(i, int) for i in ids), ids
        db.session.commit()
        statuses = db.session.scalars(select(Voter.status).where(Voter.id.in_(ids))).all()
        assert statuses == ["possible_duplicate", "possible_duplicate"]
        assert db.session.scalar(select(func.count(DuplicatePair.id)).where(
            DuplicatePair.voter_a_id == min(ids), DuplicatePair.voter_b_id == max(ids))) == 1


def test_different_people_registered_at_once_are_not_held_up_as_duplicates(db, race):
    make_election()
    centre_id, clerk_id = make_centre().id, make_user(Role.REGISTRATION_CLERK).id
    db.session.commit()
    people = [_person(next(_people)) | {"family_name": name} for name in ("Flomo", "Tarpeh", "Sirleaf", "Dolo")]
    outcomes = race(*(_clerk(centre_id, p, clerk_id) for p in people))
    assert outcomes == [False] * 4
    db.session.commit()
    assert db.session.scalar(select(func.count(DuplicatePair.id))) == 0


def test_voter_numbers_taken_at_once_never_collide(db, race):
    # The first taker creates the counter row: that race is the riskiest, so it is included.
    def taker():
        taken = []
        for _ in range(20):
            taken.extend(numbers.take(_db.session, 3))
            _db.session.commit()
        return taken

    for _round in range(ROUNDS // 2):
        db.session.execute(numbers.NumberCounter.__table__.delete())
        db.session.commit()
        results = race(*(taker for _ in range(6)))
        assert not [r for r in results if isinstance(r, Exception)], results
        every = [n for r in results for n in r]
        assert len(every) == 6 * 20 * 3 == len(set(every))
        assert all(numbers.is_valid(n) for n in every)
        db.session.commit()
        last = db.session.scalar(select(numbers.NumberCounter.value).where(numbers.NumberCounter.name == numbers.COUNTER))
        assert last == len(every)


def _supervisor(pair_id: int, is_duplicate: bool, keep_id: int | None, supervisor_id: int):
    def work():
        pair = _db.session.get(DuplicatePair, pair_id)
        try:
            adjudication.decide(_db.session, pair, is_duplicate, _db.session.get(User, supervisor_id),
                                keep=_db.session.get(Voter, keep_id) if keep_id else None)
        except ValidationFailed as refused:
            _db.session.rollback()
            return str(refused)
        _db.session.commit()
        return "decided"
    return work


def test_two_supervisors_deciding_one_pair_at_once_keep_one_record(db, race):
    make_election()
    centre, clerk = make_centre(), make_user(Role.REGISTRATION_CLERK)
    pairs = []
    for n in range(ROUNDS):
        person = _person(next(_people))
        first = voters.register(db.session, registration(centre, **person), clerk)
        second = voters.register(db.session, registration(centre, **person), clerk, save_as_duplicate=True)
        pairs.append((db.session.scalar(select(DuplicatePair.id).where(DuplicatePair.voter_b_id == second.id)),
                      first.id, second.id, n))
    supervisor_id = make_user(Role.REGISTRATION_SUPERVISOR).id
    db.session.commit()
    for pair_id, first_id, second_id, n in pairs:
        # Each keeps a different record, or one says duplicate and the other not: one decision stands.
        other = (_supervisor(pair_id, True, second_id, supervisor_id) if n % 2
                 else _supervisor(pair_id, False, None, supervisor_id))
        outcomes = race(_supervisor(pair_id, True, first_id, supervisor_id), other)
        refused = [o for o in outcomes if o != "decided"]
        assert refused == ["This pair was already decided."], outcomes
        db.session.commit()
        statuses = sorted(db.session.scalars(select(Voter.status).where(Voter.id.in_((first_id, second_id)))))
        assert statuses in (["active", "removed"], ["active", "active"]), statuses
