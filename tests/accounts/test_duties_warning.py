"""The administrator is warned (not refused) when one account's roles hold both acts of a segregated pair."""

from electoral.accounts.models import User
from electoral.core.auth import Role
from tests.factories import make_user


def test_creating_a_clerk_who_is_also_supervisor_is_saved_with_a_warning(client, db, login_as):
    login_as(Role.ADMINISTRATOR)
    response = client.post_form("/users/new", {
        "username": "both", "password": "long-enough-pw", "roles": ["results_clerk", "results_supervisor"]})
    assert response.status_code == 302
    assert db.session.query(User).filter_by(username="both").one().roles == {
        Role.RESULTS_CLERK, Role.RESULTS_SUPERVISOR}
    page = client.get(response.location).get_data(as_text=True)
    assert "may do both the entry of a tally sheet and the settling the sheet&#39;s mismatch" in page


def test_the_user_page_shows_the_pairs_the_roles_make_possible(client, db, login_as):
    login_as(Role.ADMINISTRATOR)
    both = make_user(Role.REGISTRATION_CLERK, Role.REGISTRATION_SUPERVISOR)
    clerk = make_user(Role.REGISTRATION_CLERK)
    db.session.commit()
    page = client.get(f"/users/{both.id}").get_data(as_text=True)
    assert "Segregation of duties" in page
    assert "registration of a voter / deciding whether the voter is a duplicate" in page
    assert "Segregation of duties" not in client.get(f"/users/{clerk.id}").get_data(as_text=True)


def test_a_single_role_account_is_saved_without_a_warning(client, db, login_as):
    login_as(Role.ADMINISTRATOR)
    response = client.post_form("/users/new", {
        "username": "oneclerk", "password": "long-enough-pw", "roles": ["results_clerk"]})
    assert "may do both" not in client.get(response.location).get_data(as_text=True)
