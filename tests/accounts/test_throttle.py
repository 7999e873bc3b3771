"""Sign-in throttling: growing waits per account, per address and per both; never a lock; no account enumeration."""

import re

import pytest
import sqlalchemy as sa

from electoral.accounts import services, throttle
from electoral.accounts.models import SignInThrottle
from electoral.accounts.views import signin as account_views
from electoral.core.auth import Role
from tests.factories import PASSWORD, make_user

WRONG = "not-the-password"
TOO_MANY = "Too many failed sign-in attempts. Try again in"


@pytest.fixture
def clock(monkeypatch):
    """A clock the test moves: ``clock.now`` seconds."""

    class Clock:
        now = 1_900_000_000.0

    monkeypatch.setattr(account_views, "now", lambda: Clock.now)
    return Clock


def _attempt(app, username, password=WRONG, address="192.0.2.10"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client.post_form("/login", {"username": username, "password": password})


def _answer(response) -> tuple[int, str]:
    """The status and the error shown, which must not tell a known name from an unknown one."""
    text = response.get_data(as_text=True)
    errors = re.findall(r'class="[^"]*error[^"]*"[^>]*>([^<]+)<', text)
    return response.status_code, " | ".join(e.strip() for e in errors)


def test_failures_from_one_address_wait_longer_each_time(app, db, clock):
    make_user(username="fatu")
    db.session.commit()
    for _ in range(5):
        assert _attempt(app, "fatu").status_code == 200
    refused = _attempt(app, "fatu", PASSWORD)  # the right password is not even checked while waiting
    assert refused.status_code == 429 and f"{TOO_MANY} 5 seconds" in refused.get_data(as_text=True)
    clock.now += 5
    assert _attempt(app, "fatu").status_code == 200  # admitted, and wrong again: now 10 seconds
    assert f"{TOO_MANY} 10 seconds" in _attempt(app, "fatu").get_data(as_text=True)
    clock.now += 9
    assert f"{TOO_MANY} 1 second." in _attempt(app, "fatu").get_data(as_text=True)
    clock.now += 1
    assert _attempt(app, "fatu", PASSWORD).status_code == 302


def test_the_owner_gets_in_after_a_short_wait_whatever_strangers_do(app, db, clock):
    make_user(Role.RESULTS_SUPERVISOR, username="supervisor")
    db.session.commit()
    # Strangers from twenty addresses guess all evening, each as often as the throttle lets them.
    answers = []
    for attempt in range(40):
        answers.append(_attempt(app, "supervisor", address=f"198.51.100.{attempt % 20}").status_code)
        clock.now += 3
    assert 429 in answers
    assert db.session.scalar(sa.select(sa.func.max(SignInThrottle.failures))) >= 10
    owner = _attempt(app, "supervisor", PASSWORD, address="203.0.113.5")
    if owner.status_code == 429:
        clock.now += app.config["SIGN_IN_MAX_WAIT_SECONDS_PER_ACCOUNT"]
        owner = _attempt(app, "supervisor", PASSWORD, address="203.0.113.5")
    assert owner.status_code == 302


def test_the_owner_is_never_locked_even_from_the_strangers_address_after_their_longest_wait(app, db, clock):
    make_user(username="fatu")
    db.session.commit()
    for _ in range(15):
        _attempt(app, "fatu")
        clock.now += 60
    clock.now += app.config["SIGN_IN_MAX_WAIT_SECONDS"]
    assert _attempt(app, "fatu", PASSWORD).status_code == 302


def test_one_address_trying_many_accounts_waits(app, db, clock, monkeypatch):
    monkeypatch.setitem(app.config, "SIGN_IN_FREE_FAILURES_PER_ADDRESS", 8)
    make_user(username="fatu")
    db.session.commit()
    for number in range(app.config["SIGN_IN_FREE_FAILURES_PER_ADDRESS"]):
        assert _attempt(app, f"guess{number}").status_code == 200
    assert _attempt(app, "another-guess").status_code == 429
    assert _attempt(app, "fatu", PASSWORD).status_code == 429  # the address waits, whoever it names
    assert _attempt(app, "fatu", PASSWORD, address="192.0.2.99").status_code == 302


def test_unknown_and_existing_names_get_the_same_answers(app, db, clock):
    make_user(username="fatu")
    make_user(username="gone", active=False)
    db.session.commit()
    answers = {name: [_answer(_attempt(app, name, address=f"192.0.2.{n}")) for _ in range(6)]
               for n, name in enumerate(["fatu", "nobody", "gone"])}
    assert answers["fatu"] == answers["nobody"] == answers["gone"]
    assert [status for status, _error in answers["nobody"]] == [200] * 5 + [429]
    assert "Wrong username or password" in answers["nobody"][0][1]
    assert TOO_MANY in answers["nobody"][5][1]


def test_unknown_names_take_a_password_check_and_throttled_attempts_none(app, db, clock, monkeypatch):
    # Timing: a wrong password and an unknown name each cost one hash check; a throttled attempt none,
    # whether the name exists or not (and the throttle cannot be used to make the server hash).
    make_user(username="fatu")
    db.session.commit()
    checks = []

    class CountingHasher:
        def __init__(self, hasher):
            self.hasher = hasher

        def verify(self, *args):
            checks.append(1)
            return self.hasher.verify(*args)

        def __getattr__(self, name):
            return getattr(self.hasher, name)

    monkeypatch.setattr(services, "_hasher", CountingHasher(services._hasher))
    for name, address in (("fatu", "192.0.2.1"), ("nobody", "192.0.2.2")):
        for _ in range(5):
            _attempt(app, name, address=address)
        assert len(checks) == 5
        assert _attempt(app, name, address=address).status_code == 429
        assert len(checks) == 5
        checks.clear()


def test_a_right_password_clears_the_accounts_counters(app, db, clock):
    make_user(username="fatu")
    db.session.commit()
    for _ in range(4):
        _attempt(app, "fatu")
    assert _attempt(app, "fatu", PASSWORD).status_code == 302
    assert [_attempt(app, "fatu").status_code for _ in range(5)] == [200] * 5


def test_counters_are_forgotten_after_a_quiet_hour(app, db, clock):
    make_user(username="fatu")
    db.session.commit()
    for _ in range(8):
        _attempt(app, "fatu")
        clock.now += 1
    clock.now += app.config["SIGN_IN_FORGET_MINUTES"] * 60 + 1
    assert _attempt(app, "fatu").status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SignInThrottle)) == 3  # one per key


