"""Registration rules: eligibility, voter numbers, adjudication, exhibition, freezing, station split."""

from datetime import date

import pytest

from electoral.core.auth import Role
from electoral.core.errors import ValidationFailed
from electoral.core.models import AuditEntry
from electoral.registration.models import DuplicatePair, RollChange, Voter
from electoral.registration.services import (
    adjudication,
    assignment,
    duplicate_scan,
    election,
    numbers,
    roll,
)
from electoral.registration.services.voters import PossibleDuplicates, register
from tests.factories import make_centre, make_district, make_station, make_user, user_called
from tests.registration.factories import make_election, make_voter, registration


def errors_of(excinfo) -> str:
    return " ".join(m for msgs in excinfo.value.errors.values() for m in msgs)


# ---- voter numbers -----------------------------------------------------------

def test_voter_numbers_carry_valid_check_digits_and_are_never_reused(db):
    first, second = numbers.take(db.session, 2)
    assert numbers.is_valid(first) and numbers.is_valid(second)
    db.session.rollback()
    assert numbers.take(db.session)[0] not in ("",)  # the counter is a row, not max()+1
    assert len({first, second}) == 2


def test_one_wrong_digit_is_caught(db):
    number = numbers.format_number(123456)
    for position in range(len(number)):
        wrong = number[:position] + str((int(number[position]) + 1) % 10) + number[position + 1:]
        assert not numbers.is_valid(wrong)


def test_swapped_neighbouring_digits_are_caught(db):
    number = numbers.format_number(987654321)
    for position in range(len(number) - 1):
        if number[position] != number[position + 1]:
            swapped = number[:position] + number[position + 1] + number[position] + number[position + 2:]
            assert not numbers.is_valid(swapped)


def test_numbers_keep_rising_after_a_voter_is_removed(db):
    make_election()
    voter = make_voter()
    roll.remove(db.session, voter, "deceased", user_called("sup"))
    assert int(numbers.take(db.session)[0][:-2]) > int(voter.voter_number[:-2])


# ---- eligibility -------------------------------------------------------------

def test_person_under_minimum_age_on_polling_day_is_refused(db):
    make_election(polling_day=date(2026, 10, 10))
    with pytest.raises(ValidationFailed) as excinfo:
        register(db.session, registration(date_of_birth=date(2008, 10, 11)), user_called("clerk"))
    assert "Not eligible: 17 years old on polling day" in errors_of(excinfo)


def test_person_turning_eighteen_on_polling_day_is_eligible(db):
    make_election(polling_day=date(2026, 10, 10))
    voter = register(db.session, registration(date_of_birth=date(2008, 10, 10)), user_called("clerk"))
    assert (voter.status, voter.registered_by) == ("active", "clerk")


def test_missing_identity_evidence_is_refused(db):
    make_election()
    with pytest.raises(ValidationFailed) as excinfo:
        register(db.session, registration(id_number=""), user_called("clerk"))
    assert "Enter the number of the identity document" in errors_of(excinfo)


def test_attestation_needs_two_voters_on_the_roll(db):
    make_election()
    witness = make_voter()
    removed = make_voter(status="removed", removal_reason="deceased")
    with pytest.raises(ValidationFailed) as excinfo:
        register(db.session, registration(id_type="attestation", id_number=None,
                                          attesting_numbers=[witness.voter_number, removed.voter_number]),
                 user_called("clerk"))
    assert f"Voter {removed.voter_number} is not on the roll" in errors_of(excinfo)


def test_attestation_by_a_mistyped_number_is_caught_by_the_check_digits(db):
    make_election()
    witness = make_voter()
    typo = witness.voter_number[:-1] + str((int(witness.voter_number[-1]) + 1) % 10)
    with pytest.raises(ValidationFailed) as excinfo:
        register(db.session, registration(id_type="attestation", attesting_numbers=[make_voter().voter_number, typo]),
                 user_called("clerk"))
    assert "check digits do not agree" in errors_of(excinfo)


