"""The rules of a JSON filing, called as services (the API and the phone page answer with them)."""

from electoral.observation import services
from tests.factories import make_station
from tests.observation.factories import OPENING_OK, make_observer, make_opening_checklist


def _context(db, observer, station_code: str, version):
    return services.filing_context(db.session, observer.user.id, station_code, "OPEN", version)


def test_a_complete_filing_has_no_problems_and_carries_what_submit_takes(db):
    template, observer = make_opening_checklist(), make_observer()
    body = {"client_id": "json-rule-0001", "template": "OPEN", "version": template.version,
            "station_code": observer.station.code, "answers": OPENING_OK, "submitted_at": "2026-10-10T07:05:00Z"}
    filing = services.read_json_filing(_context(db, observer, observer.station.code, template.version), body)
    assert filing.errors == {}
    assert filing.client_id == "json-rule-0001" and filing.answers == OPENING_OK
    assert filing.submitted_at.isoformat() == "2026-10-10T07:05:00+00:00"


def test_every_problem_of_a_filing_is_found_at_once_with_the_answers(db):
    template, observer = make_opening_checklist(), make_observer()
    elsewhere = make_station()
    body = {"client_id": "short", "template": "OPEN", "version": template.version, "station_code": elsewhere.code,
            "answers": {**OPENING_OK, "Q4": 99}, "submitted_at": "yesterday"}
    filing = services.read_json_filing(_context(db, observer, elsewhere.code, template.version), body)
    assert set(filing.errors) == {"client_id", "station_code", "submitted_at", "answers.Q4"}
    assert "not deployed" in str(filing.errors["station_code"][0])


def test_a_body_that_is_not_an_object_or_lacks_a_version_is_refused(db):
    observer = make_observer()
    context = _context(db, observer, observer.station.code, None)
    assert list(services.read_json_filing(context, ["not", "an", "object"]).errors) == [""]
    filing = services.read_json_filing(context, {"client_id": "json-rule-0002", "station_code": observer.station.code,
                                                 "answers": {}})
    assert "version" in filing.errors and "template" not in filing.errors


def test_a_client_id_is_refused_to_another_account_and_answers_its_own(db):
    template, observer = make_opening_checklist(), make_observer()
    submission, _created = services.submit(db.session, template, observer.station, OPENING_OK, "json-rule-0003",
                                           observer, observer.user)
    earlier = services.earlier_filing(db.session, "json-rule-0003")
    assert earlier is submission
    assert services.client_id_refusal(observer.user.id, earlier) is None
    assert "another account" in services.client_id_refusal(observer.user.id + 1000, earlier)
    assert services.earlier_filing(db.session, "") is None
