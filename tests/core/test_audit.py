"""The audit trail: every change recorded with who and what, and tampering caught."""

import sqlalchemy as sa

from electoral.core.audit import Actor, acting_as, chain_pending
from electoral.core.audit_verify import verify_chain
from electoral.core.auth import Role
from electoral.core.models import AuditEntry
from electoral.geography.models import Region
from tests.factories import make_region


def _entries(db, **filters):
    return db.session.scalars(sa.select(AuditEntry).filter_by(**filters).order_by(AuditEntry.seq)).all()


def test_create_update_delete_are_recorded_with_before_and_after(db):
    with acting_as(Actor(7, "amara")):
        region = make_region(code="MO", name="Montserado")
        db.session.commit()
        region.name = "Montserrado"
        db.session.commit()
        db.session.delete(region)
        db.session.commit()
    created, updated, deleted = _entries(db, entity_type="Region")
    assert (created.action, created.after["code"], created.after["name"]) == ("create", "MO", "Montserado")
    assert (updated.before, updated.after) == ({"name": "Montserado"}, {"name": "Montserrado"})
    assert deleted.action == "delete" and deleted.before["name"] == "Montserrado"
    assert {e.username for e in (created, updated, deleted)} == {"amara"}
    assert {e.user_id for e in (created, updated, deleted)} == {7}


def test_a_rolled_back_change_leaves_no_entry(db):
    make_region(code="XX")
    db.session.rollback()
    assert _entries(db) == []


def test_web_changes_are_attributed_to_the_signed_in_user(client, db, login_as):
    admin = login_as(Role.ADMINISTRATOR, username="amara")
    response = client.post_form("/geography/region/new", {"code": "bo", "name": "Bong"})
    assert response.status_code == 302
    entry = _entries(db, entity_type="Region")[-1]
    assert (entry.username, entry.user_id, entry.after["code"]) == ("amara", admin.id, "BO")


def test_intact_chain_verifies(db, runner):
    for code in ("A", "B", "C"):
        make_region(code=code)
        db.session.commit()
    count, problems = verify_chain(db.session)
    assert count == 3 and problems == []
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0
    assert "3 entries verified" in result.output


def _tamper(db, statement, **params):
    db.session.commit()  # end the test's snapshot, before and after the forger writes
    with db.engine.begin() as connection:
        connection.execute(sa.text(statement), params)
    db.session.commit()


def test_altered_entry_is_caught_by_the_command(db, runner):
    for code in ("A", "B", "C"):
        make_region(code=code, name=f"Region {code}")
        db.session.commit()
    second = _entries(db)[1]
    # Someone edits the stored JSON straight in the database.
    _tamper(db, "UPDATE audit_entry SET after = :after WHERE id = :id",
            after='{"code": "B", "id": 2, "name": "Forged"}', id=second.id)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"entry #{second.seq}" in result.output
    assert "altered" in result.output


def test_removed_entry_is_caught(db):
    for code in ("A", "B", "C", "D"):
        make_region(code=code)
        db.session.commit()
    third = _entries(db)[2]
    _tamper(db, "DELETE FROM audit_entry WHERE id = :id", id=third.id)
    _count, problems = verify_chain(db.session)
    assert [(p.seq, "missing" in p.message) for p in problems] == [(4, True)]


def test_entry_recomputed_after_alteration_is_caught_at_the_next_link(db):
    from electoral.core.audit_hash import entry_hash

    for code in ("A", "B", "C"):
        make_region(code=code)
        db.session.commit()
    first = _entries(db)[0]
    # A careful forger recomputes the altered entry's own hash...
    fields = {c: getattr(first, c) for c in ("seq", "created_at", "user_id", "username", "action",
                                             "entity_type", "entity_id", "before", "after", "prev_hash")}
    fields["username"] = "someone-else"
    _tamper(db, "UPDATE audit_entry SET username = 'someone-else', hash = :h WHERE id = :id",
            h=entry_hash(fields), id=first.id)
    _count, problems = verify_chain(db.session)
    # ...but the next entry still points to the original hash.
    assert [p.seq for p in problems] == [2]


def test_inserted_entry_is_caught(db):
    for code in ("A", "B"):
        make_region(code=code)
        db.session.commit()
    last = _entries(db)[-1]
    _tamper(db, "INSERT INTO audit_entry (seq, created_at, user_id, username, action, entity_type, entity_id, "
                "before, after, prev_hash, hash) VALUES (:seq, :at, NULL, 'x', 'create', 'Region', '99', NULL, "
                "NULL, :prev, :hash)", seq=last.seq + 1, at=last.created_at, prev="f" * 64, hash="e" * 64)
    _count, problems = verify_chain(db.session)
    assert {p.seq for p in problems} == {last.seq + 1}
    assert {("altered" in p.message) or ("chain" in p.message) for p in problems} == {True}


def test_passwords_never_reach_the_trail(db):
    from electoral.accounts import services

    user = services.create_user(db.session, "fatu", "a-long-password", [Role.OBSERVER])
    db.session.commit()
    services.set_password(user, "another-long-password")
    db.session.commit()
    stored = " ".join(str(e.before) + str(e.after) for e in _entries(db))
    assert "argon2" not in stored and "a-long-password" not in stored


def test_administrator_filters_the_trail(client, db, login_as):
    login_as(Role.ADMINISTRATOR, username="amara")
    make_region(code="GB", name="Grand Bassa")
    db.session.add(Region(code="LO", name="Lofa"))
    db.session.commit()
    page = client.get("/audit?entity_type=Region&action=create").get_data(as_text=True)
    assert "Grand Bassa" in page and "Lofa" in page
    page = client.get("/audit?entity_type=User").get_data(as_text=True)
    assert "Grand Bassa" not in page