def test_attestation_by_two_registered_voters_is_accepted(db):
    make_election()
    a, b = make_voter(), make_voter()
    voter = register(db.session, registration(id_type="attestation", id_number=None,
                                              attesting_numbers=[a.voter_number, b.voter_number]), user_called("clerk"))
    assert voter.attesting_numbers == f"{a.voter_number} {b.voter_number}"


def test_clerk_cannot_register_outside_their_district(db):
    make_election()
    clerk = make_user(scope=make_district())
    with pytest.raises(ValidationFailed) as excinfo:
        register(db.session, registration(centre=make_centre()), clerk)
    assert "outside your area" in errors_of(excinfo)


def test_registration_needs_a_configured_election(db):
    with pytest.raises(ValidationFailed, match="not configured"):
        register(db.session, registration(), user_called("clerk"))


# ---- duplicates at registration and adjudication -------------------------------

def _duplicate_of(voter, **fields):
    values = dict(family_name=voter.family_name, given_names=voter.given_names, centre=voter.centre,
                  date_of_birth=voter.date_of_birth, id_number=voter.id_number, place_of_birth=voter.place_of_birth)
    values.update(fields)
    return registration(**values)


def test_likely_duplicate_is_shown_before_saving(db):
    make_election()
    first = make_voter(family_name="Kamara", given_names="Mohamed")
    with pytest.raises(PossibleDuplicates) as found:
        register(db.session, _duplicate_of(first, given_names="Mohammed"), user_called("clerk"))
    assert found.value.matches[0].other.id == first.id
    assert db.session.query(Voter).count() == 1


def test_saving_as_possible_duplicate_queues_the_pair(db):
    make_election()
    first = make_voter(family_name="Kamara", given_names="Mohamed")
    second = register(db.session, _duplicate_of(first, given_names="Mohammed"), user_called("clerk"),
                      save_as_duplicate=True)
    pair = db.session.query(DuplicatePair).one()
    assert (pair.voter_a_id, pair.voter_b_id, pair.status) == (first.id, second.id, "open")
    assert first.status == second.status == "possible_duplicate"


def test_pair_decided_not_duplicate_restores_both_and_is_not_raised_again(db):
    make_election()
    first = make_voter(family_name="Kamara", given_names="Mohamed")
    second = register(db.session, _duplicate_of(first), user_called("clerk"), save_as_duplicate=True)
    pair = db.session.query(DuplicatePair).one()
    adjudication.decide(db.session, pair, False, make_user(Role.REGISTRATION_SUPERVISOR))
    assert first.status == second.status == "active"
    assert duplicate_scan.scan(db.session) == 0
    assert db.session.query(DuplicatePair).count() == 1


def test_pair_decided_duplicate_removes_one_linked_to_the_kept_record(db):
    make_election()
    first = make_voter(family_name="Kamara", given_names="Mohamed")
    second = register(db.session, _duplicate_of(first), user_called("clerk"), save_as_duplicate=True)
    pair = db.session.query(DuplicatePair).one()
    adjudication.decide(db.session, pair, True, make_user(Role.REGISTRATION_SUPERVISOR), keep=first)
    assert (second.status, second.removal_reason, second.kept_voter_id) == ("removed", "duplicate", first.id)
    assert first.status == "active"
    assert db.session.query(AuditEntry).filter_by(entity_type="Voter", entity_id=str(second.id),
                                                  action="update").count() >= 1


def test_batch_scan_queues_planted_duplicates_only(db):
    make_election()
    centre = make_centre()
    original = make_voter(centre, family_name="Sesay", given_names="Fatu", sex="F", id_number="X1")
    make_voter(centre, family_name="Fatu", given_names="Sesay", sex="F", id_number="X1")  # swapped names
    make_voter(centre, family_name="Sesay", given_names="Aminata", sex="F", id_number="X9")
    assert duplicate_scan.scan(db.session) == 1
    assert db.session.query(DuplicatePair).one().voter_a_id == original.id


# ---- exhibition, freezing ----------------------------------------------------

EXHIBITION = (date(2026, 1, 1), None)


