"""Races on real parallel connections: threads released together by a barrier.

Each worker runs in a thread of its own with its own application context, so
its own database session and connection, as two gunicorn workers would. SQLite
serialises whole write transactions, so these races only mean something on
PostgreSQL; elsewhere every test here is skipped.
"""

import threading
from collections.abc import Callable
from typing import Any

import pytest

from electoral.core.audit import Actor, acting_as
from electoral.extensions import db as _db

# Each race is run this many times on fresh rows: one lucky interleaving proves nothing.
ROUNDS = 8


@pytest.fixture(autouse=True)
def _postgresql_only(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrency tests need PostgreSQL (set ELECTORAL_TEST_DATABASE_URL); "
                    "SQLite serialises whole write transactions, so no race can happen")


class Race:
    """Run callables at the same moment, each in its own thread, context and session."""

    def __init__(self, app):
        self.app = app

    def __call__(self, *workers: Callable[[], Any], username: str = "race") -> list[Any]:
        """Return each worker's result, or the exception it raised, in order."""
        barrier = threading.Barrier(len(workers))
        results: list[Any] = [None] * len(workers)

        def run(index: int, work: Callable[[], Any]) -> None:
            with self.app.app_context(), acting_as(Actor(None, username)):
                try:
                    barrier.wait(timeout=30)
                    results[index] = work()
                except Exception as exc:  # returned to the test, which asserts on it
                    _db.session.rollback()
                    results[index] = exc
                finally:
                    _db.session.remove()

        threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not any(t.is_alive() for t in threads), "a worker is still waiting: deadlock?"
        return results


@pytest.fixture
def race(app, db):
    # Rows the test made must be visible to the workers' connections.
    db.session.commit()
    return Race(app)
