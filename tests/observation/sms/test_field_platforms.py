"""RapidPro/TextIt flows, Telerivet and Africa's Talking status callbacks, Kannel without message ids."""

import datetime as dt

from sqlalchemy import select, update

from electoral.core.models import utcnow
from electoral.extensions import db as _db
from electoral.observation.models import Submission
from electoral.observation.sms.models import SmsMessage
from tests.observation.factories import make_observer, make_opening_checklist


def _observer():
    make_opening_checklist()
    observer = make_observer()
    _db.session.commit()
    return observer


def _webhook_body(phone: str, text: str, step: str = "8f4e2b1a-0c3d-4e5f-9a8b-7c6d5e4f3a2b") -> dict:
    """RapidPro's default "Call webhook" body (flow editor, Call Webhook, POST, default body)."""
    return {
        "contact": {"uuid": "1f0b6b7e-3c2a-4d5e-8f9a-0b1c2d3e4f5a", "name": "Observer", "urn": f"tel:{phone}"},
        "flow": {"uuid": "6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "name": "Observer checklist"},
        "path": [{"uuid": "0a1b2c3d-0000-4000-8000-000000000001", "node_uuid": "5b6c7d8e-0000-4000-8000-00000000000a",
                  "arrived_on": "2026-11-03T08:10:00.000000Z", "exit_uuid": "9c8b7a6d-0000-4000-8000-00000000000b"},
                 {"uuid": step, "node_uuid": "5b6c7d8e-0000-4000-8000-00000000000c",
                  "arrived_on": "2026-11-03T08:10:05.000000Z", "exit_uuid": ""}],
        "results": {"checklist": {"value": text, "category": "All Responses"}},
        "run": {"uuid": "3e4f5a6b-7c8d-4e9f-8a0b-1c2d3e4f5a6b", "created_on": "2026-11-03T08:10:00.000000Z"},
        "input": {"type": "msg", "text": text, "attachments": []},
        "channel": {"uuid": "2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a", "name": "Observers' shortcode"},
    }


def test_rapidpro_call_webhook_default_body_is_filed_and_answered_for_the_flow(client, db, sent):
    observer = _observer()
    text = f"OPEN {observer.accreditation_number} Q1Y Q3Y Q45"
    response = client.post("/sms/inbound/rp", headers={"X-SMS-Secret": "rp-secret"},
                           json=_webhook_body(observer.phone, text))
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["status"] == "processed" and answer["reply"].startswith(f"OPEN received for {observer.station.code}")
    assert sent == []  # the flow sends the reply itself (@webhook.reply)
    submission = db.session.scalars(select(Submission)).one()
    assert submission.channel == "sms" and submission.answers == {"Q1": "yes", "Q3": "yes", "Q4": 5}


def test_rapidpro_retrying_the_same_webhook_call_does_not_file_twice(client, db, sent):
    observer = _observer()
    body = _webhook_body(observer.phone, f"OPEN {observer.accreditation_number} Q1Y Q3Y Q45")
    for _ in range(2):
        assert client.post("/sms/inbound/rp", headers={"X-SMS-Secret": "rp-secret"}, json=body).status_code == 200
    assert len(db.session.scalars(select(Submission)).all()) == 1


def test_africastalking_delivery_report_gets_200_and_is_not_stored(client, db):
    # Africa's Talking's delivery report callback (form POST), as its SMS documentation lists the fields.
    response = client.post("/sms/inbound/at?key=at-secret", data={
        "id": "ATXid_1", "status": "Success", "phoneNumber": "+254711XXXYYY", "networkCode": "63902",
        "retryCount": "0"})
    assert response.status_code == 200
    assert db.session.scalars(select(SmsMessage)).all() == []


def test_kannel_without_message_id_does_not_file_the_same_text_twice(client, db):
    observer = _observer()
    query = {"secret": "kn-secret", "sender": observer.phone, "text": f"OPEN {observer.accreditation_number} Q1Y Q3Y Q45"}
    first = client.get("/sms/inbound/kn", query_string=query)
    again = client.get("/sms/inbound/kn", query_string=query)
    assert first.get_data(as_text=True) == again.get_data(as_text=True)
    assert len(db.session.scalars(select(Submission)).all()) == 1
    assert [m.status for m in db.session.scalars(select(SmsMessage).order_by(SmsMessage.id))] == [
        "processed", "duplicate"]


def test_kannel_same_text_after_the_window_is_a_new_message(client, db):
    observer = _observer()
    query = {"secret": "kn-secret", "sender": observer.phone, "text": f"OPEN {observer.accreditation_number} Q1Y Q3Y Q45"}
    client.get("/sms/inbound/kn", query_string=query)
    db.session.execute(update(SmsMessage).values(received_at=utcnow() - dt.timedelta(minutes=6)))
    db.session.commit()
    client.get("/sms/inbound/kn", query_string=query)
    assert [m.status for m in db.session.scalars(select(SmsMessage).order_by(SmsMessage.id))] == [
        "processed", "processed"]