def test_objection_upheld_removes_the_voter_with_the_ground(db):
    make_election(exhibition=EXHIBITION)
    voter = make_voter()
    case = roll.lodge_objection(db.session, voter, "deceased", "Death certificate 1234", user_called("clerk"))
    roll.decide_case(db.session, case, True, "Certificate checked", user_called("sup"))
    assert (voter.status, voter.removal_reason, case.status) == ("removed", "deceased", "upheld")


def test_objection_rejected_leaves_the_voter(db):
    make_election(exhibition=EXHIBITION)
    voter = make_voter()
    case = roll.lodge_objection(db.session, voter, "not_citizen", "Neighbour says so", user_called("clerk"))
    roll.decide_case(db.session, case, False, "No evidence", user_called("sup"))
    assert (voter.status, case.status, case.decision_reason) == ("active", "rejected", "No evidence")


def test_correction_claim_upheld_changes_the_name_through_the_audit_trail(db):
    make_election(exhibition=EXHIBITION)
    voter = make_voter(family_name="Kolie")
    case = roll.lodge_correction(db.session, voter, {"family_name": "Kollie"}, "National ID shown", user_called("clerk"))
    roll.decide_case(db.session, case, True, "ID matches", user_called("sup"))
    db.session.flush()
    assert voter.family_name == "Kollie"
    change = db.session.query(AuditEntry).filter_by(entity_type="Voter", entity_id=str(voter.id), action="update").one()
    assert change.after["family_name"] == "Kollie"


def test_inclusion_claim_upheld_puts_the_person_on_the_roll(db):
    make_election(exhibition=EXHIBITION)
    centre = make_centre()
    person = {"family_name": "Dolo", "given_names": "Musu", "sex": "F", "date_of_birth": "1985-02-03",
              "id_type": "passport", "id_number": "P777"}
    case = roll.lodge_inclusion(db.session, centre, person, "Registration slip", user_called("clerk"))
    roll.decide_case(db.session, case, True, "Slip is genuine", user_called("sup"))
    assert case.voter.family_name == "Dolo" and case.voter.centre_id == centre.id
    assert case.voter.registered_by == "sup"  # registered by the supervisor who upheld the claim


def test_claims_are_refused_outside_exhibition(db):
    make_election()
    with pytest.raises(ValidationFailed, match="exhibition"):
        roll.lodge_objection(db.session, make_voter(), "deceased", "x", user_called("clerk"))


def test_frozen_roll_refuses_new_registrations_and_removals_without_allowed_reason(db):
    make_election()
    voter = make_voter()
    election.freeze(db.session, user_called("sup"))
    with pytest.raises(ValidationFailed, match="frozen"):
        register(db.session, registration(), user_called("clerk"))
    with pytest.raises(ValidationFailed, match="frozen"):
        roll.remove(db.session, voter, "not_citizen", user_called("sup"))


def test_frozen_roll_records_removal_and_transfer_with_reason(db):
    make_election()
    voter = make_voter()
    election.freeze(db.session, user_called("sup"))
    roll.transfer(db.session, voter, make_centre(), "Moved to Gbarnga, form T-12", user_called("sup"))
    roll.remove(db.session, voter, "deceased", user_called("sup"), note="certificate 55")
    kinds = [(c.kind, c.reason) for c in db.session.query(RollChange).order_by(RollChange.id)]
    assert kinds == [("transfer", "Moved to Gbarnga, form T-12"), ("removal", "deceased: certificate 55")]


def test_roll_cannot_be_frozen_with_open_duplicates(db):
    make_election()
    first = make_voter(family_name="Kamara", given_names="Mohamed")
    register(db.session, _duplicate_of(first), user_called("clerk"), save_as_duplicate=True)
    with pytest.raises(ValidationFailed, match="Decide every possible duplicate"):
        election.freeze(db.session, user_called("sup"))


# ---- station assignment --------------------------------------------------------

