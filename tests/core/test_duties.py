"""Segregation of duties, as a class: every pair of electoral/core/duties.py, walked.

For each pair a scenario makes the first act as one person (an account holding every role,
so no role check hides the rule), then the second act is refused to that same person with
the pair's message and done by another. A pair added to the table without a scenario here
fails the first test.
"""

import datetime as dt
from decimal import Decimal

import pytest

from electoral.core import duties
from electoral.core.audit import Actor, acting_as
from electoral.core.auth import Role
from electoral.core.errors import ValidationFailed
from electoral.extensions import db
from tests.factories import make_user, user_called


def _as(user):
    return acting_as(Actor(user.id, user.username))


def _clerk():
    return make_user(Role.RESULTS_CLERK)


def results_first_second_entry(person):
    from electoral.results import services
    from tests.factories import make_station
    from tests.results.factories import figures, make_race

    race, station = make_race(), make_station()
    services.submit_entry(db.session, race, station, person, figures())
    return lambda user: services.submit_entry(db.session, race, station, user, figures())


def results_enter_resolve(person):
    from electoral.results import services
    from tests.factories import make_station
    from tests.results.factories import figures, make_race

    race, station, raw = make_race(), make_station(), figures()
    services.submit_entry(db.session, race, station, person, raw)
    services.submit_entry(db.session, race, station, _clerk(), dict(raw, ballots_cast=raw["ballots_cast"] + 1))
    sheet = services.find_sheet(db.session, race, station)
    assert sheet.state == "in_correction"
    # The person who typed entry 1 would settle the mismatch in its favour.
    return lambda user: services.resolve(db.session, sheet, user, {"ballots_cast": raw["ballots_cast"]},
                                         "paper sheet read again")


def results_enter_audit(person):
    from electoral.results import services
    from tests.factories import make_station
    from tests.results.factories import figures, make_race

    race, station = make_race(), make_station()
    failing = figures(cast=30, invalid=0, votes=(5, 20), valid=30)  # valid votes do not add up: quarantined
    services.submit_entry(db.session, race, station, person, failing)
    services.submit_entry(db.session, race, station, _clerk(), failing)
    sheet = services.find_sheet(db.session, race, station)
    assert sheet.state == "quarantined"

    def audit_and_decide(user):
        services.start_audit(db.session, sheet, user)
        services.decide(db.session, sheet, user, "accept", "recount matches")
    return audit_and_decide


def results_recall_request_approve(person):
    from electoral.results.sheets import recall
    from tests.results.factories import enter_twice, make_race

    sheet = enter_twice(make_race())
    assert sheet.state == "accepted"
    request = recall.request_recall(db.session, sheet, person, "the image shows other figures")
    return lambda user: recall.decide_recall(db.session, request, user, True)


def registration_register_adjudicate(person):
    from electoral.registration.models import DuplicatePair
    from electoral.registration.services import adjudication
    from electoral.registration.services.voters import register
    from tests.registration.factories import make_election, make_voter, registration

    make_election()
    first = make_voter(family_name="Kamara", given_names="Mohamed")
    register(db.session, registration(family_name=first.family_name, given_names=first.given_names,
                                      centre=first.centre, date_of_birth=first.date_of_birth,
                                      id_number=first.id_number, place_of_birth=first.place_of_birth),
             person, save_as_duplicate=True)
    pair = db.session.query(DuplicatePair).one()
    return lambda user: adjudication.decide(db.session, pair, False, user)


def registration_lodge_decide(person):
    from electoral.registration.services import roll
    from tests.registration.factories import make_election, make_voter

    make_election(exhibition=(dt.date(2026, 1, 1), None))
    case = roll.lodge_objection(db.session, make_voter(), "deceased", "Death certificate 1234", person)
    return lambda user: roll.decide_case(db.session, case, False, "No evidence", user)


def logistics_dispatch_receive(person):
    from electoral.logistics import services
    from tests.logistics.factories import full_receipt, packed_consignment

    consignment = packed_consignment()
    with _as(person):
        services.dispatch(db.session, consignment, person)

    def receive(user):
        with _as(user):
            services.receive(db.session, consignment, full_receipt(consignment), user)
    return receive


