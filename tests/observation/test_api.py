"""The JSON API: OpenAPI document, bearer tokens, idempotent submissions, every field error."""

import pytest

from electoral.core.auth import Role
from electoral.observation import services
from electoral.observation.models import ApiToken, Submission
from tests.factories import make_user
from tests.observation.factories import (
    OPENING_OK,
    make_api_filing,
    make_observer,
    make_opening_checklist,
)


@pytest.fixture
def filing(db):
    return make_api_filing()


def _count(db) -> int:
    return db.session.scalar(db.select(db.func.count(Submission.id)))


def test_openapi_document_is_public(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/submissions" in document["paths"]


def test_submission_without_token_is_refused(client, db, filing):
    assert client.post("/api/v1/submissions", json=filing["body"]).status_code == 401


def test_first_submission_answers_201_and_a_repeat_200_with_the_same_submission(client, db, filing):
    first = client.post("/api/v1/submissions", json=filing["body"], headers=filing["headers"])
    again = client.post("/api/v1/submissions", json=filing["body"], headers=filing["headers"])
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json() == again.get_json()
    assert first.get_json()["answers"] == {"Q1": "yes", "Q3": "yes", "Q4": 5}
    assert _count(db) == 1


def test_bad_submission_answers_422_with_every_field_error(client, db, filing):
    body = {**filing["body"], "station_code": "NOWHERE", "answers": {"Q1": "perhaps", "Q4": 99},
            "submitted_at": "yesterday"}
    response = client.post("/api/v1/submissions", json=body, headers=filing["headers"])
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"station_code", "submitted_at", "answers.Q1", "answers.Q3",
                                                  "answers.Q4"}
    assert _count(db) == 0


def test_token_is_stored_only_as_a_hash(db, filing):
    token = filing["headers"]["Authorization"].split()[1]
    stored = db.session.scalar(db.select(ApiToken.token_hash))
    assert token not in stored and len(stored) == 64


def test_unaccredited_observer_cannot_file_through_the_api(client, db):
    make_opening_checklist()
    observer = make_observer(accredited=False)
    token = services.create_token(db.session, observer.user)
    db.session.commit()
    response = client.post("/api/v1/submissions", headers={"Authorization": f"Bearer {token}"}, json={
        "client_id": "phone-0002-abcd", "template": "OPEN", "version": 1, "station_code": observer.station.code,
        "answers": OPENING_OK})
    assert response.status_code == 422
    assert response.get_json()["errors"]["station_code"] == ["Only accredited observers can file checklists."]


def test_token_of_another_role_cannot_file(client, db, filing):
    clerk = make_user(Role.RESULTS_CLERK)
    token = services.create_token(db.session, clerk)
    db.session.commit()
    response = client.post("/api/v1/submissions", json=filing["body"], headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403


def test_templates_are_listed_with_parsed_conditions(client, db, filing):
    templates = client.get("/api/v1/templates", headers=filing["headers"]).get_json()
    q2 = templates[0]["questions"][1]
    assert q2["relevance"] == {"cmp": "=", "q": "Q1", "v": "no"}
