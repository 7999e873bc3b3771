"""On a phone the header is one line with a menu; on a wide screen the menu is the bar itself."""

import pytest

from electoral.core.auth import Role
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.browser


def _sign_in(page, base):
    page.goto(f"{base}/login")
    page.fill("input[name=username]", "amara")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_phone_header_is_one_line_and_its_menu_opens(db, live_server, phone_page):
    make_user(Role.ADMINISTRATOR, username="amara").full_name = "Amara Kollie"
    db.session.commit()
    _sign_in(phone_page, live_server)
    header = phone_page.locator("header.topbar").bounding_box()
    assert header["height"] <= 60, header  # the bar held name, eleven links, account and languages before
    assert phone_page.locator("nav.mainnav").is_hidden()
    phone_page.click("header summary")
    assert phone_page.locator("nav.mainnav").is_visible()
    assert phone_page.locator("button.lang[value=ar]").is_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360


def test_wide_screen_shows_the_menu_without_a_click(db, live_server, page):
    make_user(Role.ADMINISTRATOR, username="amara")
    db.session.commit()
    _sign_in(page, live_server)
    assert page.locator("nav.mainnav").is_visible()
    assert page.locator("header summary").is_hidden()
