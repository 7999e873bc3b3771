"""A clerk registers a person already on the roll in Arabic script, sees the match, saves it for the supervisor."""

from datetime import date

import pytest

from electoral.core.auth import Role
from electoral.registration.models import DuplicatePair
from tests.factories import PASSWORD, make_centre, make_user
from tests.registration.factories import make_election, make_voter

pytestmark = pytest.mark.browser


def test_clerk_saves_a_possible_duplicate_to_the_queue(db, live_server, page):
    make_election()
    centre = make_centre(code="MO-01-001")
    first = make_voter(centre, family_name="كمارا", given_names="محمد", father_name="إبراهيم", sex="M",
                       date_of_birth=date(1990, 5, 14), id_number="SL-5531", place_of_birth="Kenema")
    make_user(Role.REGISTRATION_CLERK, username="fatu", scope=centre)
    db.session.commit()

    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", "fatu")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server}/")

    page.click("text=Register a voter")
    page.wait_for_url(f"{live_server}/registration/register")
    assert page.input_value("input[name=centre_code]") == "MO-01-001"
    page.fill("input[name=family_name]", "Kamara")
    page.fill("input[name=given_names]", "Mohamed")
    page.fill("input[name=father_name]", "Ibrahim")
    page.select_option("select[name=sex]", "M")
    page.fill("input[name=date_of_birth]", "1990")
    page.fill("input[name=place_of_birth]", "Kenema")
    page.select_option("select[name=id_type]", "birth_certificate")
    page.fill("input[name=id_number]", "BC-778")
    page.click("main button[type=submit]")

    matches = page.locator("table.matches tbody tr")
    matches.first.wait_for()
    text = matches.first.inner_text()
    assert first.voter_number in text
    # A clerk is told the number and that a supervisor reviews, never the other person's data.
    assert "supervisor will review" in text and "كمارا" not in text

    page.click("button[name=save_as_duplicate]")
    page.wait_for_url(f"{live_server}/registration/voters/*")
    assert "saved as a possible duplicate" in page.inner_text(".flashes")
    db.session.expire_all()
    db.session.commit()  # end the test's snapshot: read what the browser's requests saved
    assert db.session.query(DuplicatePair).filter_by(status="open").count() == 1
