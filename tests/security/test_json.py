"""Every JSON endpoint (observers' API, phone sync, SMS webhooks) takes hostile bodies without a 500."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.security.hostile import hostile_text, quick

EXAMPLES = 40
GATEWAYS = {
    "tr": {"kind": "telerivet", "secret": "tr-secret"},
    "at": {"kind": "africastalking", "secret": "at-secret", "send_url": "https://api.example.invalid/messaging",
           "username": "nec", "api_key": "at-key"},
    "rp": {"kind": "rapidpro", "secret": "rp-secret", "send_url": "https://rp.example.invalid/c/ex/1/receive"},
    "kn": {"kind": "kannel", "secret": "kn-secret"},
}

json_value = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False) | hostile_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(hostile_text, inner, max_size=4),
    max_leaves=12)


def _maybe(valid):
    return st.one_of(st.just(valid), json_value)


def submission_bodies(station_code):
    answers = st.fixed_dictionaries({}, optional={"Q1": _maybe("yes"), "Q2": _maybe(5), "Q3": _maybe("no"),
                                                  "Q4": _maybe(3), "Q5": _maybe(["ink"]), "ZZ": json_value})
    body = st.fixed_dictionaries({}, optional={
        "client_id": _maybe("phone-1:0001"), "template": _maybe("OPEN"), "version": _maybe(1),
        "station_code": _maybe(station_code), "answers": st.one_of(answers, json_value),
        "submitted_at": _maybe("2026-10-10T07:30:00Z")})
    return st.one_of(body, json_value)


def incident_bodies(station_code):
    body = st.fixed_dictionaries({}, optional={
        "client_id": _maybe("phone-1:0002"), "station_code": _maybe(station_code), "category": json_value,
        "severity": _maybe("high"), "description": json_value, "occurred_at": _maybe("2026-10-10T07:30:00Z")})
    return st.one_of(body, json_value)


def _encoded(draw, body) -> bytes:
    return draw(st.sampled_from([json.dumps(body).encode(), b"\xff\xfe{not json", b"", b"[" * 2000]))


def _explains(response) -> bool:
    """A refusal says why: a JSON error or errors object with text, or an error page's message."""
    if response.is_json:
        answer = response.get_json()
        return isinstance(answer, dict) and bool(answer.get("error") or answer.get("errors"))
    return "<h1>" in response.get_data(as_text=True) or response.status_code == 404


def test_observer_api_refuses_hostile_submissions_with_a_reason(app, client, election, db):
    from electoral.observation import services

    token = services.create_token(db.session, election["user"])
    db.session.commit()
    station = election["station"].code

    @quick(EXAMPLES)
    @given(st.data())
    def post(data):
        body = data.draw(submission_bodies(station))
        header = data.draw(st.sampled_from([f"Bearer {token}"] * 6 + ["", "Bearer forged", "Basic xyz"]))
        response = client.post("/api/v1/submissions", data=_encoded(data.draw, body),
                               headers={"Authorization": header, "Content-Type": "application/json"})
        assert response.status_code < 500, body
        if response.status_code >= 400:
            assert _explains(response), (response.status_code, response.get_data(as_text=True)[:500])

    post()


@pytest.mark.parametrize("url, bodies", [("/observation/my/sync", submission_bodies),
                                         ("/observation/my/incidents.json", incident_bodies)])
def test_phone_sync_refuses_hostile_bodies_with_a_reason(everyone, election, url, bodies):
    csrf = everyone.csrf_token()
    station = election["station"].code

    @quick(EXAMPLES)
    @given(st.data())
    def post(data):
        body = data.draw(bodies(station))
        token = data.draw(st.sampled_from([csrf] * 6 + ["", "forged"]))
        response = everyone.post(url, data=_encoded(data.draw, body),
                                 headers={"X-CSRFToken": token, "Content-Type": "application/json"})
        assert response.status_code < 500, body
        if response.status_code >= 400:
            assert _explains(response), (response.status_code, response.get_data(as_text=True)[:500])

    post()


@pytest.mark.parametrize("name", sorted(GATEWAYS))
def test_sms_webhooks_take_hostile_messages_without_a_server_error(app, client, election, monkeypatch, name):
    from electoral.observation.sms import gateways

    monkeypatch.setitem(app.config, "SMS_GATEWAYS", GATEWAYS)
    monkeypatch.setattr(gateways, "send_request", lambda url, data, headers: 201)
    phone = election["observer_phone"]
    fields = ("from_number", "content", "from", "text", "sender", "message", "id", "event", "to", "date")

    @quick(EXAMPLES // 2)
    @given(st.data())
    def post(data):
        form = {k: data.draw(st.one_of(st.just(phone), st.just("OPEN 1Y 3N 4 5"), hostile_text))
                for k in data.draw(st.lists(st.sampled_from(fields), unique=True))}
        secret = data.draw(st.sampled_from([GATEWAYS[name]["secret"]] * 5 + ["", "wrong"]))
        as_json = data.draw(st.booleans())
        if as_json:
            response = client.post(f"/sms/inbound/{name}", json=form, headers={"X-SMS-Secret": secret})
        else:
            response = client.post(f"/sms/inbound/{name}?secret={secret}", data=form)
        assert response.status_code < 500, form
        assert response.status_code in (200, 204, 403), (response.status_code, form)

    post()
