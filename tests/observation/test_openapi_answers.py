"""Issue 16, finding 14 (d): the OpenAPI document lists the answers every operation may give."""

from electoral.core.auth import Role
from electoral.observation import services
from tests.factories import make_user


def test_every_operation_lists_403_429_and_500(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operations = [(path, method, op) for path, ops in document["paths"].items() for method, op in ops.items()]
    assert len(operations) >= 3
    for path, method, operation in operations:
        missing = {"403", "429", "500"} - set(operation["responses"])
        assert not missing, f"{method.upper()} {path} lists no {sorted(missing)}"
        schema = operation["responses"]["500"]["content"]["application/json"]["schema"]
        assert "error" in schema["properties"]


def test_a_403_answer_has_the_documented_shape(client, db):
    user = make_user(Role.RESULTS_CLERK)
    token = services.create_token(db.session, user)
    db.session.commit()
    response = client.get("/api/v1/templates", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403 and isinstance(response.get_json()["error"], str)
