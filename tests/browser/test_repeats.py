"""An observer adds two party agents on the phone with the network off, removes the first, and files: the
filing holds the one entry left, checked per entry by the page's script as by the server."""

import pytest

from electoral.observation import services
from electoral.observation.models import Submission
from tests.browser.pages import wait_until
from tests.browser.test_observation import _sign_in
from tests.factories import make_station
from tests.observation.factories import make_observer
from tests.observation.test_repeats import _form

pytestmark = pytest.mark.browser


def test_observer_adds_two_entries_removes_one_and_files_offline(db, live_server, phone_page):
    template = services.import_xlsform(db.session, _form())
    services.publish(db.session, template)
    observer = make_observer(station=make_station(code="MO-01-002-1"))
    observer.user.username = "ruth"
    db.session.commit()

    _sign_in(phone_page, live_server, "ruth")
    phone_page.goto(f"{live_server}/observation/my/fill/MO-01-002-1/AGENTS")
    page = phone_page
    page.fill("input[name=registered]", "300")
    assert page.locator("section[data-repeat=agents]").is_hidden()  # asked only when agents are present
    page.check("input[name=agents_present][value=yes]")
    assert page.locator("section[data-repeat=agents]").is_visible()
    page.context.set_offline(True)
    page.click("button[data-add-entry]")
    page.click("button[data-add-entry]")
    assert page.locator("[data-entry]").count() == 2
    assert page.locator("[data-entry] h3").all_inner_texts() == ["Party agent 1", "Party agent 2"]
    page.fill("textarea[name='agents[0].party']", "UP")
    page.fill("textarea[name='agents[1].party']", "CDC")
    page.fill("input[name='agents[1].counted']", "120")
    page.check("input[name='agents[1].signed'][value=no]")
    # "Why not?" is asked of the first entry only (position(..) = 1): not of the second.
    assert page.locator("[data-entry]").nth(1).locator("fieldset[data-code=why]").is_hidden()
    page.locator("[data-entry]").nth(0).locator("button[data-remove-entry]").click()
    assert page.locator("[data-entry]").count() == 1
    # The entry left is now the first: its fields renamed, and "Why not?" asked of it.
    assert page.locator("textarea[name='agents[0].party']").input_value() == "CDC"
    assert page.locator("[data-entry] h3").all_inner_texts() == ["Party agent 1"]
    assert page.locator("fieldset[data-code=why]").is_visible()
    page.fill("textarea[name='agents[0].why']", "Left early")
    page.fill("input[name='agents[0].counted']", "301")  # breaks ". <= ${registered}": the page says so
    page.click("#checklist button[type=submit]")
    assert "rule" in page.locator("[data-error-for='agents[0].counted']").inner_text()
    page.fill("input[name='agents[0].counted']", "120")
    page.click("#checklist button[type=submit]")
    assert "kept on this phone" in page.locator("#form-status").inner_text()
    page.context.set_offline(False)
    wait_until(page, "document.getElementById('form-status').textContent.includes('Checklist sent')")
    db.session.expire_all()
    [filed] = db.session.scalars(db.select(Submission)).all()
    assert filed.answers["agents"] == [{"party": "CDC", "counted": 120, "signed": "no", "why": "Left early",
                                        "number": 1}]
    assert filed.answers["how_many"] == 1
