"""Two clerks enter one tally sheet with a difference; a supervisor settles it; the sheet is counted."""

import pytest

from electoral.core.auth import Role
from tests.factories import PASSWORD, make_station, make_user
from tests.results.factories import make_race

pytestmark = pytest.mark.browser

FIGURES = {"ballots_received": "500", "ballots_cast": "400", "unused": "95", "spoiled": "5", "invalid": "10",
           "valid": "390", "candidate_C1": "200", "candidate_C2": "190"}


def _sign_in(browser, live_server, username):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server}/")
    return context, page


def _enter(page, live_server, figures):
    page.goto(f"{live_server}/results/entry")
    page.select_option("select[name=race]", "PRES")
    page.fill("input[name=station]", "s-0101")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server}/results/entry/PRES/S-0101")
    for name, value in figures.items():
        page.fill(f"input[name={name}]", value)
    page.click("main form.results-entry button[type=submit]")
    page.wait_for_url(f"{live_server}/results/entry")


def test_two_clerks_enter_a_sheet_with_a_difference_and_a_supervisor_settles_it(db, live_server, browser):
    make_race(code="PRES", candidates=("Amara Kollie", "Joseph Boakai"))
    make_station(code="S-0101")
    make_user(Role.RESULTS_CLERK, username="clerk.one")
    make_user(Role.RESULTS_CLERK, username="clerk.two")
    make_user(Role.RESULTS_SUPERVISOR, username="supervisor")
    db.session.commit()

    first_context, first = _sign_in(browser, live_server, "clerk.one")
    _enter(first, live_server, FIGURES)
    assert "First entry saved" in first.inner_text("main")
    first_context.close()

    second_context, second = _sign_in(browser, live_server, "clerk.two")
    second.goto(f"{live_server}/results/entry/PRES/S-0101")
    assert "Entry 2 of 2" in second.inner_text("main")
    assert second.input_value("input[name=candidate_C1]") == ""  # blind: the first entry is not shown
    _enter(second, live_server, {**FIGURES, "candidate_C1": "210", "candidate_C2": "180"})
    assert "It differs from the first" in second.inner_text("main")
    second_context.close()

    context, supervisor = _sign_in(browser, live_server, "supervisor")
    supervisor.goto(f"{live_server}/results/corrections")
    supervisor.click("text=Compare and settle")
    # The click only starts the navigation: wait for the comparison page to load before counting.
    supervisor.wait_for_url("**/resolve")
    differing = supervisor.locator("tr.differs")
    assert differing.count() == 2
    assert "Amara Kollie" in differing.nth(0).inner_text()
    supervisor.check("input[name=pick_candidate_C1][value='1']")
    supervisor.check("input[name=pick_candidate_C2][value='1']")
    supervisor.fill("textarea[name=reason]", "Paper sheet reads 200 and 190")
    supervisor.click("main form button[type=submit]")
    supervisor.wait_for_url(f"{live_server}/results/corrections")
    assert "the sheet is accepted" in supervisor.inner_text("main")

    supervisor.goto(f"{live_server}/results/clerks")
    rows = supervisor.locator("table.list tbody tr")
    assert "clerk.two" in rows.nth(0).inner_text() and "100.0%" in rows.nth(0).inner_text()
    supervisor.goto(f"{live_server}/results/public/PRES")
    assert "200" in supervisor.inner_text("table.results-standings")
    context.close()
