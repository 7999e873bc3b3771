"""Edits of approved records (issue 16, finding 5): changing what an approval covered returns it to
pending, or is refused where the approval has no pending state; deployment stays within scope."""

import datetime as dt

import pytest

from electoral.core.approvals import APPROVALS
from electoral.core.auth import Role
from electoral.core.errors import ValidationFailed
from electoral.observation import services as observation
from tests.factories import make_centre, make_district, make_station
from tests.observation.factories import make_observer, make_organisation


def _observer_form(observer, **changes) -> dict:
    values = {"organisation": str(observer.organisation_id), "family_name": observer.family_name,
              "given_names": observer.given_names, "sex": observer.sex, "phone": observer.phone,
              "languages": observer.languages}
    return {**values, **changes}


def test_renamed_observer_returns_to_pending_and_the_public_check_no_longer_vouches(db, client, login_as):
    observer = make_observer()
    number = observer.accreditation_number
    db.session.commit()
    assert "Kamara" in client.get(f"/observation/verify/{number}").get_data(as_text=True)
    login_as(Role.OBSERVER_COORDINATOR)
    response = client.post_form(f"/observation/observers/{observer.id}/edit",
                                _observer_form(observer, family_name="Impostor"))
    assert response.status_code == 302
    db.session.expire_all()
    assert observer.accreditation == "requested" and observer.accreditation_number == number
    assert "goes back to the commission" in client.get("/observation/").get_data(as_text=True)
    check = client.get(f"/observation/verify/{number}").get_data(as_text=True)
    assert "Not a valid accreditation" in check and "Valid until" not in check and "<h1>Fatu Impostor" not in check


def test_a_new_phone_number_keeps_the_accreditation(db):
    observer = make_observer()
    db.session.commit()
    observation.save_observer(db.session, observer.organisation, observer.family_name, observer.given_names,
                              observer.sex, "+231 880000001", observer.languages, observer.photo_path or "",
                              observer=observer)
    db.session.commit()
    assert observer.accreditation == "approved"


def test_the_editor_of_an_accredited_observer_is_recorded_as_the_requester(db):
    from electoral.core import audit

    observer = make_observer()
    db.session.commit()
    with audit.acting_as(audit.Actor(None, "coord-a")):
        observer.given_names = "Someone"
        db.session.flush()
    assert (observer.accreditation, observer.requested_by, observer.decided_at) == ("requested", "coord-a", None)


def test_deployment_outside_the_coordinators_area_is_refused(db):
    home, elsewhere = make_district(), make_district()
    observer = make_observer(make_station(make_centre(home)))
    far = make_station(make_centre(elsewhere))
    with pytest.raises(ValidationFailed, match="outside your area"):
        observation.deploy(db.session, observer, station_code=far.code, scope=home)
    with pytest.raises(ValidationFailed, match="outside your area"):
        observation.deploy(db.session, observer, centre_codes=far.centre.code, scope=home)
    near = make_station(make_centre(home))
    observation.deploy(db.session, observer, station_code=near.code, scope=home)
    assert observer.station == near


def test_scoped_coordinator_deploying_elsewhere_through_the_page_is_refused(db, client, login_as):
    home, elsewhere = make_district(), make_district()
    observer = make_observer(make_station(make_centre(home)))
    far = make_station(make_centre(elsewhere))
    db.session.commit()
    login_as(Role.OBSERVER_COORDINATOR, scope=home)
    response = client.post_form(f"/observation/observers/{observer.id}",
                                {"action": "deploy", "p-station_code": far.code, "p-centre_codes": ""})
    assert "outside your area" in response.get_data(as_text=True)
    db.session.expire_all()
    assert observer.station.code != far.code


def test_import_placing_an_observer_outside_the_importers_area_is_refused(db):
    from electoral.core.errors import ImportFailed

    home, elsewhere = make_district(), make_district()
    organisation = make_organisation()
    far = make_station(make_centre(elsewhere))
    data = (f"organisation_code,family_name,given_names,sex,phone,station_code\n"
            f"{organisation.code},Doe,Jane,F,+231 770001234,{far.code}\n").encode()
    with pytest.raises(ImportFailed) as failure:
        observation.import_observers(db.session, data, "observers.csv", scope=home)
    assert "outside your area" in failure.value.errors[0].message


