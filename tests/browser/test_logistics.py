"""An officer packs and dispatches a consignment; the district officer confirms receipt with one broken seal."""

import pytest
from playwright.sync_api import expect

from electoral.core.auth import Role
from tests.factories import PASSWORD, make_centre, make_district, make_user
from tests.logistics.factories import make_item, stocked_warehouse

pytestmark = pytest.mark.browser


def _sign_in(page, live_server, username):
    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server}/")


def test_officer_dispatches_and_district_officer_receives_with_a_broken_seal(db, live_server, page):
    district = make_district(code="BG-01", name="Bong")
    make_centre(district, code="BG-01-007", name="Gbarnga Central School")
    boxes = make_item(code="BALLOT-BOX", name="Ballot box")
    warehouse = stocked_warehouse(boxes, 40)
    make_user(Role.LOGISTICS_OFFICER, username="korto")
    make_user(Role.LOGISTICS_OFFICER, scope=district, username="garmai")
    db.session.commit()

    _sign_in(page, live_server, "korto")
    page.click("nav.mainnav >> text=Logistics")
    page.click("nav.logistics-nav >> text=Consignments")
    page.click("text=New consignment")
    page.fill("input[name=origin]", warehouse.code)
    page.fill("input[name=destination]", "BG-01-007")
    page.fill("input[name=vehicle]", "LBR-4411")
    page.fill("input[name=driver]", "Moses Kollie")
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=add the packing list and the seals")
    consignment_url = page.url
    page.select_option("select[name=line-item_code]", "BALLOT-BOX")
    page.fill("input[name=line-quantity]", "6")
    page.click("form.pack-line button[type=submit]")
    page.wait_for_selector("table.packing >> text=Ballot box")
    page.fill("input[name=seals-seals]", "SL-101 SL-102")
    page.click("form.pack-seals button[type=submit]")
    page.wait_for_selector("ul.seals >> text=SL-102")
    page.click("form.dispatch button[type=submit]")
    page.wait_for_selector("text=dispatched.")
    expect(page.locator(".consignment-state")).to_have_text("On its way")
    page.click("button.link:has-text('Sign out')")
    page.wait_for_url(f"{live_server}/login")  # signed out before the next sign-in's page is asked for

    _sign_in(page, live_server, "garmai")
    page.goto(consignment_url)
    page.click("text=Confirm receipt")
    page.wait_for_url(f"{consignment_url}/receive")
    assert page.input_value("input[type=number]") == "6"
    page.check("fieldset:has-text('SL-101') input[value=intact]")
    page.check("fieldset:has-text('SL-102') input[value=broken]")
    page.click("form.receipt button[type=submit]")
    page.wait_for_selector("text=Seal SL-102 is broken.")
    expect(page.locator(".consignment-state")).to_have_text("Received")
    assert "Open until a supervisor resolves it." in page.inner_text("ul.alerts")
    assert "1 discrepancy;" in page.inner_text(".flashes")
