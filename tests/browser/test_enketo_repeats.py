"""Enketo (a real XForm client, vendored under tests/browser/vendor/enketo) renders the server's XForm of a checklist
with a repeat (made by pyxform from the checklist's export), the observer adds a second party agent with Enketo's
own button, and the instance it submits, with its repeated elements, becomes one filing with both entries."""

import base64

import pytest
from sqlalchemy import select

from electoral.observation import services
from electoral.observation.models import Submission
from electoral.observation.openrosa import services as openrosa
from tests.browser.pages import wait_until
from tests.browser.test_enketo import LOAD, SUBMIT, open_enketo
from tests.observation.factories import make_observer
from tests.observation.test_repeats import _form

pytestmark = pytest.mark.browser


def _check(entry, name: str, value: str) -> None:
    entry.locator(f"input[data-name='{name}'][value='{value}'], input[name='{name}'][value='{value}']").check()


def test_enketo_fills_two_party_agents_and_they_become_the_filings_entries(db, live_server, page):
    template = services.import_xlsform(db.session, _form())
    services.publish(db.session, template)
    observer = make_observer()
    password = openrosa.set_device_password(db.session, observer)
    db.session.commit()
    station = observer.station.code
    auth = "Basic " + base64.b64encode(f"{observer.user.username}:{password}".encode()).decode()
    errors = open_enketo(page, live_server)
    assert page.evaluate(LOAD, [auth]) == []

    form = page.locator("form.or")
    form.locator(f"input[name='/data/electoral_station'][value='{station}']").check()
    form.locator("input[name='/data/registered']").fill("300")
    _check(form, "/data/agents_present", "yes")
    wait_until(page, "document.querySelectorAll('.or-repeat').length >= 1")
    assert form.locator(".or-repeat").count() == 1  # the first entry, as the XForm's instance holds it
    first = form.locator(".or-repeat").nth(0)
    first.locator("input[name='/data/agents/party'], textarea[name='/data/agents/party']").fill("UP")
    first.locator("input[name='/data/agents/counted']").fill("12")
    _check(first, "/data/agents/signed", "yes")
    form.locator(".add-repeat-btn").click()
    wait_until(page, "document.querySelectorAll('.or-repeat').length === 2")
    second = form.locator(".or-repeat").nth(1)
    second.locator("input[name='/data/agents/party'], textarea[name='/data/agents/party']").fill("CDC")
    second.locator("input[name='/data/agents/counted']").fill("30")
    _check(second, "/data/agents/signed", "yes")
    form.locator("input[name='/data/registered']").dispatch_event("change")

    answer = page.evaluate(SUBMIT, [auth])
    assert answer["status"] == 201, answer
    assert answer["instance"].count("<agents>") == 2
    assert not errors, errors
    db.session.commit()
    filed = db.session.scalars(select(Submission)).one()
    assert filed.answers["agents"] == [{"party": "UP", "counted": 12, "signed": "yes", "number": 1},
                                       {"party": "CDC", "counted": 30, "signed": "yes", "number": 2}]
    assert filed.answers["how_many"] == 2
