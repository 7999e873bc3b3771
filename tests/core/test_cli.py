"""`electoral demo load` and `electoral users create`."""

import sqlalchemy as sa

from electoral.accounts.models import User
from electoral.core.auth import Role
from electoral.geography.models import District, PollingCentre, PollingStation, Region
from tests.factories import make_district, make_region


def test_demo_loads_a_realistic_election_with_a_user_per_role(runner, db):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    counts = [db.session.scalar(sa.select(sa.func.count()).select_from(m))
              for m in (Region, District, PollingCentre, PollingStation)]
    assert counts == [5, 20, 200, 600]
    assert "6000 voters" in result.output
    roles = set().union(*(u.roles for u in db.session.scalars(sa.select(User))))
    assert roles == set(Role)
    assert "demo-password-2026" in result.output


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
        assert sum(f"  {role.label}  " in line for line in lines) == 1, role
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


