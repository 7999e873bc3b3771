"""State changes and their preconditions, as a class: every transition of electoral/core/preconditions.py
is called with its precondition unmet and must refuse with ValidationFailed; every service function that
sets a state must be in the table."""

import ast
import datetime as dt
import importlib
from pathlib import Path

import pytest

from electoral.core import preconditions
from electoral.core.auth import Role
from electoral.core.errors import ValidationFailed
from electoral.extensions import db
from tests.factories import make_station, make_user, user_called

ROOT = Path(__file__).resolve().parents[2]
# Attributes that hold a record's state in this code base.
STATE_ATTRIBUTES = {"state", "status", "accreditation", "roll_frozen_at", "decertified_at", "revoked_at"}


def _accepted_sheet():
    from tests.results.factories import enter_twice, make_race

    sheet = enter_twice(make_race())
    assert sheet.state == "accepted"
    return sheet


def results_submit_entry():
    from electoral.results import services
    from tests.results.factories import figures, make_clerk

    sheet = _accepted_sheet()  # awaits no entry
    return lambda: services.submit_entry(db.session, sheet.race, sheet.station, make_clerk(), figures())


def results_resolve():
    from electoral.results import services
    from tests.results.factories import make_supervisor

    sheet = _accepted_sheet()  # no mismatch
    return lambda: services.resolve(db.session, sheet, make_supervisor(), {}, "reason")


def results_start_audit():
    from electoral.results import services
    from tests.results.factories import make_supervisor

    sheet = _accepted_sheet()  # not quarantined
    return lambda: services.start_audit(db.session, sheet, make_supervisor())


def results_decide():
    from electoral.results import services
    from tests.results.factories import make_supervisor

    sheet = _accepted_sheet()  # accepting an accepted sheet does not apply
    return lambda: services.decide(db.session, sheet, make_supervisor(), "accept", "reason")


def results_request_recall():
    from electoral.results.sheets import recall
    from tests.results.factories import enter_twice, make_race, make_supervisor

    sheet = enter_twice(make_race())
    recall.request_recall(db.session, sheet, make_supervisor(), "image differs")
    return lambda: recall.request_recall(db.session, sheet, make_supervisor(), "again")  # one pending already


def results_decide_recall():
    from electoral.results.sheets import recall
    from tests.results.factories import enter_twice, make_race, make_supervisor

    sheet = enter_twice(make_race())
    request = recall.request_recall(db.session, sheet, make_supervisor(), "image differs")
    recall.decide_recall(db.session, request, make_supervisor(), False)
    return lambda: recall.decide_recall(db.session, request, make_supervisor(), True)  # decided already


def results_certify():
    from electoral.results import services
    from tests.results.factories import make_supervisor

    sheet = _accepted_sheet()
    make_station()  # a second station, never reported
    return lambda: services.certify(db.session, sheet.race, None, make_supervisor())


def results_decertify():
    from electoral.results import services
    from tests.results.factories import make_supervisor

    sheet = _accepted_sheet()  # not certified
    return lambda: services.decertify(db.session, sheet.race, None, make_supervisor(), "reason")


def results_excuse():
    from electoral.results import services
    from tests.results.factories import make_supervisor

    sheet = _accepted_sheet()  # has agreed figures
    return lambda: services.excuse(db.session, sheet.race, sheet.station, make_supervisor(), "reason")


def registration_register():
    from electoral.registration.services import election
    from electoral.registration.services.voters import register
    from tests.registration.factories import make_election, registration

    make_election()
    election.freeze(db.session, user_called("sup"))
    return lambda: register(db.session, registration(), user_called("clerk"))


def registration_freeze():
    from electoral.registration.services import election
    from electoral.registration.services.voters import register
    from tests.registration.factories import make_election, make_voter, registration

    make_election()
    first = make_voter()
    register(db.session, registration(family_name=first.family_name, given_names=first.given_names,
                                      centre=first.centre, date_of_birth=first.date_of_birth,
                                      id_number=first.id_number, place_of_birth=first.place_of_birth),
             user_called("clerk"), save_as_duplicate=True)  # an open pair
    return lambda: election.freeze(db.session, user_called("sup"))


