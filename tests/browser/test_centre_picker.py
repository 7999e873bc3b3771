"""In a browser, the centre field suggests the clerk's own centres as they type (and only those)."""

import pytest

from electoral.core.auth import Role
from tests.factories import PASSWORD, make_centre, make_district, make_user
from tests.registration.factories import make_election

pytestmark = pytest.mark.browser


def test_typing_part_of_a_name_suggests_the_centres_of_the_clerks_district(db, live_server, page):
    make_election()
    mine, other = make_district(), make_district()
    make_centre(mine, code="KN-001", name="Kanifing Primary School")
    make_centre(mine, code="KN-002", name="Kanifing Market")
    make_centre(other, code="KN-900", name="Kanifing Annex")
    make_user(Role.REGISTRATION_CLERK, username="awa", scope=mine)
    db.session.commit()

    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", "awa")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}/registration/register")

    page.locator("input[name=centre_code]").press_sequentially("Kanif", delay=30)
    options = page.locator("#centre_code-options option")
    options.nth(1).wait_for(state="attached")
    page.wait_for_timeout(400)  # a late answer for a shorter prefix must not add more
    assert sorted(options.evaluate_all("list => list.map(o => o.value)")) == ["KN-001", "KN-002"]
    assert page.get_attribute("input[name=centre_code]", "list") == "centre_code-options"
