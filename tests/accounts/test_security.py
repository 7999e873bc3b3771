"""HTTP hardening: cookies, headers, API throttles, password policy, session limits, server-side sign-out."""

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from electoral import config as settings
from electoral import create_app
from electoral.accounts import services
from electoral.accounts.models import User, UserSession
from electoral.accounts.views import signin as account_views
from electoral.core.auth import Role
from electoral.core.errors import ValidationFailed
from electoral.observation import services as observation
from tests.factories import PASSWORD, make_user

ROOT = Path(__file__).resolve().parents[2]


def _sign_in(client, username, password=PASSWORD):
    return client.post_form("/login", {"username": username, "password": password})


# ---- cookies and headers -----------------------------------------------------

def test_session_cookie_is_http_only_and_same_site(client, db):
    make_user(username="fatu")
    db.session.commit()
    cookie = _sign_in(client, "fatu").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain HTTP on a laptop: a Secure cookie would never come back


def test_https_switch_makes_cookies_secure(monkeypatch, tmp_path):
    monkeypatch.setenv("ELECTORAL_HTTPS", "1")
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    config = settings.from_environment(tmp_path)
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]
    assert config["PREFERRED_URL_SCHEME"] == "https"
    monkeypatch.delenv("ELECTORAL_HTTPS")
    assert not settings.from_environment(tmp_path)["SESSION_COOKIE_SECURE"]


