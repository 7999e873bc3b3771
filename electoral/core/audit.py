"""The audit trail: who changed what, written in the same transaction, hash-chained.

Every flush that creates, updates or deletes an ``Audited`` record appends one
entry per record. Each entry's hash covers its own content and the hash of the
entry before it, so altering, inserting or removing an entry breaks the chain,
and ``verify_chain`` names where.

An entry is written *sealed* (an HMAC of its content under a key derived from
the application's secret) and takes its place in the chain at a commit: its own
transaction's if the chain's lock is free, otherwise the next writer's, the
minute sweep's, or the verify command's. Writers thus never queue behind one
another's commits on polling day, and an entry slipped into the table by hand,
which cannot carry a valid seal, is never adopted into the chain.
"""

import contextvars
import hmac
import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, event, insert, inspect, select, text, update
from sqlalchemy.orm import Mapper, Session

from electoral.core.audit_hash import GENESIS, entry_hash, jsonable, seal
from electoral.core.audit_hash import (
    configure_seal as configure_seal,  # create_app configures it through audit
)
from electoral.core.models import Audited, AuditEntry, utcnow

# Arbitrary constant: the PostgreSQL advisory lock that serialises chain appends.
_CHAIN_LOCK_KEY = 4_711_2024


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str


SYSTEM = Actor(None, "system")
_actor: contextvars.ContextVar[Actor] = contextvars.ContextVar("audit_actor", default=SYSTEM)


def current_actor() -> Actor:
    return _actor.get()


def set_actor(actor: Actor) -> contextvars.Token:
    return _actor.set(actor)


@contextmanager
def acting_as(actor: Actor) -> Iterator[None]:
    """Attribute the changes made inside the block to ``actor`` (CLI, jobs, tests)."""
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


# At most one attempt to chain at commit per process in this many seconds: in a burst the
# entries of many requests are chained by one UPDATE instead of three round trips each, and a
# quiet system still chains every commit's entries at once. See configure_chaining.
_chain_interval = 1.0
_last_chain_attempt = -math.inf


def configure_chaining(interval: float) -> None:
    """Seconds between two attempts of one process to chain at commit (AUDIT_CHAIN_INTERVAL; 0: every commit)."""
    global _chain_interval, _last_chain_attempt
    _chain_interval, _last_chain_attempt = interval, -math.inf


def _chain_due() -> bool:
    global _last_chain_attempt
    now = time.monotonic()
    if now - _last_chain_attempt < _chain_interval:
        return False
    _last_chain_attempt = now
    return True


def _column_values(obj: Audited) -> dict[str, Any]:
    state = inspect(obj)
    values = {}
    for attr in state.mapper.column_attrs:
        value = state.dict.get(attr.key)
        if attr.key in obj.__audit_secret__:
            value = "***" if value is not None else None
        values[attr.key] = jsonable(value)
    return values


def _changes(obj: Audited) -> tuple[dict[str, Any], dict[str, Any]]:
    state = inspect(obj)
    # Only an attribute changed since the load holds an old value there (a set, or a mutable
    # value flagged as modified); the others have no history to read.
    changed = state.committed_state
    before, after = {}, {}
    for attr in state.mapper.column_attrs:
        if attr.key not in changed:
            continue
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if attr.key in obj.__audit_secret__:
            old, new = "***", "*** (changed)"
        elif jsonable(old) == jsonable(new):
            continue
        before[attr.key] = jsonable(old)
        after[attr.key] = jsonable(new)
    return before, after


def _entity_id(obj: Audited) -> str:
    # After the INSERT the key is on the instance, though not yet in the identity map.
    key = inspect(obj).mapper.primary_key_from_instance(obj)
    return ",".join(str(part) for part in key)


def _pending_entries(session: Session) -> list[dict[str, Any]]:
    rows = []
    for obj in session.new:
        if isinstance(obj, Audited):
            rows.append(("create", obj, None, _column_values(obj)))
    for obj in session.dirty:
        if isinstance(obj, Audited) and session.is_modified(obj, include_collections=False):
            before, after = _changes(obj)
            if after:
                rows.append(("update", obj, before, after))
    for obj in session.deleted:
        if isinstance(obj, Audited):
            rows.append(("delete", obj, _column_values(obj), None))
    return [
        {
            "action": action,
            "entity_type": type(obj).__name__,
            "entity_id": _entity_id(obj),
            "before": before,
            "after": after,
        }
        for action, obj, before, after in rows
    ]