def test_verify_button_reports_an_intact_trail(client, db, login_as):
    login_as(Role.ADMINISTRATOR)
    page = client.post_form("/audit/verify", follow_redirects=True).get_data(as_text=True)
    assert "are intact" in page


def test_changes_undone_by_a_savepoint_leave_no_entry(db):
    make_region(code="KEPT")
    savepoint = db.session.begin_nested()
    make_region(code="UNDONE")
    savepoint.rollback()
    db.session.commit()
    assert [e.after["code"] for e in _entries(db, entity_type="Region")] == ["KEPT"]


def test_entries_are_chained_at_commit_in_the_order_of_the_changes(db):
    make_region(code="FIRST")
    make_region(code="SECOND")
    # Written at once, sealed, in the same transaction, but chained only at the commit.
    assert [(e.seq, e.prev_hash, len(e.hash)) for e in _entries(db)] == [(None, None, 64), (None, None, 64)]
    db.session.commit()
    assert [e.after["code"] for e in _entries(db)] == ["FIRST", "SECOND"]
    assert verify_chain(db.session)[1] == []


def test_an_entry_written_outside_the_application_is_reported(db):
    make_region(code="A")
    db.session.commit()
    _tamper(db, "INSERT INTO audit_entry (created_at, username, action, entity_type, entity_id) "
                "VALUES (CURRENT_TIMESTAMP, 'intruder', 'delete', 'Region', '1')")
    _count, problems = verify_chain(db.session)
    assert len(problems) == 1 and "outside the chain" in problems[0].message


def test_parallel_writers_keep_one_unbroken_chain(app, db):
    import threading

    from sqlalchemy.orm import Session

    if db.engine.dialect.name != "postgresql":
        import pytest

        pytest.skip("parallel writers need PostgreSQL (SQLite serialises whole transactions)")
    errors = []
    engine = db.engine

    def writer(n: int) -> None:
        try:
            for i in range(10):
                with Session(engine) as session:
                    session.add(Region(code=f"T{n}-{i}", name="Parallel"))
                    session.commit()
        except Exception as exc:  # reported below; a thread cannot fail the test itself
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    # Writers that found the chain busy left their sealed entries waiting: sound, not yet placed.
    count, problems = verify_chain(db.session)
    waiting = db.session.scalar(sa.select(sa.func.count()).where(AuditEntry.seq.is_(None)))
    assert (count + waiting, problems) == (80, [])
    chain_pending(db.session)
    db.session.commit()
    assert verify_chain(db.session) == (80, [])


def test_a_forged_entry_is_never_adopted_into_the_chain(db):
    make_region(code="A")
    db.session.commit()
    _tamper(db, "INSERT INTO audit_entry (created_at, username, action, entity_type, entity_id, hash) "
                "VALUES (CURRENT_TIMESTAMP, 'intruder', 'delete', 'Region', '1', :hash)", hash="f" * 64)
    make_region(code="B")  # the next writer chains what is waiting, but not this
    db.session.commit()
    _count, problems = verify_chain(db.session)
    assert len(problems) == 1 and "outside the chain" in problems[0].message
    assert [e.after["code"] for e in _entries(db, entity_type="Region", action="create")] == ["A", "B"]


def test_a_writer_that_finds_the_chain_busy_leaves_its_entries_to_the_next(app, db):
    from sqlalchemy.orm import Session

    from electoral.core.audit import _CHAIN_LOCK_KEY

    if db.engine.dialect.name != "postgresql":
        import pytest

        pytest.skip("the chain's lock is PostgreSQL's; SQLite has one writer at a time")
    with db.engine.connect() as holder:
        holder.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": _CHAIN_LOCK_KEY})
        with Session(db.engine) as session:  # commits at once instead of waiting for the lock
            session.add(Region(code="BUSY", name="Written while the chain was busy"))
            session.commit()
        holder.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": _CHAIN_LOCK_KEY})
        holder.commit()
    waiting = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.seq.is_(None))).all()
    assert [e.entity_id for e in waiting] != [] and all(e.hash for e in waiting)
    make_region(code="NEXT")
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditEntry.seq.is_(None))) == 0
    assert [e.after["code"] for e in _entries(db, entity_type="Region")] == ["BUSY", "NEXT"]
    assert verify_chain(db.session) == (2, [])


def test_commits_within_the_chaining_interval_leave_their_sealed_entries_to_the_next_attempt(db, monkeypatch):
    from electoral.core import audit

    audit.configure_chaining(3600)  # as in a burst: one attempt for the whole hour
    try:
        make_region(code="FIRST")
        db.session.commit()  # the first attempt of the interval chains
        make_region(code="SECOND")
        db.session.commit()  # within the interval: left waiting, sealed
        waiting = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.seq.is_(None))).all()
        assert [e.after["code"] for e in waiting] == ["SECOND"] and len(waiting[0].hash) == 64
        assert verify_chain(db.session) == (1, [])  # the waiting entry is sound, not yet placed
        monkeypatch.setattr(audit.time, "monotonic", lambda: audit._last_chain_attempt + 7200)
        make_region(code="THIRD")
        db.session.commit()  # the interval is over: this commit chains what waited, in order
    finally:
        audit.configure_chaining(0)
    assert [e.after["code"] for e in _entries(db, entity_type="Region")] == ["FIRST", "SECOND", "THIRD"]
    assert verify_chain(db.session) == (3, [])

