"""Two administrators creating the same account at the same moment."""

from sqlalchemy import func, select

from electoral.accounts import services
from electoral.accounts.models import User
from electoral.core.auth import Role
from electoral.core.errors import ValidationFailed
from electoral.extensions import db as _db
from tests.concurrency.conftest import ROUNDS


def _creator(username: str):
    def work():
        try:
            services.create_user(_db.session, username, "a long enough pass phrase 42", [Role.RESULTS_CLERK],
                                 full_name="Hawa Tarpeh")
        except ValidationFailed as refused:
            _db.session.rollback()
            return refused.errors
        _db.session.commit()
        return "created"
    return work


def test_one_username_created_twice_at_once_makes_one_account(db, race):
    for n in range(ROUNDS):
        username = f"htarpeh{n}"
        outcomes = race(_creator(username), _creator(username))
        refused = [o for o in outcomes if o != "created"]
        assert refused == [{"username": [f"The username {username} is taken."]}], outcomes
        assert db.session.scalar(select(func.count(User.id)).where(User.username == username)) == 1


def test_a_burst_of_guesses_at_once_is_counted_one_by_one(app, db, race):
    import datetime as dt

    from electoral.accounts import throttle
    from tests.factories import make_user

    make_user(username="target")
    db.session.commit()
    policies = throttle.Policies.from_config({**app.config, "SIGN_IN_FREE_FAILURES": 1})
    now = dt.datetime.now(dt.UTC)

    def guess():
        try:
            services.sign_in(_db.session, "target", "not-the-password", "192.0.2.1", policies, now)
        except services.SignInRefused as refused:
            _db.session.commit()
            return "throttled" if refused.wait_seconds is not None else "checked"
        return "signed in"

    outcomes = race(*[guess for _ in range(6)])
    # One guess is let through to the password check; the others, counted behind it, wait.
    assert sorted(outcomes) == ["checked"] + ["throttled"] * 5, outcomes
