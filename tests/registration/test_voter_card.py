"""Voter cards: one voter's card, no card for a possible duplicate, headed with the commission and the election."""

import pytest

from electoral.core.auth import Role
from electoral.core.errors import ValidationFailed
from electoral.reports.registry import render
from tests.factories import make_centre, make_district, make_station
from tests.registration.factories import make_election, make_voter
from tests.reports.helpers import pdf_text


def _print(name, params):
    return pdf_text(render(name, params, lang="en", roles={Role.REGISTRATION_CLERK}, printed_by="Clerk"))


@pytest.fixture
def centre(app, db):
    app.config["COMMISSION_NAME"] = "Independent Electoral Commission of Salala"
    make_election()
    centre = make_centre(code="MO-01-007", name="Salala Public School")
    make_station(centre, code="MO-01-007-02")
    return centre


def test_card_for_one_voter_holds_that_voter_only(centre, db):
    voter = make_voter(centre, family_name="Gbowee")
    other = make_voter(centre, family_name="Sirleaf")
    db.session.commit()
    text = _print("voter-card", {"voter": voter.voter_number})
    assert voter.voter_number in text and "Gbowee" in text
    assert other.voter_number not in text


def test_card_is_headed_with_the_commission_and_the_election(centre, db):
    voter = make_voter(centre)
    db.session.commit()
    text = _print("voter-card", {"voter": voter.voter_number})
    assert "Independent Electoral Commission of Salala" in text
    assert "General elections 2026" in text


def test_centre_cards_skip_voters_still_flagged_as_possible_duplicates(centre, db):
    on_roll = make_voter(centre)
    flagged = make_voter(centre, status="possible_duplicate")
    db.session.commit()
    text = _print("voter-cards", {"centre": centre.code})
    assert on_roll.voter_number in text
    assert flagged.voter_number not in text


def test_no_card_for_one_possible_duplicate(centre, db):
    flagged = make_voter(centre, status="possible_duplicate")
    db.session.commit()
    with pytest.raises(ValidationFailed, match="supervisor"):
        _print("voter-card", {"voter": flagged.voter_number})


def test_voter_page_offers_the_card_and_the_link_prints_it(client, login_as, centre, db):
    voter = make_voter(centre)
    flagged = make_voter(centre, status="possible_duplicate")
    db.session.commit()
    login_as(Role.REGISTRATION_CLERK)
    link = f"/reports/voter-card?voter={voter.voter_number}"
    assert link in client.get(f"/registration/voters/{voter.voter_number}").get_data(as_text=True)
    assert "/reports/voter-card" not in client.get(f"/registration/voters/{flagged.voter_number}").get_data(as_text=True)
    # The link fills in the voter number; printing it sends the one card.
    assert f'value="{voter.voter_number}"' in client.get(link).get_data(as_text=True)
    response = client.post_form("/reports/voter-card", {"lang": "en", "paper": "A4", "watermark": "",
                                                         "p_voter": voter.voter_number})
    assert response.mimetype == "application/pdf"
    assert voter.voter_number in pdf_text(response.data)


def test_clerk_of_another_district_cannot_print_the_card(client, login_as, centre, db):
    voter = make_voter(centre)
    db.session.commit()
    login_as(Role.REGISTRATION_CLERK, scope=make_district())
    response = client.post_form("/reports/voter-card", {"lang": "en", "paper": "A4", "watermark": "",
                                                         "p_voter": voter.voter_number})
    assert response.status_code == 403
