"""The duplicate queue as a compact table, a pair side by side, and a decision from a voter's page."""

import re
from html import unescape

from electoral.core.auth import Role
from electoral.registration.models import DuplicatePair, Voter
from tests.registration.factories import make_election, make_voter


def _pair():
    make_election()
    a = make_voter(family_name="Kamara", given_names="Mohamed", sex="M", id_number="Z1")
    b = make_voter(family_name="Kamara", given_names="Mohammed", sex="M", id_number="Z1")
    pair = DuplicatePair(voter_a_id=a.id, voter_b_id=b.id, score=90, reasons=[["same_id", {}]])
    return a, b, pair


def test_queue_is_one_table_row_per_pair_with_a_labelled_decision(client, db, login_as):
    a, b, pair = _pair()
    db.session.add(pair)
    db.session.commit()
    login_as(Role.REGISTRATION_SUPERVISOR)
    page = client.get("/registration/duplicates").get_data(as_text=True)
    row = re.search(rf'<tr id="pair-{pair.id}">(.*?)</tr>', page, re.S).group(1)
    assert a.voter_number in row and b.voter_number in row and "same ID number" in row
    assert f'aria-label="Decision on {a.voter_number} and {b.voter_number}"' in row
    assert f"/registration/duplicates/{pair.id}?next=" in row
    assert 'class="card pair"' not in page


def test_pair_page_shows_the_two_records_side_by_side_marking_what_differs(client, db, login_as):
    a, b, pair = _pair()
    db.session.add(pair)
    db.session.commit()
    login_as(Role.REGISTRATION_SUPERVISOR)
    page = client.get(f"/registration/duplicates/{pair.id}").get_data(as_text=True)
    differs = {label: bool(mark) for mark, label in
               re.findall(r'<tr( class="differs")?>\s*<th scope="row">([^<]+)</th>', page)}
    assert differs["Name"] and not differs["Evidence"] and not differs["Sex"]
    assert "Mohamed Kamara" in page and "Mohammed Kamara" in page


def test_supervisor_decides_a_pair_from_the_voters_page_and_returns_there(client, db, login_as):
    a, b, pair = _pair()
    db.session.add(pair)
    db.session.commit()
    login_as(Role.REGISTRATION_SUPERVISOR)
    voter_page = client.get(f"/registration/voters/{a.voter_number}").get_data(as_text=True)
    link = unescape(re.search(r'href="([^"]+)">Compare and decide</a>', voter_page).group(1))
    pair_page = client.get(link).get_data(as_text=True)
    action = unescape(re.search(r'<form method="post" action="(/registration/duplicates/[^"]+)"', pair_page).group(1))
    response = client.post_form(action, {"decision": "keep_a"})
    assert response.headers["Location"].endswith(f"/registration/voters/{a.voter_number}")
    db.session.expire_all()
    assert db.session.get(Voter, b.id).removal_reason == "duplicate"
    assert db.session.get(DuplicatePair, pair.id).status == "duplicate"


def test_pair_page_without_a_choice_stays_on_the_pair(client, db, login_as):
    a, b, pair = _pair()
    db.session.add(pair)
    db.session.commit()
    login_as(Role.REGISTRATION_SUPERVISOR)
    back = f"/registration/voters/{a.voter_number}"
    response = client.post_form(f"/registration/duplicates/{pair.id}?next={back}", {"decision": ""})
    assert f"/registration/duplicates/{pair.id}?next=" in response.headers["Location"]
    assert "Choose a decision." in client.get(response.headers["Location"]).get_data(as_text=True)