def test_assignment_never_exceeds_capacity_and_says_how_many_stations_are_missing(db):
    make_election()
    centre = make_centre()
    s1, s2 = make_station(centre, code="S-1", capacity=3), make_station(centre, code="S-2", capacity=2)
    for name in ["Zoe", "Ade", "Kim", "Bob", "Eve", "Lia", "Moe"]:
        make_voter(centre, family_name=name)
    split = assignment.assign_centre(db.session, centre)
    counts = {s.id: db.session.query(Voter).filter_by(station_id=s.id).count() for s in (s1, s2)}
    assert counts == {s1.id: 3, s2.id: 2}
    assert (split.unassigned, split.stations_short) == (2, 1)


def test_assignment_is_alphabetical_by_family_then_given_names(db):
    make_election()
    centre = make_centre()
    s1, s2 = make_station(centre, code="S-1", capacity=2), make_station(centre, code="S-2", capacity=2)
    names = [("Kamara", "Sia"), ("Kamara", "Ali"), ("Bah", "Zainab"), ("Sesay", "Fatu")]
    voters = {n: make_voter(centre, family_name=n[0], given_names=n[1]) for n in names}
    assignment.assign_centre(db.session, centre)
    assert [voters[n].station_id for n in [("Bah", "Zainab"), ("Kamara", "Ali")]] == [s1.id, s1.id]
    assert [voters[n].station_id for n in [("Kamara", "Sia"), ("Sesay", "Fatu")]] == [s2.id, s2.id]


def test_rerun_moves_nobody_when_nothing_changed_and_only_whom_it_must_after_new_voters(db):
    make_election()
    centre = make_centre()
    make_station(centre, code="S-1", capacity=3)
    make_station(centre, code="S-2", capacity=3)
    voters = [make_voter(centre, family_name=n) for n in ["Bah", "Dolo", "Kamara", "Sesay"]]
    assignment.assign_centre(db.session, centre)
    before = {v.id: v.station_id for v in voters}
    assert assignment.assign_centre(db.session, centre).moved == 0
    make_voter(centre, family_name="Abu")
    split = assignment.assign_centre(db.session, centre)
    assert split.moved == 1  # only the newcomer is placed
    assert {v.id: v.station_id for v in voters} == before


# ---- import --------------------------------------------------------------------

def test_import_killed_after_its_first_batch_reruns_without_duplicates(db):
    from electoral.registration.services import imports

    make_election()
    make_centre(code="MO-001")
    db.session.commit()
    lines = ["family_name,given_names,sex,date_of_birth,centre_code,id_type,id_number"]
    lines += [f"{name},Amara,F,19{60 + n}-0{1 + n % 9}-1{n},MO-001,national_id,N{n}"
              for n, name in enumerate(["Kollie", "Flomo", "Dolo", "Kpoto", "Tarpeh"])]
    data = "\n".join(lines).encode()
    batches = []

    def commit_then_die():
        db.session.commit()
        batches.append(1)
        if len(batches) == 1:
            raise KeyboardInterrupt  # the operator's Ctrl-C, or the machine going down

    with pytest.raises(KeyboardInterrupt):
        imports.import_voters(db.session, data, "kit.csv", user_called("clerk"),
                              batch_size=2, end_batch=commit_then_die)
    db.session.rollback()
    assert db.session.query(Voter).count() == 2
    summary = imports.import_voters(db.session, data, "kit.csv", user_called("clerk"),
                                    batch_size=2, end_batch=db.session.commit)
    assert (summary.imported, summary.already_imported) == (3, 2)
    assert db.session.query(Voter).count() == 5


def test_registration_is_refused_after_the_registration_period(db):
    make_election(registration=(date(2026, 1, 5), date(2026, 3, 31)))
    with pytest.raises(ValidationFailed, match="Registration is open from 2026-01-05 to 2026-03-31"):
        register(db.session, registration(), user_called("clerk"), today=date(2026, 4, 1))


def test_inclusion_claim_upheld_after_the_registration_period_still_registers(db):
    make_election(registration=(date(2026, 1, 5), date(2026, 1, 6)), exhibition=(date(2026, 1, 7), None))
    person = {"family_name": "Dolo", "given_names": "Musu", "sex": "F", "date_of_birth": "1985-02-03",
              "id_type": "passport", "id_number": "P777"}
    case = roll.lodge_inclusion(db.session, make_centre(), person, "Registration slip", user_called("clerk"))
    roll.decide_case(db.session, case, True, "Slip is genuine", user_called("sup"))
    assert case.voter is not None