def _lock_chain(connection) -> tuple[int, str]:
    """Take the chain's lock (PostgreSQL) and return the last chained seq and hash."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK_KEY})
    last = connection.execute(
        select(AuditEntry.seq, AuditEntry.hash)
        .where(AuditEntry.seq.is_not(None)).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    return (last.seq, last.hash) if last else (0, GENESIS)


def _entry_rows(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    actor = current_actor()
    now = utcnow()
    return [{"created_at": now, "user_id": actor.user_id, "username": actor.username, **entry}
            for entry in entries]


def append_entries(session: Session, entries: list[dict[str, Any]]) -> None:
    """Append entries (action, entity_type, entity_id, before, after) to the chain at once.

    Bulk operations that bypass the ORM (large imports) call this directly so
    their rows are audited in the same transaction as well.
    """
    if not entries:
        return
    connection = session.connection()
    seq, prev_hash = _lock_chain(connection)
    rows = _entry_rows(entries)
    for row in rows:
        seq += 1
        row.update(seq=seq, prev_hash=prev_hash)
        row["hash"] = prev_hash = entry_hash(row)
    connection.execute(insert(AuditEntry), rows)


def record_export(session: Session, what: str, name: str, details: dict[str, Any]) -> None:
    """Note in the trail that the current actor exported personal data (``what``: the kind, ``name``: the file)."""
    append_entries(session, [{"action": "export", "entity_type": what, "entity_id": name[:60],
                              "before": None, "after": jsonable(details)}])


# ORM changes are written at each flush (the only moment the old values are
# known), sealed but unchained, and chained just before the commit if the
# chain's lock is free. On PostgreSQL the lock is held until the commit is on
# disk, so waiting for it would queue every writer behind every other's commit;
# a writer that finds it taken leaves its entries to the next one that gets it.
# Rows of a rolled-back transaction or savepoint vanish with it.
_UNCHAINED = "audit_unchained"


def _record_unchained(session: Session, entries: list[dict[str, Any]]) -> None:
    if entries:
        rows = _entry_rows(entries)
        for row in rows:
            row.update(seq=None, prev_hash=None)
            row["hash"] = seal(row)
        session.connection().execute(insert(AuditEntry), rows)
        session.info[_UNCHAINED] = True


_ENTRY_COLUMNS = ("id", "seq", "created_at", "user_id", "username", "action", "entity_type", "entity_id",
                  "before", "after", "prev_hash", "hash")
# The lock, the chain's head and this transaction's unchained entries, sent as one simple-query
# batch: each statement has its own snapshot, so the reads see every entry committed before the
# lock was granted, and the time the lock is held (every writer on polling day waits for it) is
# one round trip shorter.
_LOCK_AND_READ = (
    "SELECT pg_advisory_xact_lock(LOCK_KEY); "
    "SELECT seq, hash FROM audit_entry WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1; "
    "SELECT id, seq, created_at, user_id, username, action, entity_type, entity_id, before, after, prev_hash, hash "
    "FROM audit_entry WHERE seq IS NULL ORDER BY id"
).replace("LOCK_KEY", str(int(_CHAIN_LOCK_KEY)))


def _lock_and_read_postgresql(connection) -> tuple[int, str, list[dict[str, Any]]]:
    """Take the chain's lock, then read its head and this transaction's unchained entries, in one round trip."""
    cursor = connection.connection.cursor()
    try:
        cursor.execute(_LOCK_AND_READ)
        cursor.nextset()
        last = cursor.fetchone()
        cursor.nextset()
        rows = [dict(zip(_ENTRY_COLUMNS, row, strict=True)) for row in cursor.fetchall()]
    finally:
        cursor.close()
    seq, prev_hash = last if last else (0, GENESIS)
    return seq, prev_hash, rows


_TRY_LOCK = f"SELECT pg_try_advisory_xact_lock({int(_CHAIN_LOCK_KEY)})"


def _chain_unchained(session: Session, wait: bool = True) -> None:
    """Give every sealed entry not yet in the chain its place; without ``wait``, only if the lock is free."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        if not wait and not connection.exec_driver_sql(_TRY_LOCK).scalar():
            return  # another writer is chaining; it or the next one takes these entries too
        seq, prev_hash, rows = _lock_and_read_postgresql(connection)
    else:
        seq, prev_hash = _lock_chain(connection)
        # Other transactions' unchained rows are not committed, hence not visible here.
        rows = connection.execute(
            select(AuditEntry.__table__).where(AuditEntry.seq.is_(None)).order_by(AuditEntry.id)
        ).mappings().all()
    updates = []
    for row in rows:
        if not hmac.compare_digest(row["hash"] or "", seal(row)):
            continue  # not written by the application: left outside, where verify_chain reports it
        seq += 1
        fields = {**row, "seq": seq, "prev_hash": prev_hash}
        prev_hash = entry_hash(fields)
        updates.append({"row_id": row["id"], "new_seq": seq, "new_prev": fields["prev_hash"],
                        "new_hash": prev_hash})
    if updates and connection.dialect.name == "postgresql":
        _update_postgresql(connection, updates)
    elif updates:
        table = AuditEntry.__table__
        connection.execute(
            update(table).where(table.c.id == bindparam("row_id"))
            .values(seq=bindparam("new_seq"), prev_hash=bindparam("new_prev"), hash=bindparam("new_hash")),
            updates,
        )


