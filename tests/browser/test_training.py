"""A training coordinator, on a phone, marks a session's attendance and scores and sees who is certified."""

import datetime as dt

import pytest

from electoral.core.auth import Role
from electoral.training import services
from tests.factories import PASSWORD, make_user
from tests.training.factories import make_course, make_official, make_session

pytestmark = pytest.mark.browser


def test_coordinator_marks_attendance_and_scores_and_sees_participants_certified(db, live_server, phone_page):
    make_user(Role.TRAINING_COORDINATOR, username="coordinator")
    course = make_course(level=3)
    ts = make_session(course, days=1, start=dt.date(2026, 3, 2))
    names = ["Comfort Wleh", "Joseph Flomo", "Musu Kamara"]
    enrolments = [services.enrol(db.session, ts, make_official(position=course.position, name=name,
                                                                district=ts.district)) for name in names]
    db.session.commit()
    page = phone_page

    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", "coordinator")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server}/")

    page.goto(f"{live_server}/training/sessions/{ts.id}")
    page.click("a[href$='/attendance/2026-03-02']")
    page.wait_for_url("**/attendance/2026-03-02")
    # Everyone is present by default; Musu Kamara was absent.
    page.locator("ul.roster-list label", has_text="Musu Kamara").click()
    page.click("button.roster-save")
    page.wait_for_url(f"{live_server}/training/sessions/{ts.id}")
    assert "2 present, 1 absent" in page.locator(".flashes").inner_text()

    page.click("text=Test scores")
    for enrolment, (pre, post) in zip(enrolments, [("40", "85"), ("35", "60"), ("50", "90")], strict=True):
        page.fill(f"input[name=pre_{enrolment.id}]", pre)
        page.fill(f"input[name=post_{enrolment.id}]", post)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server}/training/sessions/{ts.id}")

    rows = {name: page.locator("table.list tbody tr", has_text=name).locator("td.result").inner_text()
            for name in names}
    # The coordinator who typed the scores cannot confirm them: certificates wait for a second coordinator.
    assert rows == {"Comfort Wleh": "Meets the rules: awaiting confirmation", "Joseph Flomo": "Failed the post-test",
                    "Musu Kamara": "Absent too often"}
    # The page fits a 360-pixel phone without sideways scrolling of the whole page.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
