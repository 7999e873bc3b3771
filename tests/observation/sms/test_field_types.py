"""Dates, date-times, notes, calculations, positions and photos in a text message and on the SMS card."""

import pytest
from sqlalchemy import select

from electoral.core.auth import Role
from electoral.extensions import db
from electoral.observation import services
from electoral.observation.models import Submission
from electoral.observation.sms.models import SmsMessage
from electoral.registration.services import election
from electoral.reports.registry import render
from tests.observation.factories import make_observer
from tests.registration.factories import make_election
from tests.reports.helpers import pdf_text


def _field_checklist(photo_required=False):
    """FLD: a date, a date and time, a note, a count and its double worked out, a position and a photo."""
    template = services.create_template(db.session, "FLD", "Field", "opening")
    services.add_question(db.session, template, "D", "date", {"en": "Date of the visit"})
    services.add_question(db.session, template, "T", "datetime", {"en": "When did voting start?"}, required=False)
    services.add_question(db.session, template, "N", "note", {"en": "Count the officials now."}, required=False)
    services.add_question(db.session, template, "V", "integer", {"en": "Officials present"}, minimum=0)
    services.add_question(db.session, template, "C", "calculate", {"en": "Double"}, required=False,
                          calculation="${V} * 2")
    services.add_question(db.session, template, "G", "geopoint", {"en": "Where are you?"}, required=False)
    services.add_question(db.session, template, "P", "image", {"en": "Photo of the queue"}, required=photo_required)
    services.publish(db.session, template)
    return template


def _send(client, text, message_id="SM1"):
    response = client.post("/sms/inbound/tr", data={
        "event": "incoming_message", "id": message_id, "message_type": "sms", "from_number": _send.phone,
        "to_number": "+231880000000", "content": text, "secret": "tr-secret"})
    assert response.status_code == 200
    return response.get_json()["messages"][0]["content"]


@pytest.fixture
def observer(db):
    make_election()
    _field_checklist()
    found = make_observer()
    db.session.commit()
    _send.phone = found.phone
    return found


def test_date_and_date_time_typed_as_digits_are_filed_and_the_calculation_worked_out(client, observer):
    reply = _send(client, f"FLD {observer.accreditation_number} D07122026 T071220261420 V3")
    assert reply.startswith("FLD received"), reply
    submission = db.session.scalars(select(Submission)).one()
    assert submission.answers["D"] == "2026-12-07"
    assert submission.answers["T"].startswith("2026-12-07T14:20")
    assert submission.answers["C"] == 6


def test_a_date_with_slashes_reads_too(client, observer):
    assert _send(client, f"FLD {observer.accreditation_number} D 7/12/2026 V3").startswith("FLD received")
    assert db.session.scalars(select(Submission)).one().answers["D"] == "2026-12-07"


def test_dates_follow_the_elections_date_order(client, observer):
    election.configure(db.session, "General", election.current(db.session).polling_day, date_order="MDY")
    db.session.commit()
    assert _send(client, f"FLD {observer.accreditation_number} D12072026 V3").startswith("FLD received")
    assert db.session.scalars(select(Submission)).one().answers["D"] == "2026-12-07"


def test_a_bad_date_says_how_to_write_it(client, observer):
    reply = _send(client, f"FLD {observer.accreditation_number} D31022026 V3")
    assert "give the date as DD/MM/YYYY or DDMMYYYY" in reply
    assert db.session.scalars(select(Submission)).all() == []


@pytest.mark.parametrize("typed, said", [
    ("C9", "worked out or shown by the checklist itself: leave it out"),
    ("N1", "worked out or shown by the checklist itself: leave it out"),
    ("G8", "cannot be sent by SMS: answer it on the phone page"),
])
def test_notes_calculations_and_positions_are_not_typed(client, observer, typed, said):
    reply = _send(client, f"FLD {observer.accreditation_number} D07122026 V3 {typed}")
    assert reply.startswith("Not filed") and said in reply
    assert db.session.scalars(select(Submission)).all() == []


def test_a_checklist_that_requires_a_photo_is_refused_by_sms_naming_the_question(client, db):
    make_election()
    _field_checklist(photo_required=True)
    found = make_observer()
    db.session.commit()
    _send.phone = found.phone
    reply = _send(client, f"FLD {found.accreditation_number} D07122026 V3")
    assert "FLD cannot be sent by SMS: P needs the phone page or ODK Collect." in reply
    assert db.session.scalars(select(SmsMessage.status)).one() == "rejected"
    assert db.session.scalars(select(Submission)).all() == []


def test_the_sms_card_explains_dates_and_leaves_out_what_is_never_typed(db):
    make_election()
    _field_checklist()
    db.session.commit()
    text = " ".join(pdf_text(render("sms-card", {"template": "FLD"}, lang="en", roles=[Role.OBSERVER],
                                    printed_by="test")).split())
    assert "give the date as DD/MM/YYYY or DDMMYYYY" in text
    assert "give the date and time as DDMMYYYYHHMM" in text
    assert "Count the officials now." not in text and "Double" not in text
    assert "Where are you? (may be left out) cannot be sent by SMS: use the phone page" in text
    assert "FLD OBS-ACD34679 D07122026 V0" in text
