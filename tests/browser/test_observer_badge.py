"""A filing waiting on the phone is sent from My station and its 'Due' turns 'Sent' without a reload."""

import time

import pytest

from tests.browser.test_observation import _sign_in
from tests.factories import make_station
from tests.observation.factories import make_observer, make_opening_checklist

pytestmark = pytest.mark.browser


def test_due_badge_turns_sent_when_the_outbox_is_sent(db, live_server, phone_page):
    template = make_opening_checklist()
    observer = make_observer(station=make_station(code="MO-01-003-1"))
    observer.user.username = "kula"
    db.session.commit()

    _sign_in(phone_page, live_server, "kula")
    phone_page.goto(f"{live_server}/observation/my")
    row = phone_page.locator('li[data-station="MO-01-003-1"][data-template="OPEN"]')
    assert row.locator(".badge").inner_text() == "Due"
    # What the checklist page keeps when filed offline; the page is drawn before it is sent.
    item = {"client_id": "5f1c2a7e-0000-4000-8000-000000000001", "template": "OPEN", "version": template.version,
            "station_code": "MO-01-003-1", "submitted_at": "2026-12-07T07:05:00Z",
            "answers": {"Q1": "yes", "Q3": "yes", "Q4": 5, "Q5": ["ink"]}}
    phone_page.context.set_offline(True)
    phone_page.evaluate("item => localStorage.setItem('electoral.observation.outbox', JSON.stringify([item]))", item)
    phone_page.context.set_offline(False)
    phone_page.evaluate("window.dispatchEvent(new Event('online'))")
    deadline = time.monotonic() + 15
    while row.locator(".badge").inner_text() != "Sent":
        assert time.monotonic() < deadline, "the badge still says Due after the filing was sent"
        phone_page.wait_for_timeout(100)
    assert phone_page.evaluate("JSON.parse(localStorage.getItem('electoral.observation.outbox')).length") == 0
    assert "primary" not in row.locator("a.button").get_attribute("class")
