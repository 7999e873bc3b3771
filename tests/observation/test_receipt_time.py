"""Issue 16, finding 14 (a) and (c): the phone's time is kept, the server's receipt time recorded and
shown, large gaps flagged for coordinators; an incident's client id belongs to its observer."""

import datetime as dt

from electoral.core.auth import Role
from electoral.observation import services
from electoral.observation.models import Incident, Submission
from tests.factories import PASSWORD
from tests.observation.factories import OPENING_OK, make_api_filing, make_observer


def _ago(**delta) -> str:
    return (dt.datetime.now(dt.UTC) - dt.timedelta(**delta)).isoformat()


def _file(client, filing, submitted_at, answers=OPENING_OK):
    body = {**filing["body"], "submitted_at": submitted_at, "answers": answers}
    return client.post("/api/v1/submissions", json=body, headers=filing["headers"])


def test_a_back_dated_filing_keeps_the_phone_time_and_records_the_receipt_time(client, db):
    filing = make_api_filing()
    response = _file(client, filing, _ago(days=3))
    assert response.status_code == 201
    answer = response.get_json()
    submitted = dt.datetime.fromisoformat(answer["submitted_at"])
    received = dt.datetime.fromisoformat(answer["received_at"])
    assert dt.timedelta(days=2, hours=23) < received - submitted < dt.timedelta(days=3, minutes=1)
    stored = db.session.scalar(db.select(Submission))
    assert abs(stored.received_at.replace(tzinfo=dt.UTC) - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)


def test_clock_gap_flags_back_dated_and_future_times_only(app):
    now = dt.datetime.now(dt.UTC)
    with app.app_context():
        assert services.clock_gap(now - dt.timedelta(hours=25), now) == "late"
        assert services.clock_gap(now - dt.timedelta(hours=23), now) is None
        assert services.clock_gap(now + dt.timedelta(hours=2), now) == "ahead"
        assert services.clock_gap(now + dt.timedelta(minutes=3), now) is None  # a drifting clock


def test_the_gap_is_a_setting(app, monkeypatch):
    now = dt.datetime.now(dt.UTC)
    monkeypatch.setitem(app.config, "OBSERVATION_CLOCK_GAP_HOURS", 2)
    with app.app_context():
        assert services.clock_gap(now - dt.timedelta(hours=3), now) == "late"


def _coordinator(client, login_as):
    client.post_form("/logout")
    login_as(Role.OBSERVER_COORDINATOR)


def test_coordinators_alerts_show_receipt_time_and_flag_a_back_dated_filing(client, db, login_as):
    filing = make_api_filing()
    critical = {**OPENING_OK, "Q3": "no"}  # an unsealed box raises an alert
    assert _file(client, filing, _ago(days=3), critical).status_code == 201
    _coordinator(client, login_as)
    page = client.get("/observation/alerts").get_data(as_text=True)
    assert "received" in page and "phone time long before receipt" in page


def test_a_filing_on_time_is_not_flagged(client, db, login_as):
    filing = make_api_filing()
    assert _file(client, filing, _ago(minutes=20), {**OPENING_OK, "Q3": "no"}).status_code == 201
    _coordinator(client, login_as)
    page = client.get("/observation/alerts").get_data(as_text=True)
    assert "received" in page and "clock-gap" not in page


def test_exports_carry_the_receipt_time_and_the_flag(client, db, login_as):
    filing = make_api_filing()
    assert _file(client, filing, _ago(days=2)).status_code == 201
    _coordinator(client, login_as)
    text = client.get("/observation/export/submissions.csv?template=OPEN").get_data(as_text=True)
    header, row = text.splitlines()[:2]
    assert "Received at" in header and "Phone clock" in header
    assert row.rstrip().endswith("phone time long before receipt")


def _sign_in(client, user):
    client.post_form("/logout")
    assert client.post_form("/login", {"username": user.username, "password": PASSWORD}).status_code == 302


def _incident(client, station, client_id, occurred_at=None):
    body = {"client_id": client_id, "station_code": station.code, "category": "violence", "severity": "high",
            "description": "Stones thrown at the queue"}
    if occurred_at:
        body["occurred_at"] = occurred_at
    return client.post("/observation/my/incidents.json", json=body, headers={"X-CSRFToken": client.csrf_token()})


def test_an_incident_records_its_receipt_time_beside_the_phone_time(client, db):
    observer = make_observer()
    db.session.commit()
    _sign_in(client, observer.user)
    assert _incident(client, observer.station, "phone-a:0001", _ago(days=2)).status_code == 201
    incident = db.session.scalar(db.select(Incident))
    assert incident.received_at - incident.occurred_at > dt.timedelta(days=1, hours=23)


def test_an_incident_client_id_reused_by_another_observer_is_refused(client, db):
    first, second = make_observer(), make_observer()
    db.session.commit()
    _sign_in(client, first.user)
    assert _incident(client, first.station, "phone-a:0002").status_code == 201
    assert _incident(client, first.station, "phone-a:0002").status_code == 200  # the phone's own retry
    _sign_in(client, second.user)
    response = _incident(client, second.station, "phone-a:0002")
    assert response.status_code == 422
    assert "used by another account" in response.get_json()["errors"]["client_id"][0]
    assert "Stones" not in response.get_data(as_text=True)


def test_the_service_refuses_another_observers_incident_key(db):
    import pytest

    from electoral.core.errors import ValidationFailed

    first, second = make_observer(), make_observer()
    services.report_incident(db.session, first, first.station, "violence", "x", "high", "phone-b:0001")
    with pytest.raises(ValidationFailed, match="another account"):
        services.report_incident(db.session, second, second.station, "violence", "y", "high", "phone-b:0001")
