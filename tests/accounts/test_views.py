"""Sign-in, sign-out, throttling, profile and the administrator's user pages."""

import re

from electoral.accounts.models import User
from electoral.core.auth import Role
from electoral.core.models import AuditEntry
from tests.factories import PASSWORD, make_district, make_user


def test_login_page_is_public_and_translated(client):
    page = client.get("/login", headers={"Accept-Language": "fr"})
    assert page.status_code == 200
    assert "Se connecter" in page.get_data(as_text=True)


def test_sign_in_with_right_password_opens_home(client, db):
    make_user(Role.REGISTRATION_CLERK, username="fatu")
    db.session.commit()
    response = client.post_form("/login", {"username": "Fatu ", "password": PASSWORD}, follow_redirects=True)
    assert response.status_code == 200
    assert "What you can do next" in response.get_data(as_text=True)


def test_home_after_sign_in_greets_once(client, db):
    make_user(Role.REGISTRATION_CLERK, username="fatu").full_name = "Fatu Sirleaf"
    db.session.commit()
    page = client.post_form("/login", {"username": "fatu", "password": PASSWORD}, follow_redirects=True)
    assert page.get_data(as_text=True).count("Welcome, Fatu Sirleaf") == 1


def test_sign_in_to_another_page_greets_there(client, db):
    make_user(Role.ADMINISTRATOR, username="amara").full_name = "Amara Kollie"
    db.session.commit()
    page = client.post_form("/login?next=/users", {"username": "amara", "password": PASSWORD, "next": "/users"},
                            follow_redirects=True)
    assert page.request.path == "/users"
    assert page.get_data(as_text=True).count("Welcome, Amara Kollie.") == 1


def test_wrong_password_is_refused_with_a_message(client, db):
    make_user(username="fatu")
    db.session.commit()
    response = client.post_form("/login", {"username": "fatu", "password": "wrong-password"})
    assert response.status_code == 200
    assert "Wrong username or password" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_deactivated_user_cannot_sign_in(client, db):
    make_user(username="gone", active=False)
    db.session.commit()
    response = client.post_form("/login", {"username": "gone", "password": PASSWORD})
    assert "Wrong username or password" in response.get_data(as_text=True)


def test_repeated_failures_are_throttled_with_a_clear_message(client, db):
    make_user(username="target")
    db.session.commit()
    for _ in range(5):
        assert client.post_form("/login", {"username": "target", "password": "guess-guess"}).status_code == 200
    blocked = client.post_form("/login", {"username": "target", "password": PASSWORD})
    assert blocked.status_code == 429
    assert "Too many failed sign-in attempts" in blocked.get_data(as_text=True)


def test_throttle_on_one_account_leaves_colleagues_alone(client, db):
    make_user(username="target")
    make_user(username="colleague")
    db.session.commit()
    for _ in range(6):
        client.post_form("/login", {"username": "target", "password": "guess-guess"})
    response = client.post_form("/login", {"username": "colleague", "password": PASSWORD})
    assert response.status_code == 302


def test_logout_ends_the_session(client, login_as):
    login_as(Role.OBSERVER)
    assert client.get("/").status_code == 200
    assert client.post_form("/logout").status_code == 302
    assert client.get("/").status_code == 302


def test_logout_needs_post_with_csrf(client, login_as):
    login_as(Role.OBSERVER)
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200