def test_the_waits_double_up_to_their_caps():
    policy = throttle.Policy(free_failures=5, first_wait_seconds=5, max_wait_seconds=30)
    assert [policy.wait_after(n) for n in range(4, 10)] == [0, 5, 10, 20, 30, 30]
    assert policy.wait_after(10**9) == 30


def test_the_administrator_sees_recent_failures_on_the_users_page(app, client, db, login_as, clock):
    target = make_user(username="fatu")
    db.session.commit()
    for number in range(3):
        _attempt(app, "fatu", address=f"192.0.2.{number}")
    login_as(Role.ADMINISTRATOR)
    page = client.get(f"/users/{target.id}").get_data(as_text=True)
    assert "3 failed sign-ins to this account lately" in page and "never locked" in page


def test_guessing_the_current_password_on_the_profile_is_throttled(app, client, db, login_as, clock):
    login_as(Role.RESULTS_CLERK)

    def change(current):
        return client.post_form("/profile/password", {"pw-current_password": current,
                                                      "pw-new_password": "gravel-lantern-monsoon",
                                                      "pw-confirm": "gravel-lantern-monsoon"})

    for _ in range(5):
        assert "The current password is wrong" in change(WRONG).get_data(as_text=True)
    assert TOO_MANY in change(PASSWORD).get_data(as_text=True)  # not even checked while waiting
    clock.now += 5
    assert change(PASSWORD).status_code == 302
