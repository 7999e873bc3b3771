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
