"""Polling day's hot path through the API: what it reads per filing, and what it reads once per process."""

import pytest
import sqlalchemy as sa

from electoral.observation import services
from electoral.observation.models import ApiToken, Submission
from tests.factories import make_centre, make_station
from tests.observation.factories import OPENING_OK, make_observer, make_opening_checklist


@pytest.fixture
def phone(db):
    template = make_opening_checklist()
    observer = make_observer()
    token = services.create_token(db.session, observer.user)
    db.session.commit()
    return {"headers": {"Authorization": f"Bearer {token}"}, "observer": observer, "template": template}


def _body(phone, client_id: str, **answers) -> dict:
    return {"client_id": client_id, "template": "OPEN", "version": phone["template"].version,
            "station_code": phone["observer"].station.code, "answers": {**OPENING_OK, **answers}}


class _Statements:
    """The SQL statements the application sends while the block runs."""

    def __init__(self, engine):
        self.engine, self.sent = engine, []

    def _record(self, _conn, _cursor, statement, *_args):
        self.sent.append(statement)

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._record)
        return self.sent

    def __exit__(self, *_exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._record)


def test_a_published_versions_questions_are_read_once_per_process(client, db, phone):
    assert client.post("/api/v1/submissions", json=_body(phone, "phone-hot-0001"),
                       headers=phone["headers"]).status_code == 201
    body = _body(phone, "phone-hot-0002", Q4=6)
    db.session.commit()
    with _Statements(db.engine) as sent:
        response = client.post("/api/v1/submissions", json=body, headers=phone["headers"])
    assert response.status_code == 201
    assert not [s for s in sent if "FROM checklist_question" in s]


def test_a_filing_reads_token_and_roles_in_one_query_and_takes_few_statements(client, db, phone):
    first, second = _body(phone, "phone-hot-0003"), _body(phone, "phone-hot-0004", Q4=7)
    db.session.commit()
    assert client.post("/api/v1/submissions", json=first, headers=phone["headers"]).status_code == 201
    with _Statements(db.engine) as sent:
        response = client.post("/api/v1/submissions", json=second, headers=phone["headers"])
    assert response.status_code == 201
    assert not [s for s in sent if s.lstrip().startswith("SELECT user_role")]
    # One query for the token's account, observer, station and version, taking the filing lock on PostgreSQL;
    # the retry or the filing corrected; that filing set aside; the filing, its audit entry and its answers;
    # the answers it replaces; chaining the audit entry (one statement seen here on PostgreSQL, three on SQLite).
    limit = 8 if db.engine.dialect.name == "postgresql" else 10
    assert len([s for s in sent if s not in ("BEGIN", "COMMIT")]) <= limit, sent
    assert not [s for s in sent if "pg_advisory_xact_lock" in s and "observer" not in s]  # the lock rode along


def test_a_version_made_again_under_the_same_id_is_read_again(client, db, phone):
    """A database emptied and filled again reuses ids: the cache must not answer with the old questions."""
    assert client.post("/api/v1/submissions", json=_body(phone, "phone-hot-0010"),
                       headers=phone["headers"]).status_code == 201
    # The same id, another row: made later, with Q4 allowing at most 3 officials.
    db.session.execute(sa.text("UPDATE checklist_template SET created_at = :later WHERE id = :id"),
                       {"later": phone["template"].created_at.replace(year=2099), "id": phone["template"].id})
    db.session.execute(sa.text("UPDATE checklist_question SET maximum = 3 WHERE code = 'Q4'"))
    db.session.commit()
    response = client.post("/api/v1/submissions", json=_body(phone, "phone-hot-0011", Q4=5),
                           headers=phone["headers"])
    assert response.status_code == 422
    assert response.get_json()["errors"]["answers.Q4"] == ["At most 3."]


def test_a_revoked_token_is_refused(client, db, phone):
    db.session.execute(sa.update(ApiToken).values(revoked=True))
    db.session.commit()
    response = client.post("/api/v1/submissions", json=_body(phone, "phone-hot-0006"), headers=phone["headers"])
    assert response.status_code == 401


def test_the_token_of_a_deactivated_account_is_refused(client, db, phone):
    phone["observer"].user.active = False
    db.session.commit()
    response = client.post("/api/v1/submissions", json=_body(phone, "phone-hot-0007"), headers=phone["headers"])
    assert response.status_code == 401


def test_a_mobile_observer_files_for_a_station_of_their_centres_only(client, db):
    make_opening_checklist()
    centre = make_centre()
    inside, outside = make_station(centre=centre), make_station()
    observer = make_observer(station=inside)
    services.deploy(db.session, observer, centre_codes=centre.code)
    token = services.create_token(db.session, observer.user)
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    body = {"client_id": "phone-mobile-01", "template": "OPEN", "version": 1, "answers": OPENING_OK}
    there = client.post("/api/v1/submissions", json={**body, "station_code": inside.code}, headers=headers)
    elsewhere = client.post("/api/v1/submissions", json={**body, "client_id": "phone-mobile-02",
                                                         "station_code": outside.code}, headers=headers)
    assert there.status_code == 201
    assert elsewhere.status_code == 422
    assert elsewhere.get_json()["errors"]["station_code"] == [
        f"You are not deployed to polling station {outside.code}."]
    assert db.session.scalar(sa.select(sa.func.count(Submission.id))) == 1
