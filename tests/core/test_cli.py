"""`electoral demo load` and `electoral users create`."""

import datetime as dt

import pytest
import sqlalchemy as sa

from electoral.accounts.models import User
from electoral.core.auth import Role
from electoral.demo import DEMO_USERS
from electoral.geography.models import District, PollingCentre, PollingStation, Region
from tests.factories import make_district, make_region


@pytest.fixture(scope="module")
def _demo_loaded(demo_rows):
    """`electoral demo load` run on the empty test database, once per worker: its result and every row.

    Loading the demo costs seconds (a minute on a loaded machine); the tests that read what it
    made get its rows written back instead (milliseconds), as if each had run it. Module-scoped,
    so the module runs whole on one worker (tests/scheduling.py); the load itself is the
    worker's one (tests/conftest.py: demo_rows), which the backup and accessibility tests share.
    """
    return demo_rows


@pytest.fixture
def demo_load(db, _demo_loaded):
    """The result of `electoral demo load` on this test's (empty) database, the rows it wrote in place."""
    from tests.conftest import write_rows

    result, rows = _demo_loaded
    write_rows(rows)
    return result


def test_demo_loads_a_realistic_election_with_a_user_per_role(demo_load, db):
    result = demo_load
    assert result.exit_code == 0, result.output
    counts = [db.session.scalar(sa.select(sa.func.count()).select_from(m))
              for m in (Region, District, PollingCentre, PollingStation)]
    assert counts == [5, 20, 200, 600]
    assert "6000 voters" in result.output
    roles = set().union(*(u.roles for u in db.session.scalars(sa.select(User))))
    assert roles == set(Role)
    assert "demo-password-2026" in result.output


def test_demo_is_an_election_in_progress_made_by_the_services(demo_load, db):
    from electoral.logistics import services as logistics
    from electoral.logistics.models import Consignment, Discrepancy
    from electoral.observation import services as observation
    from electoral.observation.models import Submission
    from electoral.observation.sms.models import SmsMessage
    from electoral.registration.models import RollCase
    from electoral.registration.services import election
    from electoral.results.models import Race, TallySheet
    from electoral.training.models import Certificate, TrainingSession

    assert demo_load.exit_code == 0
    session = db.session
    states = dict(session.execute(sa.select(TallySheet.state, sa.func.count()).group_by(TallySheet.state)).all())
    assert {"accepted", "first_entry", "in_correction", "quarantined"} <= set(states)
    assert session.scalar(sa.select(sa.func.count()).select_from(Race)) == 2
    clerks = session.scalars(sa.select(User)).all()
    assert sum(Role.RESULTS_CLERK in u.roles for u in clerks) == 2
    # Enough sampled stations reported for the quick count to estimate every candidate.
    assert {e.name for e in observation.estimates(session)} >= {"turnout", "C1", "C2", "C3"}
    assert {c.status for c in session.scalars(sa.select(Consignment))} == {"draft", "dispatched", "received"}
    # After polling day every outbound consignment arrived; what moves now are the returns.
    assert {(c.kind, c.status) for c in session.scalars(sa.select(Consignment))} == {
        ("outbound", "received"), ("return", "dispatched"), ("return", "draft")}
    assert session.scalar(sa.select(sa.func.count()).select_from(Discrepancy).where(Discrepancy.status == "open"))
    assert [e.kind for e in logistics.history(session, "SL-999999")] == ["received", "discrepancy"]
    assert session.scalar(sa.select(sa.func.count()).select_from(TrainingSession)) == 3
    assert session.scalar(sa.select(sa.func.count()).select_from(Certificate)) > 0
    # Polling day + 1: polling day was yesterday, registration and exhibition are over.
    settings = election.current(session)
    assert settings.polling_day == dt.date.today() - dt.timedelta(days=1)
    assert settings.exhibition_end < settings.polling_day
    assert not election.in_exhibition(session) and election.registration_closed(session)
    # Lodged during the exhibition (the service checked each day); two decided, one left for the supervisor.
    cases = session.scalars(sa.select(RollCase)).all()
    assert sorted(c.status for c in cases) == ["open", "upheld", "upheld"]
    assert not settings.roll_frozen_at
    assert not session.scalar(sa.select(sa.func.count()).select_from(TrainingSession)
                              .where(TrainingSession.start_date > settings.polling_day))
    assert {m.status for m in session.scalars(sa.select(SmsMessage))} == {"processed", "rejected"}
    # One filing synced from a phone that was offline on polling day: filed yesterday, received today, late.
    late = [s for s in session.scalars(sa.select(Submission))
            if observation.clock_gap(s.submitted_at, s.received_at) == "late"]
    assert [s.submitted_at.date() for s in late] == [settings.polling_day]


def test_demo_refuses_a_database_that_holds_data(runner, db):
    make_region()
    db.session.commit()
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 1
    assert "already holds data" in result.output
    assert runner.invoke(args=["demo", "load", "--if-empty"]).exit_code == 0


def test_demo_users_prints_each_role_once_with_the_password(runner):
    result = runner.invoke(args=["demo", "users"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["Username", "Name", "Role", "Scope"]
    for role in Role:
        holders = sum(role in roles for _name, _full, roles, _scope in DEMO_USERS)
        assert sum(f"  {role.label}  " in line for line in lines) == holders >= 1, role
    assert any(line.split()[:1] == ["clerk"] and line.rstrip().endswith("MO-01") for line in lines)
    assert "demo-password-2026" in lines[-1]


def test_users_create_reads_the_password_from_the_environment(runner, db, monkeypatch):
    make_district(code="MO-01")
    db.session.commit()
    monkeypatch.setenv("ELECTORAL_PASSWORD", "a-strong-password")
    result = runner.invoke(args=["users", "create", "Fatu", "--role", "registration_clerk", "--scope", "mo-01"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.username == "fatu"))
    assert user.roles == {Role.REGISTRATION_CLERK} and user.scope.code == "MO-01"


def test_users_create_prompts_for_the_password(runner, db, monkeypatch):
    monkeypatch.delenv("ELECTORAL_PASSWORD", raising=False)
    result = runner.invoke(args=["users", "create", "amara", "--role", "administrator"],
                           input="a-strong-password\na-strong-password\n")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(User.username)) == "amara"


def test_users_create_refuses_a_weak_password_and_unknown_scope(runner, db, monkeypatch):
    monkeypatch.setenv("ELECTORAL_PASSWORD", "short")
    result = runner.invoke(args=["users", "create", "amara", "--role", "administrator"])
    assert result.exit_code == 1 and "at least 12 characters" in result.output
    monkeypatch.setenv("ELECTORAL_PASSWORD", "a-strong-password")
    result = runner.invoke(args=["users", "create", "amara", "--role", "observer", "--scope", "ZZ"])
    assert result.exit_code == 1 and "ZZ" in result.output
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_users_create_refuses_an_unknown_role(runner, db):
    result = runner.invoke(args=["users", "create", "amara", "--role", "king"])
    assert result.exit_code == 2


