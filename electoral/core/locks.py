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