def test_open_redirect_after_login_is_refused(client, db):
    make_user(username="fatu")
    db.session.commit()
    response = client.post_form("/login?next=//evil.example/", {"username": "fatu", "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_admin_creates_user_with_roles_and_scope(client, db, login_as):
    login_as(Role.ADMINISTRATOR)
    district = make_district(code="MO-01")
    db.session.commit()
    response = client.post_form("/users/new", {
        "username": "Clerk7", "full_name": "Fatu Sirleaf", "password": "long-enough-pw",
        "roles": ["registration_clerk", "registration_supervisor"], "scope": "mo-01", "locale": "fr"})
    assert response.status_code == 302
    user = db.session.query(User).filter_by(username="clerk7").one()
    assert user.roles == {Role.REGISTRATION_CLERK, Role.REGISTRATION_SUPERVISOR}
    assert user.scope_district_id == district.id
    created = db.session.query(AuditEntry).filter_by(entity_type="User", action="create", entity_id=str(user.id)).one()
    assert created.after["password_hash"] == "***"


def _role_checkboxes(page: str) -> list[str]:
    return re.findall(r'<input[^>]*name="roles"[^>]*>', page)


def test_role_checkboxes_are_not_each_required_in_the_browser(client, db, login_as):
    admin = login_as(Role.ADMINISTRATOR)
    for url in ("/users/new", f"/users/{admin.id}"):
        boxes = _role_checkboxes(client.get(url).get_data(as_text=True))
        assert len(boxes) == len(Role)
        assert not [box for box in boxes if "required" in box]


def test_admin_creates_user_with_one_role(client, db, login_as):
    login_as(Role.ADMINISTRATOR)
    response = client.post_form("/users/new", {
        "username": "observer9", "password": "long-enough-pw", "roles": ["observer"]})
    assert response.status_code == 302
    assert db.session.query(User).filter_by(username="observer9").one().roles == {Role.OBSERVER}


def test_user_without_any_role_is_refused_beside_the_roles(client, db, login_as):
    login_as(Role.ADMINISTRATOR)
    response = client.post_form("/users/new", {"username": "nobody", "password": "long-enough-pw"})
    assert "Tick at least one role." in response.get_data(as_text=True)
    assert db.session.query(User).filter_by(username="nobody").count() == 0


def test_unknown_role_is_refused_beside_the_roles_on_create_and_edit(client, db, login_as):
    admin = login_as(Role.ADMINISTRATOR)
    for url, data in (("/users/new", {"username": "odd1", "password": "long-enough-pw",
                                      "roles": ["observer", "emperor"]}),
                      (f"/users/{admin.id}", {"roles": ["administrator", "emperor"], "active": "y"})):
        response = client.post_form(url, data)
        assert response.status_code == 200, url
        assert "not a valid choice" in response.get_data(as_text=True), url
    assert db.session.query(User).filter_by(username="odd1").count() == 0
    assert admin.roles == {Role.ADMINISTRATOR}


def test_user_form_shows_errors_beside_fields(client, db, login_as):
    login_as(Role.ADMINISTRATOR)
    response = client.post_form("/users/new", {
        "username": "x y", "password": "short", "roles": ["observer"], "scope": "NOWHERE"})
    text = response.get_data(as_text=True)
    assert "lower-case letters" in text
    assert db.session.query(User).filter_by(username="x y").count() == 0


def test_deactivating_a_user_ends_their_sessions(app, db, login_as):
    login_as(Role.ADMINISTRATOR)
    clerk = make_user(Role.REGISTRATION_CLERK, username="clerk")
    db.session.commit()
    clerk_client = app.test_client()
    assert clerk_client.post_form("/login", {"username": "clerk", "password": PASSWORD}).status_code == 302
    admin_client = app.test_client()
    admin_client.post_form("/login", {"username": make_admin(db).username, "password": PASSWORD})
    response = admin_client.post_form(f"/users/{clerk.id}", {
        "full_name": "Clerk", "roles": ["registration_clerk"], "scope": ""})
    assert response.status_code == 302
    assert clerk_client.get("/").status_code == 302


def make_admin(db):
    user = make_user(Role.ADMINISTRATOR)
    db.session.commit()
    return user


def test_admin_cannot_lock_themself_out(client, db, login_as):
    admin = login_as(Role.ADMINISTRATOR)
    response = client.post_form(f"/users/{admin.id}", {"full_name": "Me", "roles": ["observer"], "active": "y"})
    assert response.status_code == 200
    assert "cannot deactivate yourself" in response.get_data(as_text=True)


def test_non_admin_cannot_open_user_pages(client, login_as):
    login_as(Role.RESULTS_CLERK)
    assert client.get("/users").status_code == 403
    assert client.get("/users/new").status_code == 403


def test_password_change_signs_out_other_sessions(app, client, db, login_as):
    user = login_as(Role.OBSERVER)
    other = app.test_client()
    other.post_form("/login", {"username": user.username, "password": PASSWORD})
    assert other.get("/").status_code == 200
    response = client.post_form("/profile/password", {
        "pw-current_password": PASSWORD, "pw-new_password": "a-new-long-password",
        "pw-confirm": "a-new-long-password"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert other.get("/").status_code == 302


def test_language_is_kept_in_the_profile(client, db, login_as):
    user = login_as(Role.OBSERVER)
    client.post_form("/language", {"lang": "ar", "next": "/"})
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "ar"
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page


def test_observer_lands_on_my_station_after_sign_in(client, db):
    from tests.observation.factories import make_observer

    username = make_observer().user.username
    db.session.commit()
    response = client.post_form("/login", {"username": username, "password": PASSWORD})
    assert response.headers["Location"].endswith("/observation/my")