# ---- the class: every approved-record kind, every field its approval covers ----------------

def _approved_observer(db):
    observer = make_observer()
    return observer, lambda: observer.accreditation == "requested"


def _not_duplicate_pair(db):
    from electoral.registration.models import DuplicatePair
    from tests.registration.factories import make_voter

    centre = make_centre()
    a, b = make_voter(centre), make_voter(centre)
    low, high = sorted((a, b), key=lambda v: v.id)
    pair = DuplicatePair(voter_a_id=low.id, voter_b_id=high.id, score=90, reasons=[], status="not_duplicate",
                         decided_by="supervisor", decided_at=dt.datetime.now(dt.UTC))
    db.session.add(pair)
    db.session.flush()
    return a, lambda: pair.status == "open" and a.status == b.status == "possible_duplicate"


def _certified_official(db):
    from electoral.training import services as training
    from tests.training.factories import certify, make_official

    official = make_official()
    training.certify_session(db.session, certify(official))
    return official, None  # refused: a certificate has no pending state


BUILDERS = {"observer accreditation": _approved_observer, "not-a-duplicate decision": _not_duplicate_pair,
            "training certificate": _certified_official}


def _another(db, obj, name):
    value = getattr(obj, name)
    if name == "organisation":
        return make_organisation()
    if name == "sex":
        return "M" if value != "M" else "F"
    if isinstance(value, dt.date):
        return value - dt.timedelta(days=400)
    return (value or "") + "Z"


def test_every_approved_record_kind_reopens_or_refuses_an_edit_of_what_it_covered(db, capsys):
    assert set(BUILDERS) == {a.kind for a in APPROVALS}, "an approved-record kind without a test"
    walked = 0
    for approval in APPROVALS:
        for name in approval.covers:
            if name.endswith("_id") and name.removesuffix("_id") in approval.covers:
                continue  # the relationship is walked; its foreign key is the same fact
            obj, reopened = BUILDERS[approval.kind](db)
            db.session.commit()
            setattr(obj, name, _another(db, obj, name))
            if reopened is None:
                with pytest.raises(ValidationFailed, match="certificate"):
                    db.session.flush()
                db.session.rollback()
            else:
                db.session.flush()
                assert reopened(), f"{approval.kind}: editing {name} kept the approval"
                db.session.commit()
            walked += 1
    with capsys.disabled():
        print(f"\nedits of approved records: {len(APPROVALS)} kinds, {walked} covered fields walked")
    assert walked >= 12


def test_fields_an_approval_does_not_cover_leave_it_standing(db):
    observer, _reopened = _approved_observer(db)
    official, _none = _certified_official(db)
    db.session.commit()
    observer.languages, observer.phone = "fr", "+231 889999999"
    official.phone, official.languages = "0779999999", "fr"
    db.session.commit()
    assert observer.accreditation == "approved"


def test_the_trail_records_the_reopening_with_the_edit(db):
    from electoral.core.models import AuditEntry

    observer = make_observer()
    db.session.commit()
    observer.family_name = "Renamed"
    db.session.commit()
    entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.entity_type == "Observer")
                               .order_by(AuditEntry.id.desc())).first()
    assert entry.after["family_name"] == "Renamed" and entry.after["accreditation"] == "requested"


def test_certified_officials_name_change_through_the_page_is_refused_with_a_reason(db, client, login_as):
    official, _none = _certified_official(db)
    db.session.commit()
    login_as(Role.TRAINING_COORDINATOR)
    response = client.post_form(f"/training/officials/{official.id}/edit", {
        "reference": official.reference, "full_name": "Someone Else", "sex": official.sex,
        "birth_date": official.birth_date.isoformat(), "phone": official.phone, "district": str(official.district_id),
        "languages": "", "education": official.education, "position": str(official.position_id),
        "status": official.status, "locale": official.locale})
    assert response.status_code in (200, 400)
    assert "holds a valid training certificate" in response.get_data(as_text=True)
    db.session.expire_all()
    assert official.full_name != "Someone Else"
