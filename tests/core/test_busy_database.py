"""A request that waits too long for another transaction's lock is answered "busy, send it again",
saves nothing, and succeeds when sent again; other database failures stay server errors."""

import contextlib
import sqlite3

import pytest
import sqlalchemy as sa

from electoral import extensions
from electoral.core.auth import Role
from electoral.core.web import waited_too_long_for_a_lock
from electoral.observation.models import Submission
from electoral.registration.models import Voter
from tests.factories import make_centre
from tests.observation.factories import make_api_filing
from tests.registration.factories import make_election

FORM = {"family_name": "Kamara", "given_names": "Mohamed", "sex": "M", "date_of_birth": "1990-05-14",
        "place_of_birth": "Kenema", "id_type": "national_id", "id_number": "SL-5531", "centre_code": "MO-01-001"}
BUSY = "The database is busy with other work, such as a large import, and this request waited too long."


@pytest.fixture
def writer_lock(db):
    """Hold SQLite's one writer lock from another connection, as a bulk import does for its whole load;
    the application's connections give up waiting after 100 ms instead of 10 s."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's writer lock; PostgreSQL locks rows")
    patience = extensions.SQLITE_BUSY_TIMEOUT_MS

    def fresh_connections(busy_timeout_ms: int) -> None:
        extensions.SQLITE_BUSY_TIMEOUT_MS = busy_timeout_ms
        db.session.remove()
        db.engine.dispose()

    @contextlib.contextmanager
    def held():
        holder = sqlite3.connect(db.engine.url.database, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()

    fresh_connections(100)
    try:
        yield held
    finally:
        fresh_connections(patience)


@pytest.fixture
def registration_form(client, db, login_as) -> dict:
    """A clerk signed in, and a registration form filled in, CSRF token included, ready to send."""
    make_election()
    centre = make_centre(code="MO-01-001")
    db.session.commit()
    login_as(Role.REGISTRATION_CLERK, scope=centre.district)
    return {**FORM, "csrf_token": client.csrf_token()}


def test_a_registration_saved_while_an_import_holds_the_database_is_answered_busy_and_saves_nothing(
        client, db, registration_form, writer_lock):
    form = registration_form
    with writer_lock():
        response = client.post("/registration/register", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert BUSY in page and "Nothing was saved. Go back and send it again in a minute." in page
    assert db.session.query(Voter).count() == 0
    # Sent again once the lock is gone, the same form saves the voter.
    again = client.post("/registration/register", data=form, follow_redirects=True)
    voter = db.session.query(Voter).one()
    assert f"Voter {voter.voter_number} registered." in again.get_data(as_text=True)


def test_a_phone_filing_while_the_database_is_held_gets_a_json_busy_answer_and_files_when_sent_again(
        client, db, writer_lock):
    filing = make_api_filing()
    body, headers = filing["body"], filing["headers"]
    with writer_lock():
        response = client.post("/api/v1/submissions", json=body, headers=headers)
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert BUSY in response.get_json()["error"]
    assert db.session.query(Submission).count() == 0
    assert client.post("/api/v1/submissions", json=body, headers=headers).status_code == 201
    assert db.session.query(Submission).count() == 1


def test_a_busy_page_is_in_the_users_language(client, db, registration_form, writer_lock):
    with writer_lock():
        page = client.post("/registration/register", data=registration_form,
                           headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "La base de données est occupée" in page


def test_only_a_lock_wait_counts_as_busy(db):
    """A lock timeout (SQLite's busy timeout, PostgreSQL's lock_not_available) is busy; another failure is not."""
    if db.engine.dialect.name == "sqlite":
        with pytest.raises(sa.exc.OperationalError) as missing:  # SQLite's error for a missing table
            db.session.execute(sa.text("SELECT * FROM no_such_table_here"))
        db.session.rollback()
        assert not waited_too_long_for_a_lock(missing.value)
        assert waited_too_long_for_a_lock(sa.exc.OperationalError("INSERT", {}, sqlite3.OperationalError(
            "database is locked")))
        return
    # PostgreSQL: another transaction holds the table; this one gives up after 50 ms.
    with db.engine.connect() as holder, db.engine.connect() as waiter:
        holder.execute(sa.text("LOCK TABLE voter IN ACCESS EXCLUSIVE MODE"))
        waiter.execute(sa.text("SET LOCAL lock_timeout = '50ms'"))
        with pytest.raises(sa.exc.OperationalError) as waited:
            waiter.execute(sa.text("SELECT count(*) FROM voter"))
        holder.rollback()
    assert waited_too_long_for_a_lock(waited.value)