def registration_adjudicate():
    from electoral.registration.models import DuplicatePair
    from electoral.registration.services import adjudication

    registration_freeze()  # leaves one open pair
    pair = db.session.query(DuplicatePair).one()
    adjudication.decide(db.session, pair, False, make_user(Role.REGISTRATION_SUPERVISOR))
    return lambda: adjudication.decide(db.session, pair, True, make_user(Role.REGISTRATION_SUPERVISOR))


def registration_lodge_objection():
    from electoral.registration.services import roll
    from tests.registration.factories import make_election, make_voter

    make_election()  # no exhibition period
    voter = make_voter()
    return lambda: roll.lodge_objection(db.session, voter, "deceased", "certificate", user_called("clerk"))


def registration_lodge_correction():
    from electoral.registration.services import roll
    from tests.registration.factories import make_election, make_voter

    make_election()  # no exhibition period
    voter = make_voter(family_name="Kolie")
    return lambda: roll.lodge_correction(db.session, voter, {"family_name": "Kollie"}, "ID shown", user_called("clerk"))


def registration_lodge_inclusion():
    from electoral.registration.services import roll
    from tests.factories import make_centre
    from tests.registration.factories import make_election

    make_election()  # no exhibition period
    centre = make_centre()
    return lambda: roll.lodge_inclusion(db.session, centre, {"family_name": "Kollie"}, "card shown", user_called("clerk"))


def registration_transfer():
    from electoral.registration.services import roll
    from tests.factories import make_centre
    from tests.registration.factories import make_election, make_voter

    make_election()
    voter = make_voter(status="removed", removal_reason="deceased")
    centre = make_centre()
    return lambda: roll.transfer(db.session, voter, centre, "moved house", user_called("sup"))


def registration_decide_case():
    from electoral.registration.services import roll
    from tests.registration.factories import make_election, make_voter

    make_election(exhibition=(dt.date(2026, 1, 1), None))
    case = roll.lodge_objection(db.session, make_voter(), "deceased", "certificate", user_called("clerk"))
    roll.decide_case(db.session, case, False, "no evidence", user_called("sup"))
    return lambda: roll.decide_case(db.session, case, True, "again", user_called("other"))


def registration_remove():
    from electoral.registration.services import roll
    from tests.registration.factories import make_election, make_voter

    make_election()
    voter = make_voter(status="removed", removal_reason="deceased")
    return lambda: roll.remove(db.session, voter, "deceased", user_called("sup"))


def logistics_dispatch():
    from electoral.logistics import services
    from tests.factories import make_centre
    from tests.logistics.factories import make_item, stocked_warehouse

    consignment = services.create_consignment(db.session, stocked_warehouse(make_item(), 10), make_centre(),
                                              vehicle="V", driver="D", user=user_called("dispatcher"))  # empty packing list, no seals
    return lambda: services.dispatch(db.session, consignment, user_called("dispatcher"))


def logistics_add_line():
    from electoral.logistics import services
    from tests.logistics.factories import packed_consignment

    consignment = packed_consignment()
    services.dispatch(db.session, consignment, user_called("dispatcher"))  # on its way: the packing list is closed
    item = consignment.lines[0].item
    return lambda: services.add_line(db.session, consignment, item, 5)


def logistics_add_seals():
    from electoral.logistics import services
    from tests.logistics.factories import packed_consignment

    consignment = packed_consignment()
    services.dispatch(db.session, consignment, user_called("dispatcher"))
    return lambda: services.add_seals(db.session, consignment, ["SL-999"])


def logistics_receive():
    from electoral.logistics import services
    from tests.logistics.factories import full_receipt, packed_consignment

    consignment = packed_consignment()  # not dispatched
    return lambda: services.receive(db.session, consignment, full_receipt(consignment), user_called("storekeeper"))


