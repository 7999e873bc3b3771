"""Finding 11: the possible-duplicate warning names only the voter number to a clerk.

A clerk scoped to one district once saw another district's voter's full name,
father's name and date of birth. The form's own values are echoed back (the clerk
typed them), so the other voter's data here differs from what is typed.
"""

from datetime import date

from electoral.core.auth import Role
from tests.factories import make_centre, make_district
from tests.registration.factories import make_election, make_voter

TYPED = {"family_name": "Kamara", "given_names": "Mohamed", "father_name": "Ibrahim", "sex": "M",
         "date_of_birth": "1990-05-14", "place_of_birth": "Kenema", "id_type": "national_id",
         "id_number": "SL-5531"}
OTHER = {"family_name": "Kamarah", "given_names": "Mohammed", "father_name": "Sheku Bangura",
         "date_of_birth": date(1990, 6, 2)}


def _setup(db, other_district: bool):
    make_election()
    home = make_centre(code="MO-01-001")
    far = make_centre(make_district(), code="KX-09-001") if other_district else home
    other = make_voter(far, sex="M", id_type="national_id", id_number="SL-5531", place_of_birth="Kenema", **OTHER)
    db.session.commit()
    return home, other


def _warning(client) -> str:
    shown = client.post_form("/registration/register", {**TYPED, "centre_code": "MO-01-001"})
    assert shown.status_code == 409, shown.get_data(as_text=True)[:500]
    return shown.get_data(as_text=True)


def _assert_no_personal_data(page: str) -> None:
    for value in ("Mohammed", "Kamarah", "Sheku", "Bangura", "1990-06-02"):
        assert value not in page, value


def test_clerk_sees_only_the_number_of_another_districts_voter(client, db, login_as):
    home, other = _setup(db, other_district=True)
    login_as(Role.REGISTRATION_CLERK, scope=home.district)
    page = _warning(client)
    assert other.voter_number in page
    assert "supervisor will review" in page
    _assert_no_personal_data(page)
    # No link to a page the clerk may not open either.
    assert f"/registration/voters/{other.voter_number}" not in page


def test_clerk_sees_only_the_number_of_a_voter_in_their_own_district(client, db, login_as):
    home, other = _setup(db, other_district=False)
    login_as(Role.REGISTRATION_CLERK, scope=home.district)
    page = _warning(client)
    assert other.voter_number in page and "supervisor will review" in page
    _assert_no_personal_data(page)


def test_supervisor_outside_the_voters_scope_sees_only_the_number(client, db, login_as):
    home, other = _setup(db, other_district=True)
    login_as(Role.REGISTRATION_CLERK, Role.REGISTRATION_SUPERVISOR, scope=home.district)
    page = _warning(client)
    assert other.voter_number in page
    _assert_no_personal_data(page)


def test_supervisor_in_scope_still_sees_the_details(client, db, login_as):
    home, other = _setup(db, other_district=False)
    login_as(Role.REGISTRATION_CLERK, Role.REGISTRATION_SUPERVISOR, scope=home.district)
    page = _warning(client)
    assert "Mohammed" in page and "Sheku Bangura" in page and "1990-06-02" in page
