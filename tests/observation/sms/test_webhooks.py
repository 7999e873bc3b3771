"""Each gateway's webhook, in the format its documentation gives."""

from sqlalchemy import select

from electoral.extensions import db
from electoral.observation.models import Submission
from electoral.observation.sms.models import SmsMessage
from tests.observation.factories import make_observer, make_opening_checklist


def _observer():
    make_opening_checklist()
    observer = make_observer()
    db.session.commit()
    return observer, observer.accreditation_number, observer.phone


def _messages():
    return db.session.scalars(select(SmsMessage).order_by(SmsMessage.id)).all()


def test_telerivet_message_is_filed_and_answered_in_the_response(client, db):
    observer, number, phone = _observer()
    response = client.post("/sms/inbound/tr", data={
        "event": "incoming_message", "id": "SM1a2b3c", "message_type": "sms", "from_number": phone,
        "to_number": "+231880000000", "content": f"OPEN {number} Q1Y Q3Y Q45", "secret": "tr-secret"})
    assert response.status_code == 200
    reply = response.get_json()["messages"][0]["content"]
    assert reply.startswith(f"OPEN received for {observer.station.code}")
    submission = db.session.scalars(select(Submission)).one()
    assert submission.channel == "sms" and submission.answers == {"Q1": "yes", "Q3": "yes", "Q4": 5}


def test_africastalking_message_is_answered_through_the_send_api(client, db, sent):
    observer, number, phone = _observer()
    response = client.post("/sms/inbound/at?key=at-secret", data={
        "from": phone.replace(" ", ""), "to": "20880", "text": f"open {number} q1y q3y q4 5",
        "date": "2026-11-03 08:10:00", "id": "ATXid_1", "linkId": "SampleLinkId123"})
    assert response.status_code == 200
    url, data, headers = sent[0]
    assert url == "https://api.example.invalid/messaging" and headers["apiKey"] == "at-key"
    assert data["to"] == phone.replace(" ", "") and data["message"].startswith("OPEN received")
    assert _messages()[0].reply_status == "sent"


def test_rapidpro_external_channel_message_is_answered_through_the_send_api(client, db, sent):
    _observer_, number, phone = _observer()
    response = client.post("/sms/inbound/rp", headers={"X-SMS-Secret": "rp-secret"},
                           data={"from": phone, "text": f"OPEN {number} Q1Y Q3Y Q45", "id": "4711"})
    assert response.status_code == 200
    url, data, headers = sent[0]
    assert url == "https://rp.example.invalid/api/v2/broadcasts.json" and headers["Authorization"] == "Token rp-token"
    assert data["urns"] == [f"tel:{phone.replace(' ', '')}"] and data["text"].startswith("OPEN received")


def test_kannel_get_is_answered_in_the_plain_text_body(client, db):
    _observer_, number, phone = _observer()
    response = client.get("/sms/inbound/kn", query_string={
        "secret": "kn-secret", "sender": phone, "text": f"OPEN {number} Q1Y Q3Y Q45", "id": "k-9"})
    assert response.status_code == 200 and response.mimetype == "text/plain"
    assert response.get_data(as_text=True).startswith("OPEN received")


def test_wrong_secret_is_refused_and_nothing_stored(client, db):
    _observer_, number, phone = _observer()
    response = client.post("/sms/inbound/tr", data={
        "event": "incoming_message", "id": "x1", "from_number": phone, "content": f"OPEN {number} Q1Y",
        "secret": "guess"})
    assert response.status_code == 403
    assert _messages() == []


def test_unknown_gateway_is_not_found(client, db):
    assert client.post("/sms/inbound/nope", data={"from": "1", "text": "x"}).status_code == 404


def test_repeat_of_a_message_id_is_stored_as_duplicate_without_a_second_submission(client, db):
    _observer_, number, phone = _observer()
    form = {"event": "incoming_message", "id": "SMdup", "from_number": phone,
            "content": f"OPEN {number} Q1Y Q3Y Q45", "secret": "tr-secret"}
    first = client.post("/sms/inbound/tr", data=form).get_json()
    again = client.post("/sms/inbound/tr", data=form).get_json()
    assert again == first
    assert [m.status for m in _messages()] == ["processed", "duplicate"]
    assert len(db.session.scalars(select(Submission)).all()) == 1


def test_unknown_sender_is_stored_and_answered(client, db):
    _observer()
    response = client.post("/sms/inbound/tr", data={
        "event": "incoming_message", "id": "u1", "from_number": "+231 88 555 1234",
        "content": "OPEN 12345 Q1Y", "secret": "tr-secret"})
    assert "not registered" in response.get_json()["messages"][0]["content"]
    message = _messages()[0]
    assert (message.status, message.sender) == ("unknown_sender", "+231885551234")


def test_telerivet_status_callback_is_acknowledged_and_not_stored(client, db):
    response = client.post("/sms/inbound/tr", data={"event": "send_status", "id": "x", "secret": "tr-secret"})
    assert response.status_code == 200 and _messages() == []


def test_gateway_failing_to_send_the_reply_loses_nothing(client, db, monkeypatch):
    from electoral.observation.sms import gateways

    def down(url, data, headers):
        raise OSError("network unreachable")

    monkeypatch.setattr(gateways, "send_request", down)
    _observer_, number, phone = _observer()
    response = client.post("/sms/inbound/at?key=at-secret", data={
        "from": phone, "to": "20880", "text": f"OPEN {number} Q1Y Q3Y Q45", "date": "2026-11-03", "id": "AT2"})
    assert response.status_code == 200
    message = _messages()[0]
    # Filed; the reply waits for the job's retry (30 s later).
    assert message.status == "processed" and message.reply_status == "queued"
