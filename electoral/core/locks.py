"""Transaction-scoped advisory locks: serialise a check and the write that depends on it."""

import hashlib

from sqlalchemy import func, select
from sqlalchemy.orm import Session


def lock_id(key: str) -> int:
    """A signed 64-bit lock id for ``key``, the same in every process."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)


def hold(session: Session, *keys: str) -> None:
    """Wait for and hold, until the transaction ends, a lock on each key.

    A check that finds no row cannot lock the row, so two transactions checking at
    once both find nothing and both write; a lock on what they would both write
    serialises them. Taken in sorted order, so two holders of shared keys never
    deadlock. PostgreSQL only: SQLite runs one write transaction at a time.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    for lock in sorted({lock_id(key) for key in keys}):
        session.execute(select(func.pg_advisory_xact_lock(lock)))


def pair_lock(first, second):
    """The SQL that waits for and holds a lock keyed by two integers (row ids, or columns of a query).

    PostgreSQL's two-integer advisory keys are a space apart from ``hold``'s: a query can take
    such a lock on the rows it reads, sparing a round trip. Two uses that happen to share a
    pair only wait for each other; they never let a check and its write interleave.
    """
    return func.pg_advisory_xact_lock(first, second)


def hold_pair(session: Session, first: int, second: int) -> None:
    """``hold`` for a two-integer key (see pair_lock). PostgreSQL only."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(pair_lock(first, second)))


def insert_once(session: Session, row, refusal: str | dict[str, list[str]]) -> None:
    """Insert ``row``; when a unique constraint refuses it (a concurrent save won), raise ValidationFailed(refusal).

    On PostgreSQL the insert runs in a savepoint, so the caller's transaction stays
    usable. pysqlite commits at RELEASE SAVEPOINT when no BEGIN preceded it, so on
    SQLite there is none: the caller rolls the whole session back on ValidationFailed,
    as views and commands do.
    """
    from sqlalchemy.exc import IntegrityError

    from electoral.core.errors import ValidationFailed

    try:
        if session.get_bind().dialect.name == "sqlite":
            session.add(row)
            session.flush()
            return
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        raise ValidationFailed(refusal) from None
