"""Deciding a pair reached from a voter's page keeps the adjudication rules: duties apart, clerks cannot decide."""

import re
from html import unescape

from electoral.core.auth import Role
from electoral.registration.models import DuplicatePair, Voter
from tests.registration.factories import make_election, make_voter


def _pair(registered_by="clerk"):
    make_election()
    a = make_voter(family_name="Kamara", given_names="Mohamed", sex="M", id_number="Z1")
    b = make_voter(family_name="Kamara", given_names="Mohammed", sex="M", id_number="Z1")
    b.registered_by = registered_by
    pair = DuplicatePair(voter_a_id=a.id, voter_b_id=b.id, score=90, reasons=[["same_id", {}]])
    return a, b, pair


def test_supervisor_who_registered_one_record_is_refused_and_stays_on_the_voters_page(client, db, login_as):
    a, b, pair = _pair(registered_by="sup-who-registered")
    db.session.add(pair)
    db.session.commit()
    login_as(Role.REGISTRATION_SUPERVISOR, username="sup-who-registered")
    voter_page = client.get(f"/registration/voters/{a.voter_number}").get_data(as_text=True)
    link = unescape(re.search(r'href="([^"]+)">Compare and decide</a>', voter_page).group(1))
    pair_page = client.get(link).get_data(as_text=True)
    action = unescape(re.search(r'<form method="post" action="(/registration/duplicates/[^"]+)"', pair_page).group(1))

    response = client.post_form(action, {"decision": "keep_a"})
    assert response.headers["Location"].endswith(f"/registration/voters/{a.voter_number}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "a different supervisor must decide the pair" in unescape(page)
    db.session.expire_all()
    assert db.session.get(DuplicatePair, pair.id).status == "open"
    assert db.session.get(Voter, b.id).status != "removed"


def test_clerk_sees_no_decision_on_the_voters_page_and_cannot_post_one(client, db, login_as):
    a, b, pair = _pair()
    db.session.add(pair)
    db.session.commit()
    login_as(Role.REGISTRATION_CLERK)
    page = client.get(f"/registration/voters/{a.voter_number}").get_data(as_text=True)
    assert "Compare and decide" not in page
    back = f"/registration/voters/{a.voter_number}"
    assert client.post_form(f"/registration/duplicates/{pair.id}?next={back}",
                            {"decision": "keep_a"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(DuplicatePair, pair.id).status == "open"
