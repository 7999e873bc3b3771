"""The coordinators' message log and fixing a message by hand."""

from sqlalchemy import select

from electoral.core.auth import Role
from electoral.core.models import AuditEntry
from electoral.observation.models import Submission
from electoral.observation.sms import services
from electoral.observation.sms.models import SmsMessage
from tests.factories import make_region
from tests.observation.factories import make_observer, make_opening_checklist


def _malformed(db, observer=None):
    make_opening_checklist()
    observer = observer or make_observer()
    message = services.receive(db.session, "tr", "bad1", observer.phone,
                               f"OPEN {observer.accreditation_number} Q1 perhaps Q3Y Q45").message
    db.session.commit()
    return observer, message


def test_message_log_shows_a_malformed_message_and_what_was_wrong(client, db, login_as):
    _malformed(db)
    login_as(Role.OBSERVER_COORDINATOR)
    page = client.get("/sms/messages").get_data(as_text=True)
    assert "Q1 perhaps Q3Y Q45" in page
    assert "Not understood" in page and "Q1: no value." in page
    assert "Fix by hand" in page


def test_message_log_filters_by_status(client, db, login_as):
    _malformed(db)
    login_as(Role.OBSERVER_COORDINATOR)
    page = client.get("/sms/messages?status=processed").get_data(as_text=True)
    assert "Q1 perhaps" not in page and "Nothing matches." in page


def test_scoped_coordinator_does_not_see_messages_from_elsewhere(client, db, login_as):
    _malformed(db)
    login_as(Role.OBSERVER_COORDINATOR, scope=make_region())
    assert "Q1 perhaps" not in client.get("/sms/messages").get_data(as_text=True)


def test_log_shows_the_share_of_failed_messages_per_region(client, db, login_as):
    observer, _message = _malformed(db)
    login_as(Role.OBSERVER_COORDINATOR)
    page = client.get("/sms/messages").get_data(as_text=True)
    region = observer.station.centre.district.region.name
    assert region in page and "100.0%" in page


def test_dashboard_shows_the_share_of_failed_messages_per_region(client, db, login_as):
    observer, _message = _malformed(db)
    services.receive(db.session, "tr", "good1", observer.phone,
                     f"OPEN {observer.accreditation_number} Q1Y Q3Y Q45")
    db.session.commit()
    login_as(Role.OBSERVER_COORDINATOR)
    page = client.get("/observation/dashboard").get_data(as_text=True)
    section = page[page.index('id="sms-failures"'):]
    assert observer.station.centre.district.region.name in section and "50.0%" in section


def test_observer_cannot_read_the_log(client, db, login_as):
    login_as(Role.OBSERVER)
    assert client.get("/sms/messages").status_code == 403


def test_fixing_a_malformed_message_by_hand_files_it_and_is_audited(client, db, login_as):
    observer, message = _malformed(db)
    user = login_as(Role.OBSERVER_COORDINATOR)
    form = client.get(f"/sms/messages/{message.id}/fix").get_data(as_text=True)
    assert "Q1 PERHAPS Q3Y Q45" in form  # pre-filled with what was read
    response = client.post_form(f"/sms/messages/{message.id}/fix",
                                {"text": f"OPEN {observer.accreditation_number} Q1Y Q3Y Q45"})
    assert response.status_code == 302
    db.session.expire_all()
    fixed = db.session.get(SmsMessage, message.id)
    assert fixed.status == "fixed_by_hand" and fixed.fixed_by == user.username
    assert db.session.scalars(select(Submission)).one().channel == "sms"
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.entity_type == "SmsMessage", AuditEntry.entity_id == str(message.id),
        AuditEntry.action == "update")).all()
    assert any(e.after.get("status") == "fixed_by_hand" and e.username == user.username for e in entries)


def test_fix_that_is_still_wrong_shows_the_errors(client, db, login_as):
    observer, message = _malformed(db)
    login_as(Role.OBSERVER_COORDINATOR)
    page = client.post_form(f"/sms/messages/{message.id}/fix",
                            {"text": f"OPEN {observer.accreditation_number} Q1Y Q3Y Q4 99"}).get_data(as_text=True)
    assert "Q4: 99: At most 10." in page
    assert db.session.get(SmsMessage, message.id).status == "rejected"


def test_log_lists_one_observers_messages(client, db, login_as):
    observer, _message = _malformed(db)
    other = make_observer()
    services.receive(db.session, "tr", "other1", other.phone, f"OPEN {other.accreditation_number} Q1Y Q3Y Q45")
    db.session.commit()
    login_as(Role.OBSERVER_COORDINATOR)
    page = client.get(f"/sms/messages?observer={observer.id}").get_data(as_text=True)
    assert f"Messages from {observer.name}" in page
    assert "Q1 perhaps" in page and other.accreditation_number not in page
