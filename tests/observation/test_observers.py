"""Organisations, observers, their import, accreditation, accounts and deployment."""

import pytest

from electoral.core.errors import ImportFailed, ValidationFailed
from electoral.extensions import db as _db
from electoral.observation import services
from electoral.observation.models import Observer
from tests.factories import make_centre, make_station, user_called
from tests.observation.factories import make_observer, make_organisation

CSV_HEADER = "organisation_code,family_name,given_names,sex,phone,languages,station_code\n"


def _count() -> int:
    return _db.session.scalar(_db.select(_db.func.count(Observer.id)))


def test_names_in_any_script_are_kept_as_written(db):
    organisation = make_organisation()
    observer = services.save_observer(db.session, organisation, "الحسيني", "محمد", "M", "+218 91 234 5678", "ar en")
    assert observer.name == "محمد الحسيني"
    assert observer.languages == "ar en"


def test_import_creates_every_observer(db):
    make_organisation(code="ELWATCH")
    make_station(code="S-001")
    data = (CSV_HEADER + "ELWATCH,Kamara,Fatu,F,+231770000001,en,S-001\n"
            "elwatch,Doe,Jallah,m,+231770000002,en fr,\n").encode()
    assert services.import_observers(db.session, data, "observers.csv") == 2
    assert db.session.scalar(db.select(Observer).where(Observer.family_name == "Kamara")).station.code == "S-001"


def test_import_reports_every_bad_line_and_imports_nothing(db):
    make_organisation(code="ELWATCH")
    data = (CSV_HEADER + "ELWATCH,Kamara,Fatu,F,+231770000001,en,\n"
            "NOPE,Doe,Jallah,M,+231770000002,en,\n"
            "ELWATCH,,Musu,Q,12,english,S-404\n"
            "ELWATCH,Kamara,Fatu,F,+231770000001,en,\n").encode()
    with pytest.raises(ImportFailed) as failure:
        services.import_observers(db.session, data, "observers.csv")
    lines = {e.line: e.message for e in failure.value.errors}
    assert sorted(lines) == [3, 4, 5]
    assert "NOPE" in lines[3]
    assert "family name" in lines[4] and "F, M or X" in lines[4] and "S-404" in lines[4]
    assert "line 2" in lines[5]
    db.session.rollback()
    assert _count() == 0


def test_approval_gives_a_number_and_validity(db):
    observer = make_observer(accredited=False)
    services.request_accreditation(db.session, observer, user_called("coordinator"))
    services.decide_accreditation(db.session, observer, True, user=user_called("commission"))
    assert observer.accredited
    assert observer.accreditation_number.startswith("OBS-")
    assert observer.valid_until is not None


def test_refusal_needs_a_reason(db):
    observer = make_observer(accredited=False)
    services.request_accreditation(db.session, observer, user_called("coordinator"))
    with pytest.raises(ValidationFailed):
        services.decide_accreditation(db.session, observer, False, "", user=user_called("commission"))
    services.decide_accreditation(db.session, observer, False, "Not registered with the organisation", user=user_called("commission"))
    assert observer.accreditation == "refused" and not observer.accredited


def test_decision_without_a_request_is_refused(db):
    observer = make_observer(accredited=False)
    with pytest.raises(ValidationFailed):
        services.decide_accreditation(db.session, observer, True, user=user_called("commission"))


def test_linking_needs_the_observer_role(db, app):
    from electoral.core.auth import Role
    from tests.factories import make_user

    observer = make_observer(user=False)
    clerk = make_user(Role.REGISTRATION_CLERK)
    with pytest.raises(ValidationFailed) as failure:
        services.link_user(db.session, observer, clerk.username)
    assert "Observer role" in failure.value.errors["username"][0]


def test_mobile_team_may_file_in_every_station_of_its_centres(db):
    centre = make_centre(code="C-9")
    first, second = make_station(centre=centre), make_station(centre=centre)
    observer = make_observer()
    services.deploy(db.session, observer, centre_codes="C-9")
    assert observer.station is None
    assert {s.id for s in services.stations_of(observer)} == {first.id, second.id}
    assert services.may_file(observer, second) is None


def test_deploying_to_both_a_station_and_centres_is_refused(db):
    observer = make_observer()
    make_centre(code="C-8")
    with pytest.raises(ValidationFailed):
        services.deploy(db.session, observer, station_code=observer.station.code, centre_codes="C-8")