def _update_postgresql(connection, updates: list[dict[str, Any]]) -> None:
    """Chain the entries with one UPDATE through the driver, on the same connection: done under the lock."""
    values = ", ".join(["(%s::integer, %s::integer, %s, %s)"] * len(updates))
    cursor = connection.connection.cursor()
    try:
        cursor.execute(
            "UPDATE audit_entry SET seq = v.seq, prev_hash = v.prev_hash, hash = v.hash "  # noqa: S608 (placeholders only)
            f"FROM (VALUES {values}) AS v (id, seq, prev_hash, hash) WHERE audit_entry.id = v.id",
            [value for u in updates for value in (u["row_id"], u["new_seq"], u["new_prev"], u["new_hash"])])
    finally:
        cursor.close()


@event.listens_for(Mapper, "mapper_configured")
def _keep_old_values(mapper: Mapper, cls) -> None:
    # Load the old value when an expired attribute is set, so an update's
    # "before" is the value it replaced and not just "unknown".
    if issubclass(cls, Audited):
        for attr in mapper.column_attrs:
            event.listen(getattr(cls, attr.key), "set", _ignore_set, active_history=True)


def _ignore_set(target, value, oldvalue, initiator):
    return value


@event.listens_for(Session, "before_flush")
def _load_deleted(session: Session, flush_context, instances) -> None:
    # A deleted record may have been expired by an earlier commit: load its
    # values now, so the trail keeps what was removed.
    for obj in session.deleted:
        if isinstance(obj, Audited):
            for attr in inspect(obj).mapper.column_attrs:
                getattr(obj, attr.key)


@event.listens_for(Session, "after_flush")
def _audit_after_flush(session: Session, flush_context) -> None:
    _record_unchained(session, _pending_entries(session))


@event.listens_for(Session, "before_commit")
def _chain_before_commit(session: Session) -> None:
    session.flush()  # the last changes, so their entries are written too
    if session.info.pop(_UNCHAINED, False) and _chain_due():
        _chain_unchained(session, wait=False)


def chain_pending(session: Session) -> None:
    """Chain the sealed entries other writers left waiting (the minute sweep, the verify command, backup).

    Waits for the chain's lock and holds it until the caller's transaction ends: commit soon.
    """
    _chain_unchained(session, wait=True)


@event.listens_for(Session, "after_rollback")
def _forget_unchained(session: Session) -> None:
    session.info.pop(_UNCHAINED, None)
