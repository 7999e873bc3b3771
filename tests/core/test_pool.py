"""Pooled connections: one the server dropped while it sat idle is replaced before a request uses it."""

import pytest
import sqlalchemy as sa

from electoral import extensions


def _drop_idle_connection(db) -> int:
    """Return this session's connection to the pool, then drop every pooled one server-side, as a restart would."""
    db.session.commit()
    pid = db.session.scalar(sa.text("SELECT pg_backend_pid()"))
    db.session.commit()
    db.session.close()
    killer_engine = sa.create_engine(db.engine.url, poolclass=sa.pool.NullPool)
    with killer_engine.connect().execution_options(isolation_level="AUTOCOMMIT") as killer:
        killer.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                               "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
    killer_engine.dispose()
    return pid


@pytest.fixture
def postgresql(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs a server that can drop a connection (PostgreSQL)")
    yield db
    db.session.remove()
    db.engine.dispose()  # no dropped connection left in the pool for the tests that follow


def test_a_connection_dropped_while_idle_is_replaced_before_use(postgresql, monkeypatch):
    db = postgresql
    dropped = _drop_idle_connection(db)
    monkeypatch.setattr(extensions, "PING_AFTER_IDLE_SECONDS", 0.0)  # it has been idle long enough
    assert db.session.scalar(sa.text("SELECT pg_backend_pid()")) != dropped


def test_a_connection_in_steady_use_is_used_without_a_ping(postgresql, monkeypatch):
    db = postgresql
    dropped = _drop_idle_connection(db)
    monkeypatch.setattr(extensions, "PING_AFTER_IDLE_SECONDS", 3600.0)  # used a moment ago: no ping
    with pytest.raises(sa.exc.OperationalError):
        db.session.scalar(sa.text("SELECT 1"))  # so the loss shows at first use...
    db.session.rollback()
    assert db.session.scalar(sa.text("SELECT pg_backend_pid()")) != dropped  # ...and the pool replaces it