def logistics_record_resolve(person):
    from electoral.logistics import services
    from tests.logistics.factories import full_receipt, packed_consignment

    consignment = packed_consignment()
    services.dispatch(db.session, consignment, user_called("dispatcher"))
    with _as(person):
        [problem] = services.receive(db.session, consignment, full_receipt(consignment, **{"SL-001": "broken"}),
                                     person)

    def resolve(user):
        with _as(user):
            services.resolve(db.session, problem, user, "Seal replaced; contents counted in front of two witnesses")
    return resolve


def training_score_certify(person):
    from electoral.training import services
    from tests.training.factories import make_official, make_session

    ts = make_session(days=1)
    enrolment = services.enrol(db.session, ts, make_official(position=ts.course.position, district=ts.district))
    services.mark_attendance(db.session, ts, ts.start_date, set(), user_called("recorder"))
    with _as(person):
        services.save_scores(db.session, ts, {enrolment.id: (Decimal(40), Decimal(90))}, person)

    def confirm(user):
        [certificate] = services.confirm_results(db.session, ts, user)
        assert certificate.valid
    return confirm


def observation_request_approve(person):
    from electoral.observation import services
    from tests.observation.factories import make_observer

    observer = make_observer(accredited=False, user=False)
    with _as(person):
        services.request_accreditation(db.session, observer, person)

    def approve(user):
        with _as(user):
            services.decide_accreditation(db.session, observer, True, user=user)
    return approve


SCENARIOS = {f.__name__: f for f in (
    results_first_second_entry, results_enter_resolve, results_enter_audit, results_recall_request_approve,
    registration_register_adjudicate,
    registration_lodge_decide, logistics_dispatch_receive, logistics_record_resolve, training_score_certify,
    observation_request_approve)}


def test_every_pair_of_the_table_has_a_scenario():
    assert set(SCENARIOS) == set(duties.DUTIES)
    assert len(duties.DUTIES) == 10


@pytest.mark.parametrize("code", sorted(duties.DUTIES))
def test_the_second_act_by_the_same_person_is_refused_and_by_another_allowed(db, code):
    duty = duties.DUTIES[code]
    person, other = make_user(*Role), make_user(*Role)
    second = SCENARIOS[code](person)
    with pytest.raises(ValidationFailed) as refused:
        second(person)
    assert str(refused.value) == str(duty.refusal)
    second(other)


def test_a_results_clerk_who_is_also_supervisor_cannot_settle_their_own_entry_on_the_page(db, client, login_as):
    from electoral.results import services
    from tests.factories import make_station
    from tests.results.factories import figures, make_race

    person = login_as(Role.RESULTS_CLERK, Role.RESULTS_SUPERVISOR)
    race, station, raw = make_race(code="PRES"), make_station(), figures()
    services.submit_entry(db.session, race, station, person, raw)
    services.submit_entry(db.session, race, station, _clerk(), dict(raw, ballots_cast=raw["ballots_cast"] + 1))
    sheet = services.find_sheet(db.session, race, station)
    db.session.commit()
    response = client.post_form(f"/results/sheets/{sheet.id}/resolve",
                                {"pick_ballots_cast": "1", "reason": "entry 1 is right"})
    assert "a different supervisor must settle its differences" in response.get_data(as_text=True)
    assert services.find_sheet(db.session, race, station).state == "in_correction"


def test_pairs_for_roles_names_the_pairs_one_account_could_do_alone():
    codes = {d.code for d in duties.pairs_for_roles({Role.RESULTS_CLERK, Role.RESULTS_SUPERVISOR})}
    assert codes == {"results_enter_resolve", "results_enter_audit"}
    assert duties.pairs_for_roles({Role.RESULTS_CLERK}) == []
    assert {d.code for d in duties.pairs_for_roles({Role.REGISTRATION_CLERK, Role.REGISTRATION_SUPERVISOR})} == {
        "registration_register_adjudicate", "registration_lodge_decide"}


def test_a_registration_clerk_who_is_also_supervisor_cannot_clear_their_own_registration(db, client, login_as):
    from electoral.registration.models import DuplicatePair

    person = login_as(Role.REGISTRATION_CLERK, Role.REGISTRATION_SUPERVISOR)
    registration_register_adjudicate(person)
    pair = db.session.query(DuplicatePair).one()
    db.session.commit()
    response = client.post_form(f"/registration/duplicates/{pair.id}", {"decision": "not_duplicate"})
    page = client.get(response.location).get_data(as_text=True)
    assert "a different supervisor must decide the pair" in page
    assert db.session.get(DuplicatePair, pair.id).status == "open"