def logistics_resolve():
    from electoral.logistics import services
    from tests.logistics.factories import full_receipt, packed_consignment

    consignment = packed_consignment()
    services.dispatch(db.session, consignment, user_called("dispatcher"))
    [problem] = services.receive(db.session, consignment, full_receipt(consignment, **{"SL-001": "broken"}), user_called("storekeeper"))
    admin = make_user(Role.ADMINISTRATOR)
    services.resolve(db.session, problem, admin, "Seal replaced, contents counted")
    return lambda: services.resolve(db.session, problem, admin, "again")


def logistics_assign():
    from electoral.logistics.services import staffing
    from tests.training.factories import make_official, make_position

    position = make_position(per_station=1)
    station = make_station()
    official = make_official(position=position, district=station.centre.district)  # never trained
    return lambda: staffing.assign(db.session, station, position.code, official, dt.date(2026, 10, 10), user_called("officer"))


def training_enrol():
    from electoral.training import services
    from tests.training.factories import make_official, make_session

    ts = make_session()
    official = make_official(position=ts.course.position, status="rejected")
    return lambda: services.enrol(db.session, ts, official)


def training_confirm_results():
    from electoral.training import services
    from tests.training.factories import make_session

    ts = make_session()  # nobody enrolled
    return lambda: services.confirm_results(db.session, ts, make_user(Role.TRAINING_COORDINATOR))


def training_revoke():
    from electoral.training import services
    from electoral.training.models import Certificate
    from tests.training.factories import certify, make_official

    certify(make_official())
    certificate = db.session.query(Certificate).one()
    services.revoke(db.session, certificate, "Certified by mistake")
    return lambda: services.revoke(db.session, certificate, "again")


def observation_request():
    from electoral.observation import services
    from tests.observation.factories import make_observer

    observer = make_observer(user=False)  # accredited already
    return lambda: services.request_accreditation(db.session, observer, user_called("coordinator"))


def observation_decide():
    from electoral.observation import services
    from tests.observation.factories import make_observer

    observer = make_observer(accredited=False, user=False)  # nothing requested
    return lambda: services.decide_accreditation(db.session, observer, True, user=user_called("commission"))


def observation_submit():
    from electoral.observation import services
    from tests.observation.factories import OPENING_OK, make_observer, make_opening_checklist

    observer = make_observer(accredited=False)
    template = make_opening_checklist()
    return lambda: services.submit(db.session, template, observer.station, OPENING_OK, "filing-0001", observer)


def observation_handle_alert():
    from electoral.observation import services
    from electoral.observation.models import Alert
    from tests.observation.factories import OPENING_OK, make_observer, make_opening_checklist

    observer = make_observer()
    services.submit(db.session, make_opening_checklist(), observer.station, {**OPENING_OK, "Q3": "no"},
                    "alert-0001", observer)
    alert = db.session.scalar(db.select(Alert))
    services.handle_alert(db.session, alert, "resolved", "Box sealed in front of agents", user_called("coord"))
    return lambda: services.handle_alert(db.session, alert, "acknowledged", "reopen", user_called("coord"))


def observation_fix_by_hand():
    from electoral.observation.sms import services
    from electoral.observation.sms.models import SmsMessage

    message = SmsMessage(gateway="tr", gateway_id="m1", sender="+231770000000", body="OPEN 1 ok", status="processed")
    db.session.add(message)
    db.session.flush()
    return lambda: services.fix_by_hand(db.session, message, "OPEN 1 ok", user_called("coord"))