def test_rerun_of_a_killed_import_queues_the_pairs_of_rows_written_before_the_kill(db):
    from electoral.registration.services import imports

    make_election()
    make_centre(code="MO-001")
    db.session.commit()
    lines = ["family_name,given_names,sex,date_of_birth,centre_code,id_type,id_number",
             "Kollie,Amara,F,1990-01-02,MO-001,national_id,N1",
             "Kollie,Amara,F,1990-01-02,MO-001,national_id,N1",  # the same person twice, in the first batch
             "Flomo,Esther,F,1979-03-14,MO-001,passport,P2"]
    data = "\n".join(lines).encode()

    def commit_then_die():
        db.session.commit()
        raise KeyboardInterrupt  # killed after the first batch, before the duplicate scan

    with pytest.raises(KeyboardInterrupt):
        imports.import_voters(db.session, data, "kit.csv", user_called("clerk"),
                              batch_size=2, end_batch=commit_then_die)
    db.session.rollback()
    assert db.session.query(DuplicatePair).count() == 0
    summary = imports.import_voters(db.session, data, "kit.csv", user_called("clerk"),
                                    batch_size=2, end_batch=db.session.commit)
    assert (summary.imported, summary.already_imported, summary.pairs_queued) == (1, 2, 1)
    assert db.session.query(DuplicatePair).count() == 1


def _voter_indexes() -> set[str]:
    from sqlalchemy import inspect

    from electoral.extensions import db

    return {index["name"] for index in inspect(db.session.connection()).get_indexes("voter")}


def _bulk_file(rows: int) -> bytes:
    lines = ["family_name,given_names,sex,date_of_birth,centre_code,id_type,id_number"]
    lines += [f"Family{n},Given{n},{'FM'[n % 2]},19{50 + n % 40}-0{1 + n % 9}-1{n % 10},MO-001,national_id,B{n}"
              for n in range(rows)]
    return "\n".join(lines).encode()


@pytest.fixture
def bulk(db, monkeypatch):
    """On SQLite, with bulk loads from ten rows, an election and polling centre MO-001: the imports module."""
    from electoral.registration.services import imports

    if db.engine.dialect.name != "sqlite":
        pytest.skip("bulk loads are SQLite's; PostgreSQL writes in batches by COPY")
    monkeypatch.setattr(imports, "BULK_FROM", 10)
    make_election()
    make_centre(code="MO-001")
    db.session.commit()
    return imports


def test_a_bulk_load_killed_midway_leaves_the_roll_and_its_indexes_as_they_were(db, bulk):
    imports = bulk
    indexes = _voter_indexes()
    assert {"ix_voter_import_key", "ix_voter_key_names_year"} <= indexes
    data = _bulk_file(30)
    commits = []
    seen = []

    def die_in_the_second_batch(stage, done, total):
        seen.append(stage)
        if stage == "writing" and done > 10:
            assert _voter_indexes() < indexes  # dropped while the rows go in
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        imports.import_voters(db.session, data, "kit.csv", user_called("clerk"),
                              batch_size=10, progress=die_in_the_second_batch,
                              end_batch=lambda: commits.append(db.session.commit()))
    assert not commits  # one transaction: nothing committed batch by batch
    assert seen == ["loading", "writing", "writing"]  # the start is reported before the transaction
    db.session.rollback()
    assert db.session.query(Voter).count() == 0
    assert _voter_indexes() == indexes

    summary = imports.import_voters(db.session, data, "kit.csv", user_called("clerk"), batch_size=10,
                                    end_batch=db.session.commit)
    assert (summary.imported, summary.already_imported) == (30, 0)
    assert _voter_indexes() == indexes
    db.session.rollback()
    assert db.session.query(Voter).count() == 30
    again = imports.import_voters(db.session, data, "kit.csv", user_called("clerk"),
                                  batch_size=10, end_batch=db.session.commit)
    assert (again.imported, again.already_imported) == (0, 30)
    assert db.session.query(Voter).count() == 30


