"""A checklist with a repeat (one entry per party agent) cannot go by SMS: the message is refused saying so, and
the SMS card says so instead of listing codes."""

from sqlalchemy import select

from electoral.core.auth import Role
from electoral.extensions import db
from electoral.observation import services
from electoral.observation.models import Submission
from electoral.observation.sms.models import SmsMessage
from electoral.reports.registry import render
from tests.observation.factories import make_observer
from tests.observation.sms.test_field_types import _send
from tests.registration.factories import make_election
from tests.reports.helpers import pdf_text


def _agents_checklist():
    template = services.create_template(db.session, "AGT", "Party agents", "counting")
    services.add_question(db.session, template, "V", "integer", {"en": "Voters in the queue"})
    agents = services.add_section(db.session, template, "agents", {"en": "Party agent"}, repeat=True)
    services.add_question(db.session, template, "party", "text", {"en": "Party"}, section=agents)
    services.publish(db.session, template)
    return template


def test_a_checklist_with_a_repeat_sent_by_sms_is_refused_saying_why(client, db):
    make_election()
    _agents_checklist()
    found = make_observer()
    db.session.commit()
    _send.phone = found.phone
    reply = _send(client, f"AGT {found.accreditation_number} V3")
    assert "AGT cannot be sent by SMS: its entries repeated as often as needed (agents)" in reply
    assert db.session.scalars(select(SmsMessage.status)).one() == "rejected"
    assert db.session.scalars(select(Submission)).all() == []


def test_the_sms_card_says_a_checklist_with_a_repeat_is_not_sent_by_sms(db):
    make_election()
    _agents_checklist()
    db.session.commit()
    text = " ".join(pdf_text(render("sms-card", {"template": "AGT"}, lang="en", roles=[Role.OBSERVER],
                                    printed_by="test")).split())
    assert "AGT cannot be sent by SMS: its entries repeated as often as needed (agents)" in text
    assert "Voters in the queue" not in text
