"""A person signs in, switches to Arabic, creates a polling centre and finds it listed."""

import pytest
from playwright.sync_api import expect

from electoral.core.auth import Role
from tests.factories import PASSWORD, make_district, make_user

pytestmark = pytest.mark.browser


def test_admin_switches_to_arabic_and_creates_a_polling_centre(db, live_server, page):
    make_user(Role.ADMINISTRATOR, username="amara")
    make_district(code="MO-01", name="Greater Monrovia")
    db.session.commit()

    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", "amara")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server}/")

    page.click("button.lang[value=ar]")
    # The same address again, in Arabic: wait for the page drawn after the choice, not the one before it.
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    assert page.get_attribute("html", "dir") == "rtl"

    page.goto(f"{live_server}/geography/centre/new")
    page.fill("input[name=parent_code]", "MO-01")
    page.fill("input[name=code]", "MO-01-900")
    page.fill("input[name=name]", "مدرسة السلام الابتدائية")
    page.fill("input[name=latitude]", "6.31")
    page.fill("input[name=longitude]", "-10.80")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server}/geography/centre/MO-01-900")

    page.goto(f"{live_server}/geography/centre?q=MO-01-900")
    row = page.locator("table.list tbody tr").first
    assert "MO-01-900" in row.inner_text()
    assert "مدرسة السلام الابتدائية" in row.inner_text()
    assert page.get_attribute("html", "dir") == "rtl"