def test_behind_a_configured_proxy_the_forwarded_scheme_and_address_are_trusted(database_url):
    app = create_app({**settings.testing_config(database_url), "PROXY_COUNT": 1, "HTTPS": True})
    seen = {}

    @app.get("/test-proxy-echo")
    def echo():
        from flask import request

        seen.update(scheme=request.scheme, address=request.remote_addr)
        return "ok"

    echo.access_public = True
    response = app.test_client().get("/test-proxy-echo", headers={
        "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
    assert seen == {"scheme": "https", "address": "203.0.113.9"}
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_without_a_proxy_forwarded_headers_are_ignored(app, client):
    response = client.get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers
    assert app.wsgi_app.__class__.__name__ != "ProxyFix"


def test_every_page_carries_the_security_headers_and_a_policy_without_inline_script(client):
    headers = client.get("/login").headers
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-store"


def test_no_template_holds_an_inline_script_or_event_handler():
    # The policy forbids them, so one would silently not run; keep scripts in static/js.
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
    handler = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
    found = []
    templates = sorted(ROOT.glob("electoral/**/templates/**/*.html"))
    assert len(templates) > 100, ROOT  # a wrong root would find nothing and pass
    for template in templates:
        text = template.read_text(encoding="utf-8")
        if inline_script.search(text) or handler.search(text) or "javascript:" in text:
            found.append(str(template.relative_to(ROOT)))
    assert found == []


# ---- JSON API throttle -------------------------------------------------------

def test_json_api_is_throttled_per_token(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3 per minute")
    first = observation.create_token(db.session, make_user(Role.OBSERVER_COORDINATOR))
    second = observation.create_token(db.session, make_user(Role.OBSERVER_COORDINATOR))
    db.session.commit()
    client = app.test_client()

    def templates(token):
        return client.get("/api/v1/templates", headers={"Authorization": f"Bearer {token}"})

    assert [templates(first).status_code for _ in range(3)] == [200, 200, 200]
    throttled = templates(first)
    assert throttled.status_code == 429 and "Too many requests" in throttled.get_json()["error"]
    assert templates(second).status_code == 200


def test_made_up_tokens_are_throttled_per_address_before_the_lookup(app, db, monkeypatch):
    import secrets

    monkeypatch.setitem(app.config, "API_BAD_TOKEN_LIMIT", "5 per minute")
    valid = observation.create_token(db.session, make_user(Role.OBSERVER_COORDINATOR))
    db.session.commit()
    client = app.test_client()

    def templates(token, address="192.0.2.7"):
        return client.get("/api/v1/templates", headers={"Authorization": f"Bearer {token}"},
                          environ_base={"REMOTE_ADDR": address})

    answers = [templates(secrets.token_urlsafe(24)).status_code for _ in range(8)]
    assert answers == [401] * 5 + [429] * 3
    # Refused before the token is looked up: from that address even a valid token waits.
    assert templates(valid).status_code == 429
    assert templates(valid, address="192.0.2.8").status_code == 200


def test_every_request_of_an_address_counts_whatever_its_token(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "API_CLIENT_RATE_LIMIT", "3 per minute")
    tokens = [observation.create_token(db.session, make_user(Role.OBSERVER_COORDINATOR)) for _ in range(4)]
    db.session.commit()
    client = app.test_client()
    answers = [client.get("/api/v1/templates", headers={"Authorization": f"Bearer {token}"}).status_code
               for token in tokens]
    assert answers == [200, 200, 200, 429]


def test_a_request_counts_once_however_many_applications_the_process_built(app, db, monkeypatch):
    # The one Limiter is shared by every application a process builds (a test worker builds
    # several): each request must still count once against each limit, not once per application.
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "4 per minute")
    for _ in range(2):
        create_app({**settings.testing_config(app.config["SQLALCHEMY_DATABASE_URI"]), "API_RATE_LIMIT": "4 per minute"})
    token = observation.create_token(db.session, make_user(Role.OBSERVER_COORDINATOR))
    db.session.commit()
    client = app.test_client()
    answers = [client.get("/api/v1/templates", headers={"Authorization": f"Bearer {token}"}).status_code
               for _ in range(5)]
    assert answers == [200, 200, 200, 200, 429]


# ---- password policy ---------------------------------------------------------

@pytest.mark.parametrize("password, message", [
    ("short-pass", "at least 12 characters"),
    ("amara.kollie", "must not be the username"),
    ("1q2w3e4r5t6y", "too common or too easy to guess"),
    ("passwordpassword", "too common or too easy to guess"),
    ("123456789012", "too common or too easy to guess"),
    ("amara.kollie2026", "too common or too easy to guess"),
])
def test_weak_passwords_are_refused_with_the_reason(password, message, app):
    with app.test_request_context():
        with pytest.raises(ValidationFailed) as refused:
            services.check_password_policy(password, "amara.kollie", "Amara Kollie")
        assert message in " ".join(str(m) for m in refused.value.errors["password"])


def test_a_long_uncommon_password_is_accepted(app, client, db):
    with app.test_request_context():
        user = services.create_user(db.session, "amara.kollie", "gravel-lantern-monsoon", [Role.RESULTS_CLERK],
                                    full_name="Amara Kollie")
    db.session.commit()
    assert user.id is not None
    assert _sign_in(client, "amara.kollie", "gravel-lantern-monsoon").status_code == 302


def test_administrator_sees_why_a_new_users_password_is_refused(client, db, login_as):
    login_as(Role.ADMINISTRATOR)
    page = client.post_form("/users/new", {"username": "hawa", "password": "qwertyuiop12",
                                           "roles": ["registration_clerk"]}).get_data(as_text=True)
    assert "too common or too easy to guess" in page
    assert db.session.scalar(sa.select(User.id).where(User.username == "hawa")) is None


# ---- session limits and sign-out everywhere ------------------------------------

@pytest.fixture
def clock(monkeypatch):
    """A clock the test moves: ``clock.now`` seconds."""
    import time

    class Clock:
        now = time.time()

    monkeypatch.setattr(account_views, "now", lambda: Clock.now)
    return Clock


def test_session_ends_after_the_idle_time(client, login_as, clock):
    login_as(Role.REGISTRATION_CLERK)
    clock.now += 29 * 60
    assert client.get("/").status_code == 200
    clock.now += 31 * 60
    response = client.get("/profile")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your session has ended" in page
    assert client.get("/").status_code == 302


def test_session_ends_after_its_lifetime_even_when_busy(client, login_as, clock):
    login_as(Role.REGISTRATION_CLERK)
    for _ in range(12 * 4):
        clock.now += 15 * 60
        assert client.get("/").status_code == 200
    clock.now += 15 * 60
    assert client.get("/").status_code == 302


def test_expired_session_answers_json_with_401(client, login_as, clock):
    login_as(Role.OBSERVER_COORDINATOR)
    clock.now += 3600
    response = client.get("/observation/dashboard/live.json", headers={"Accept": "application/json"})
    assert response.status_code == 401 and "Sign in again" in response.get_json()["error"]


def _cookie(client) -> str:
    return client.get_cookie("session").value


def _replay(app, cookie: str):
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief.get("/profile")


def test_a_cookie_copied_before_logout_opens_nothing_after_it(app, client, db):
    make_user(Role.RESULTS_SUPERVISOR, username="fatu")
    db.session.commit()
    assert _sign_in(client, "fatu").status_code == 302
    copied = _cookie(client)
    assert _replay(app, copied).status_code == 200  # the copy works while the session is open
    assert client.post_form("/logout").status_code == 302
    replayed = _replay(app, copied)
    assert replayed.status_code == 302 and "/login" in replayed.headers["Location"]
    assert db.session.scalar(sa.select(sa.func.count(UserSession.id))) == 0


def test_logout_on_one_device_leaves_the_other_signed_in(app, client, db):
    make_user(Role.RESULTS_CLERK, username="fatu")
    db.session.commit()
    phone = app.test_client()
    assert _sign_in(client, "fatu").status_code == 302
    assert _sign_in(phone, "fatu").status_code == 302
    client.post_form("/logout")
    assert client.get("/").status_code == 302
    assert phone.get("/").status_code == 200


def test_a_cookie_copied_before_a_password_change_or_deactivation_opens_nothing(app, client, db):
    user = make_user(Role.RESULTS_CLERK, username="fatu")
    db.session.commit()
    assert _sign_in(client, "fatu").status_code == 302
    copied = _cookie(client)
    response = client.post_form("/profile/password", {"pw-current_password": PASSWORD,
                                                      "pw-new_password": "gravel-lantern-monsoon",
                                                      "pw-confirm": "gravel-lantern-monsoon"})
    assert response.status_code == 302
    assert client.get("/profile").status_code == 200  # this browser stays signed in
    assert _replay(app, copied).status_code == 302
    copied = _cookie(client)
    admin = app.test_client()
    admin_user = make_user(Role.ADMINISTRATOR)
    db.session.commit()
    _sign_in(admin, admin_user.username)
    admin.post_form(f"/users/{user.id}", {"full_name": "", "roles": ["results_clerk"], "scope": ""})  # active unticked
    assert _replay(app, copied).status_code == 302


def test_a_forged_session_id_without_a_session_token_opens_nothing(app, db):
    from flask.sessions import SecureCookieSessionInterface

    user = make_user(Role.ADMINISTRATOR, username="fatu")
    db.session.commit()
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    # The old form of the cookie (user id and session version): even signed with the key, no longer enough.
    forged = serializer.dumps({"_user_id": f"{user.id}:1", "_fresh": True, "signed_in_at": 9e12, "seen_at": 9e12})
    assert _replay(app, forged).status_code == 302


def test_sign_out_everywhere_ends_every_session_of_the_user(app, client, db):
    make_user(Role.RESULTS_CLERK, username="fatu")
    db.session.commit()
    phone = app.test_client()
    assert _sign_in(client, "fatu").status_code == 302
    assert _sign_in(phone, "fatu").status_code == 302
    assert "Sign out everywhere" in client.get("/profile").get_data(as_text=True)
    response = client.post_form("/profile/sign-out-everywhere", follow_redirects=True)
    assert "You are signed out on every device" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    assert phone.get("/").status_code == 302
    assert _sign_in(phone, "fatu").status_code == 302  # a fresh sign-in works


# ---- who may sign in ----------------------------------------------------------

def test_observer_without_an_observer_record_cannot_sign_in(client, db):
    make_user(Role.OBSERVER, username="fatu")
    db.session.commit()
    page = _sign_in(client, "fatu").get_data(as_text=True)
    assert "Your observer accreditation is not approved" in page
    assert client.get("/").status_code == 302


def test_observer_who_also_holds_another_role_signs_in_without_accreditation(client, db):
    make_user(Role.OBSERVER, Role.OBSERVER_COORDINATOR, username="fatu")
    db.session.commit()
    assert _sign_in(client, "fatu").status_code == 302


def test_sign_in_checks_run_only_after_the_password_is_right(app, client, db):
    make_user(Role.OBSERVER, username="fatu")
    db.session.commit()
    page = _sign_in(client, "fatu", "not-the-password").get_data(as_text=True)
    assert "Wrong username or password" in page and "accreditation" not in page


def test_the_demo_observer_is_accredited_and_signs_in(client, db):
    from electoral import demo
    from tests.factories import make_station

    make_station()
    make_user(Role.OBSERVER, username="observer")
    # The demo's coordinator requests the accreditation and its administrator grants it.
    make_user(Role.OBSERVER_COORDINATOR, username="coordinator"), make_user(Role.ADMINISTRATOR, username="admin")
    demo._accredit_demo_observer(db.session)
    db.session.commit()
    assert client.post_form("/login", {"username": "observer", "password": PASSWORD}).status_code == 302


def test_an_expired_cookie_does_not_stop_a_valid_api_token(client, db, login_as, clock):
    user = login_as(Role.OBSERVER_COORDINATOR)
    token = observation.create_token(db.session, user)
    db.session.commit()
    clock.now += 3600
    assert client.get("/api/v1/templates", headers={"Authorization": f"Bearer {token}"}).status_code == 200