SCENARIOS = {
    "electoral.results.services.entry:submit_entry": results_submit_entry,
    "electoral.results.services.entry:resolve": results_resolve,
    "electoral.results.services.entry:start_audit": results_start_audit,
    "electoral.results.services.entry:decide": results_decide,
    "electoral.results.sheets.recall:request_recall": results_request_recall,
    "electoral.results.sheets.recall:decide_recall": results_decide_recall,
    "electoral.results.services.certification:certify": results_certify,
    "electoral.results.services.certification:decertify": results_decertify,
    "electoral.results.services.certification:excuse": results_excuse,
    "electoral.registration.services.voters:register": registration_register,
    "electoral.registration.services.election:freeze": registration_freeze,
    "electoral.registration.services.adjudication:decide": registration_adjudicate,
    "electoral.registration.services.roll:lodge_objection": registration_lodge_objection,
    "electoral.registration.services.roll:lodge_correction": registration_lodge_correction,
    "electoral.registration.services.roll:lodge_inclusion": registration_lodge_inclusion,
    "electoral.registration.services.roll:transfer": registration_transfer,
    "electoral.registration.services.roll:decide_case": registration_decide_case,
    "electoral.registration.services.roll:remove": registration_remove,
    "electoral.logistics.services.consignments:dispatch": logistics_dispatch,
    "electoral.logistics.services.consignments:add_line": logistics_add_line,
    "electoral.logistics.services.consignments:add_seals": logistics_add_seals,
    "electoral.logistics.services.receipt:receive": logistics_receive,
    "electoral.logistics.services.receipt:resolve": logistics_resolve,
    "electoral.logistics.services.staffing:assign": logistics_assign,
    "electoral.training.services.courses:enrol": training_enrol,
    "electoral.training.services.results:confirm_results": training_confirm_results,
    "electoral.training.services.results:revoke": training_revoke,
    "electoral.observation.services.observers:request_accreditation": observation_request,
    "electoral.observation.services.observers:decide_accreditation": observation_decide,
    "electoral.observation.services.submissions:submit": observation_submit,
    "electoral.observation.services.incidents:handle_alert": observation_handle_alert,
    "electoral.observation.sms.services:fix_by_hand": observation_fix_by_hand,
}
NAMES = [t.function for t in preconditions.TRANSITIONS]


def _state_setting_functions() -> set[str]:
    """module:function of every function in a services module that assigns a state attribute."""
    found = set()
    for path in sorted((ROOT / "electoral").rglob("*.py")):
        relative = path.relative_to(ROOT)
        if "services" not in relative.parts and path.name != "services.py":
            continue
        module = ".".join(relative.with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for sub in ast.walk(node):
                targets = sub.targets if isinstance(sub, ast.Assign) else (
                    [sub.target] if isinstance(sub, ast.AugAssign | ast.AnnAssign) else [])
                for target in targets:
                    for element in (target.elts if isinstance(target, ast.Tuple) else [target]):
                        if isinstance(element, ast.Attribute) and element.attr in STATE_ATTRIBUTES:
                            found.add(f"{module}:{node.name}")
    return found


def test_every_function_that_sets_a_state_is_a_listed_transition():
    listed = set(NAMES) | set(preconditions.NOT_TRANSITIONS)
    unlisted = _state_setting_functions() - listed
    assert not unlisted, f"state changes missing from electoral/core/preconditions.py: {sorted(unlisted)}"


def test_every_listed_transition_exists_and_has_a_scenario():
    for name in NAMES:
        module, function = name.split(":")
        assert callable(getattr(importlib.import_module(module), function)), name
    assert set(SCENARIOS) == set(NAMES)
    assert len(NAMES) == 32


@pytest.mark.parametrize("name", NAMES)
def test_a_transition_refuses_when_its_precondition_is_unmet(db, name):
    attempt = SCENARIOS[name]()
    with pytest.raises(ValidationFailed) as refused:
        attempt()
    assert str(refused.value)  # a message for the person, not a bare refusal


def test_a_resolved_alert_is_not_reopened(db):
    from electoral.observation.models import Alert

    attempt = observation_handle_alert()
    with pytest.raises(ValidationFailed, match="already resolved"):
        attempt()
    assert db.session.query(Alert).one().status == "resolved"


def test_an_observer_not_accredited_cannot_file_through_the_service(db):
    from electoral.observation.models import Submission

    attempt = observation_submit()
    with pytest.raises(ValidationFailed, match="Only accredited observers"):
        attempt()
    assert db.session.query(Submission).count() == 0


def test_results_are_not_certified_with_a_station_never_reported(db):
    # The finding itself: certification counted only the sheets that existed, not the stations.
    attempt = results_certify()
    with pytest.raises(ValidationFailed, match="1 of 2 stations is not yet accepted or excused"):
        attempt()

