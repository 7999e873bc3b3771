"""The centre picker: suggestions as the clerk types, never outside the clerk's area, and the field wired to it."""

import re

from electoral.core.auth import Role
from tests.factories import make_centre, make_district
from tests.registration.factories import make_election


def _suggested(client, text):
    response = client.get("/geography/centres/search", query_string={"q": text})
    assert response.status_code == 200
    return {row["code"]: row["name"] for row in response.get_json()}


def test_suggestions_match_code_or_name(client, login_as, db):
    district = make_district()
    make_centre(district, code="KAN-001", name="Kanifing Primary School")
    make_centre(district, code="BAN-002", name="Banjul Market Hall")
    login_as(Role.REGISTRATION_CLERK)

    assert _suggested(client, "kanif") == {"KAN-001": "Kanifing Primary School"}
    assert _suggested(client, "ban-0") == {"BAN-002": "Banjul Market Hall"}
    assert _suggested(client, "") == {}


def test_clerk_of_one_district_never_gets_another_districts_centres(client, login_as, db):
    mine, other = make_district(), make_district()
    make_centre(mine, code="SCH-1", name="School One")
    make_centre(other, code="SCH-2", name="School Two")
    login_as(Role.REGISTRATION_CLERK, scope=mine)

    assert _suggested(client, "School") == {"SCH-1": "School One"}
    assert _suggested(client, "SCH-2") == {}


def test_suggestions_need_a_signed_in_user(client, db):
    make_centre(code="SCH-9", name="School Nine")
    response = client.get("/geography/centres/search", query_string={"q": "School"})
    assert response.status_code in (302, 401)


def test_registration_form_wires_the_centre_field_to_the_picker(client, login_as, db):
    make_election()
    login_as(Role.REGISTRATION_CLERK)
    html = client.get("/registration/register").get_data(as_text=True)

    field = re.search(r'<input[^>]*name="centre_code"[^>]*>', html).group(0)
    assert 'data-centre-search="/geography/centres/search"' in field
    assert "js/centre-picker.js" in html


def test_claim_for_inclusion_and_the_voter_search_wire_their_centre_field(client, login_as, db):
    make_election()
    login_as(Role.REGISTRATION_CLERK)
    for url, name in (("/registration/cases/inclusion", "centre_code"), ("/registration/voters", "centre")):
        html = client.get(url).get_data(as_text=True)
        field = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        assert 'data-centre-search="/geography/centres/search"' in field, url
        assert "js/centre-picker.js" in html