def test_a_bulk_load_writes_what_batches_would(db, monkeypatch):
    """The same file through both paths gives voters with the same keys, numbers in file order, one audit entry a batch."""
    from electoral.registration.services import imports

    make_election()
    make_centre(code="MO-001")
    db.session.commit()
    data = _bulk_file(25)
    monkeypatch.setattr(imports, "BULK_FROM", 10**9)
    imports.import_voters(db.session, data, "kit.csv", user_called("clerk"), batch_size=10, end_batch=db.session.commit)
    columns = ("family_name", "given_names", "sex", "date_of_birth", "key_names", "key_given", "key_family",
               "sort_key", "import_key")
    batched = [tuple(getattr(v, c) for c in columns) for v in db.session.query(Voter).order_by(Voter.id)]
    entries = db.session.query(AuditEntry).filter_by(entity_type="VoterImport").count()
    db.session.query(Voter).delete()
    db.session.commit()
    monkeypatch.setattr(imports, "BULK_FROM", 10)
    summary = imports.import_voters(db.session, data, "kit.csv", user_called("clerk"),
                                    batch_size=10, end_batch=db.session.commit)
    assert summary.imported == 25
    voters = db.session.query(Voter).order_by(Voter.id).all()
    assert [tuple(getattr(v, c) for c in columns) for v in voters] == batched
    assert [v.family_name for v in voters] == [f"Family{n}" for n in range(25)]
    assert all(numbers.is_valid(v.voter_number) for v in voters)
    assert [v.voter_number for v in voters] == sorted(v.voter_number for v in voters)
    assert db.session.query(AuditEntry).filter_by(entity_type="VoterImport").count() == entries + 3


def test_a_bulk_load_of_a_file_that_lost_names_late_is_refused_by_line_and_undone(db, bulk):
    """The look for lost names runs beside the writing (tabular.lossy_slices): a late one still refuses the file,
    told before any bad line, as when the whole text was looked at before its rows."""
    from electoral.core.tabular import TabularError

    imports = bulk
    indexes = _voter_indexes()
    lines = _bulk_file(30).decode().split("\n")
    lines[3] = lines[3].replace("MO-001", "NOWHERE")
    lines[26] = lines[26].replace("Family25", "????")  # line 27 of the file, after two batches of ten
    with pytest.raises(TabularError) as failure:
        imports.import_voters(db.session, "\n".join(lines).encode(), "kit.csv", user_called("clerk"), batch_size=10,
                              skip_invalid=True)
    assert str(failure.value).startswith("Line 27: ")
    with pytest.raises(TabularError) as failure:
        imports.import_voters(db.session, "\n".join(lines).encode(), "kit.csv", user_called("clerk"), batch_size=10)
    assert str(failure.value).startswith("Line 27: ")
    db.session.rollback()
    assert db.session.query(Voter).count() == 0
    assert _voter_indexes() == indexes


def test_a_bad_line_late_in_a_bulk_load_undoes_the_batches_written_before_it(db, bulk):
    from electoral.core.errors import ImportFailed

    imports = bulk
    indexes = _voter_indexes()
    lines = _bulk_file(30).decode().split("\n")
    lines[26] = lines[26].replace("MO-001", "NOWHERE")  # line 27 of the file, after two batches of ten
    lines[29] = lines[29].replace(",F,", ",X,").replace(",M,", ",X,")
    written = []
    with pytest.raises(ImportFailed) as failure:
        imports.import_voters(db.session, "\n".join(lines).encode(), "kit.csv", user_called("clerk"), batch_size=10,
                              progress=lambda stage, done, total: written.append((stage, done)))
    assert written == [("loading", 0), ("writing", 10), ("writing", 20)]  # two batches before the bad line
    assert [(error.line, error.message[:14]) for error in failure.value.errors] == [
        (27, "no polling cen"), (30, "sex must be F ")]
    db.session.rollback()
    assert db.session.query(Voter).count() == 0
    assert _voter_indexes() == indexes
