"""One rule for answering in JSON: the API's paths, or a caller that asks for JSON first."""


def test_a_caller_asking_for_json_gets_json_errors_as_the_api_does(client, login_as):
    from electoral.core.auth import Role

    login_as(Role.REGISTRATION_CLERK)
    missing = client.get("/nowhere-at-all", headers={"Accept": "application/json"})
    assert missing.status_code == 404 and missing.is_json and missing.get_json()["error"]
    refused = client.get("/users", headers={"Accept": "application/json"})
    assert refused.status_code == 403 and refused.is_json
    assert client.get("/api/v1/nowhere").is_json
    page = client.get("/nowhere-at-all")
    assert page.status_code == 404 and not page.is_json


def test_an_anonymous_json_caller_gets_401_not_the_sign_in_page(client):
    answer = client.get("/users", headers={"Accept": "application/json"})
    assert answer.status_code == 401 and answer.is_json
