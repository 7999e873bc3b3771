"""Removal reasons and objection grounds are words in the reader's language, from one place, never their codes."""

import re

from electoral.core.auth import Role
from electoral.registration import forms
from electoral.registration.models import OBJECTION_GROUNDS, REMOVAL_REASONS
from electoral.registration.services import roll
from tests.factories import make_centre, user_called
from tests.registration.factories import make_election, make_voter


def test_every_reason_and_ground_has_its_label_in_the_one_place():
    assert set(roll.REMOVAL_LABELS) == set(REMOVAL_REASONS)
    assert set(roll.GROUND_LABELS) == set(OBJECTION_GROUNDS)
    # The forms offer the same words, not a second list of their own.
    assert {value: label for value, label in forms.REMOVAL_CHOICES if value} == {
        r: roll.REMOVAL_LABELS[r] for r in roll.REMOVABLE_BY_HAND}
    assert dict(forms.GROUND_CHOICES[1:]) == roll.GROUND_LABELS


def test_removed_voter_shows_the_reason_translated_on_the_page_and_in_the_list(client, login_as, db):
    make_election()
    centre = make_centre()
    voter = make_voter(centre, family_name="Kollie", status="removed", removal_reason="deceased")
    db.session.commit()
    login_as(Role.REGISTRATION_SUPERVISOR)
    french = {"Accept-Language": "fr"}

    page = client.get(f"/registration/voters/{voter.voter_number}", headers=french).get_data(as_text=True)
    status = re.search(r"<dd>[^<]*Décès", page)
    assert status, "the removal reason is shown in French"
    listing = client.get("/registration/voters", query_string={"q": voter.voter_number},
                         headers=french).get_data(as_text=True)
    assert "Décès" in listing
    for text in (page, listing):
        assert "deceased" not in text.lower().replace("décès", "")


def test_removal_form_lists_reasons_as_words_in_french(client, login_as, db):
    make_election()
    voter = make_voter(make_centre())
    db.session.commit()
    login_as(Role.REGISTRATION_SUPERVISOR)
    page = client.get(f"/registration/voters/{voter.voter_number}",
                      headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<option value="deceased">Décès</option>' in page


def test_command_line_says_the_reason_in_words(runner, db):
    make_election()
    voter = make_voter(make_centre())
    db.session.commit()
    user_called("sup", Role.REGISTRATION_SUPERVISOR)
    db.session.commit()
    result = runner.invoke(args=["voters", "remove", voter.voter_number, "--reason", "court_order",
                                 "--note", "Ruling 12/2026", "--as", "sup"])
    assert result.exit_code == 0, result.output
    assert "removed (Court order)" in result.output
