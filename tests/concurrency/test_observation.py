"""An offline observer's phone retrying one checklist: the retries race each other on the API."""

from sqlalchemy import func, select

from electoral.observation import services
from electoral.observation.models import Alert, Incident, Submission
from tests.concurrency.conftest import ROUNDS
from tests.observation.factories import OPENING_OK, make_observer, make_opening_checklist

RETRIES = 4


def _sender(client, body: dict, token: str):
    def work():
        response = client.post("/api/v1/submissions", json=body, headers={"Authorization": f"Bearer {token}"})
        return response.status_code, response.get_json()
    return work


def test_retries_of_one_filing_racing_each_other_store_it_once(app, db, race):
    template = make_opening_checklist()
    observer = make_observer()
    token = services.create_token(db.session, observer.user)
    station_code, version = observer.station.code, template.version
    db.session.commit()
    # A phone's retries come on separate connections, so separate clients here.
    clients = [app.test_client() for _ in range(RETRIES)]
    for n in range(ROUNDS):
        body = {"client_id": f"phone-0001-{n:04d}", "template": "OPEN", "version": version,
                "station_code": station_code, "answers": OPENING_OK, "submitted_at": "2026-11-25T07:05:00Z"}
        outcomes = race(*(_sender(c, body, token) for c in clients))
        assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
        assert sorted(status for status, _body in outcomes) == [200] * (RETRIES - 1) + [201]
        # Every retry is told of the same, single filing.
        assert len({answer["id"] for _status, answer in outcomes}) == 1
        db.session.commit()
        assert db.session.scalar(select(func.count(Submission.id)).where(
            Submission.client_id == body["client_id"])) == 1
    # Each round was a new filing of the same checklist: revisions, exactly one of them current.
    revisions = db.session.execute(select(Submission.revision, Submission.current).order_by(Submission.revision)).all()
    assert [r for r, _c in revisions] == list(range(1, ROUNDS + 1))
    assert [c for _r, c in revisions].count(True) == 1


def test_two_different_filings_of_one_checklist_at_once_leave_one_current(app, db, race):
    template = make_opening_checklist()
    observer = make_observer()
    token = services.create_token(db.session, observer.user)
    station_code, version = observer.station.code, template.version
    db.session.commit()
    # Two phones of one observer (or a correction sent while the first is still on its way).
    clients = [app.test_client() for _ in range(2)]
    for n in range(ROUNDS):
        bodies = [{"client_id": f"phone-{phone}-{n:04d}", "template": "OPEN", "version": version,
                   "station_code": station_code, "answers": {**OPENING_OK, "Q4": phone + 1},
                   "submitted_at": "2026-11-25T07:05:00Z"} for phone in (1, 2)]
        outcomes = race(*(_sender(c, b, token) for c, b in zip(clients, bodies, strict=True)))
        assert [status for status, _body in outcomes] == [201, 201], outcomes
    db.session.commit()
    revisions = db.session.execute(select(Submission.revision, Submission.current).order_by(Submission.revision)).all()
    # Each filing corrects the one before it: a chain of revisions, exactly one of them current.
    assert [r for r, _c in revisions] == list(range(1, 2 * ROUNDS + 1))
    assert [c for _r, c in revisions].count(True) == 1


def test_retries_of_one_incident_report_racing_each_other_store_it_once(app, db, race):
    from tests.factories import PASSWORD

    observer = make_observer()
    username, station_code = observer.user.username, observer.station.code
    db.session.commit()
    phones = []
    for _ in range(RETRIES):
        client = app.test_client()
        assert client.post_form("/login", {"username": username, "password": PASSWORD}).status_code == 302
        phones.append((client, client.get("/observation/my/csrf").get_json()["csrf_token"]))

    def send(client, token, body):
        def work():
            response = client.post("/observation/my/incidents.json", json=body, headers={"X-CSRFToken": token})
            return response.status_code, response.get_json()
        return work

    for n in range(ROUNDS):
        body = {"client_id": f"incident-{n:04d}-abcd", "station_code": station_code, "category": "violence",
                "severity": "high", "description": "Party agents fighting at the door"}
        outcomes = race(*(send(client, token, body) for client, token in phones))
        assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
        assert sorted(status for status, _body in outcomes) == [200] * (RETRIES - 1) + [201], outcomes
        db.session.commit()
        assert db.session.scalar(select(func.count(Incident.id)).where(Incident.client_id == body["client_id"])) == 1
    assert db.session.scalar(select(func.count(Alert.id)).where(Alert.incident_id.isnot(None))) == ROUNDS
