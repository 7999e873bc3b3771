"""Bulk import of registrations made offline: check every line, then write in batches.

Every row is checked before anything is written (see import_rows.py), so a file
with a bad line imports nothing (unless the caller asks to skip bad lines). Rows are
then written in batches, one transaction each, with a bare executemany (an ORM
object per row would cost many times the insert), voter numbers taken for the whole
batch at once, and one audit entry for the batch in the same transaction. A large
CSV file goes in one transaction instead, with the voter table's indexes built again
after the rows rather than row by row, and the rows checked in a forked process while
this one writes (``_bulk``): on SQLite a file at least the size of the roll (a first
national load, a big kit), on PostgreSQL a file into an empty roll.

A re-run of a killed import skips the rows already written, recognised by their
``import_key``, and no one is imported twice. The duplicate scan at the end compares
every row of the file, the ones written before a kill included, with the roll and
with each other, so a re-run also queues the pairs a killed run did not reach; the
queue skips pairs raised before, so scanning them again adds nothing twice.
"""

import functools
import hashlib
import marshal
import operator
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import chain, repeat

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.schema import AddConstraint, DropConstraint

from electoral.accounts.models import User
from electoral.core.audit import append_entries
from electoral.core.errors import ImportFailed, LineError, ValidationFailed
from electoral.core.forked import streamed_from_fork
from electoral.core.memory import paused_gc
from electoral.core.tabular import TabularError, lossy_slices
from electoral.registration.models import Voter
from electoral.registration.services import duplicate_scan, election, numbers
from electoral.registration.services.copy_text import copy_escaped
from electoral.registration.services.import_rows import (
    ALL_COLUMNS,
    IMPORT_KEY_LENGTH,
    ROW_COLUMNS,
    Progress,
    Rejected,
    RowChecker,
    checked_batches,
    read_rows,
)

# The voter table's columns set per batch, after the checked values (ROW_COLUMNS).
BATCH_COLUMNS = ("voter_number", "status", "registered_by", "registered_at")
# Smaller files go in batches, a commit each: a few seconds' work at most, and clerks
# registering meanwhile wait for one batch, never for the whole file (see _bulk).
BULK_FROM = 20_000
ROWS_PER_INSERT = 100  # rows a statement on SQLite (its limit: 32,766 parameters)
_ROW_KEY, _LINE_KEY = operator.itemgetter(-1), operator.itemgetter(slice(-IMPORT_KEY_LENGTH, None))


def _import_key(copy_text: bool) -> Callable:
    """The import key of a checked row: its last value, or the end of its line of COPY text."""
    return _LINE_KEY if copy_text else _ROW_KEY


@dataclass
class ImportSummary:
    rows: int = 0
    imported: int = 0
    already_imported: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    pairs_queued: int = 0
    # Every voter of the file, written now or by an earlier run: the duplicate scan's subjects.
    voter_ids: set[int] = field(default_factory=set, repr=False)


@contextmanager
def _large_sqlite_cache(session: Session):
    """On SQLite, a page cache large enough for the voter table's indexes, and fewer checkpoints, put back afterwards.

    Inserting into the voter table's indexes at a million rows thrashes SQLite's
    default 2 MiB page cache: every batch would read back the pages it touches. Each
    batch dirties pages all over the indexes; checkpointing the WAL every 4 MiB (the
    default) would copy the same pages into the database batch after batch, so the
    import lets the WAL grow to 80 MiB between checkpoints.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    # Put back on the connection they were set on: after the batches' commits the session may
    # hold another of the pool's, and this one would go back to the pool with a 512 MiB cache.
    with _sqlite_pragmas(connection.connection.driver_connection,
                         cache_size=-524288,  # 512 MiB
                         wal_autocheckpoint=20000):  # pages
        yield


@contextmanager
def _sqlite_pragmas(driver, **settings):
    """SQLite pragmas set on one driver connection for a while, each put back as it was afterwards."""
    kept = {name: driver.execute(f"PRAGMA {name}").fetchone()[0] for name in settings}
    for name, value in settings.items():
        driver.execute(f"PRAGMA {name} = {int(value)}")
    try:
        yield
    finally:
        for name, value in kept.items():
            driver.execute(f"PRAGMA {name} = {int(value)}")


# Index builds on SQLite: the sorter's memory (bounded by the page cache) and its worker threads (see _sqlite_sorted_in_threads).
SORTER_CACHE_KIB = 4096
SORTER_THREADS = 4


@contextmanager
def _sqlite_sorted_in_threads(connection):
    """On SQLite, index builds that sort in worker threads: a small page cache and ``PRAGMA threads``, put back afterwards.

    SQLite's sorter keeps in memory what the page cache may hold, and only when the
    keys outgrow it does it sort runs of them in worker threads and merge them
    (threads too): with the import's 512 MiB cache each index sorted all its keys
    in the one thread, while the checker's core sat idle. A 4 MiB cache makes runs
    that fit the processor's caches: about the same CPU in all, most of it off the
    writing thread (nine indexes at a million rows: 7.4 s in the one thread before,
    2.9 s in it and 4.5 s in the workers after). The rows written before spill from
    the smaller cache into the WAL, where the commit would write them anyway.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    with _sqlite_pragmas(connection.connection.driver_connection, cache_size=-SORTER_CACHE_KIB,
                         threads=SORTER_THREADS):
        yield


def import_voters(session: Session, data: bytes, filename: str, user: User,
                  skip_invalid: bool = False, batch_size: int = 5000,
                  progress: Progress | None = None,
                  end_batch: Callable[[], None] | None = None, scan: bool = True) -> ImportSummary:
    """Import a file of registrations made by ``user``; ``end_batch`` (the caller's commit) runs after each batch.

    A row at a centre outside ``user``'s area is a bad line. A large CSV file (on SQLite at least
    the size of the roll, on PostgreSQL into an empty roll) is loaded in bulk (see ``_bulk``): one
    transaction, ``end_batch`` called once at the end.
    """
    if election.is_frozen(session):
        raise ValidationFailed(_("The roll is frozen: new voters can no longer be registered."))
    lines = data.count(b"\n")
    if _loads_in_bulk(session, lines, filename):
        summary = _bulk(session, data, lines, filename, user, skip_invalid, batch_size, progress)
        if end_batch:
            end_batch()
    else:
        with paused_gc():
            good, bad = read_rows(session, data, filename, user=user, progress=progress, lines=lines)
        if bad and not skip_invalid:
            raise ImportFailed([LineError(r.line, r.reason) for r in bad])
        summary = ImportSummary(rows=len(good) + len(bad), rejected=bad)
        with _large_sqlite_cache(session):
            _in_batches(session, good, user.username, summary, batch_size, progress, end_batch)
    if scan:
        if progress:
            progress("scanning", 0, len(summary.voter_ids))
        summary.pairs_queued = queue_duplicates(session, summary)
        if end_batch:
            end_batch()
    return summary


def _in_batches(session: Session, good: list[tuple], registered_by: str, summary: ImportSummary,
                batch_size: int, progress: Progress | None, end_batch: Callable[[], None] | None) -> None:
    """Write the rows in batches of one transaction each (``end_batch`` commits); skip rows written before."""
    for start in range(0, len(good), batch_size):
        batch = good[start:start + batch_size]
        done = dict(session.execute(select(Voter.import_key, Voter.id).where(
            Voter.import_key.in_([values[-1] for values in batch]))).all())
        _write_new(session, batch, done, registered_by, summary)
        if progress:
            progress("writing", start + len(batch), len(good))
        if end_batch:
            end_batch()


def _loads_in_bulk(session: Session, lines: int, filename: str) -> bool:
    """Whether to load in bulk: a large CSV file, on SQLite with at least as many lines as the roll has voters,
    on PostgreSQL into an empty roll (see ``_bulk``)."""
    dialect = session.get_bind().dialect.name
    if dialect not in ("sqlite", "postgresql") or not filename.lower().endswith((".csv", ".txt")) \
            or lines < BULK_FROM:
        return False
    voters = session.scalar(select(func.count()).select_from(Voter))
    return voters <= lines if dialect == "sqlite" else voters == 0


def _bulk(session: Session, data: bytes, lines: int, filename: str, user: User, skip_invalid: bool,
          batch_size: int, progress: Progress | None) -> ImportSummary:
    """Load the file in one transaction, the voter table's indexes dropped first and built again after.

    Inserting a million rows into the voter table's eight indexes (blocking keys,
    centre, ID number, import key...) costs several times the insert itself: each row
    lands at a random place in each index. Building an index from the table sorts
    the rows once, at a fraction of that. SQLite's DDL is transactional and readers
    keep their snapshot (WAL), so no one sees the roll without its indexes: a killed
    load rolls back whole, indexes included, and a re-run starts again. PostgreSQL's
    DDL is transactional too, but dropping an index locks every reader out of the
    table until the load commits: there only a first load into an empty roll goes
    this way (readers of an empty roll wait, clerks registering meanwhile wait as
    they do for SQLite's one writer), rows by COPY; into a roll that holds voters,
    rows go in batches by COPY (see ``_write_batch``), every reader served.

    On PostgreSQL the voter table's foreign keys go with the indexes and come back
    after them, under the names the migrations gave them: each row inserted would
    otherwise run a query for each (its centre looked up and locked: about a fifth of
    the server's work at a million rows), where adding a key back checks every row
    by one join. Dropping a foreign key locks the table it refers to as well: polling
    centres and stations cannot be read either until the load commits.

    Rows are checked in a forked process while this one writes the batches already
    checked: the two take about as long, and the machine has at least two cores. A
    bad line stops the writing (unless ``skip_invalid``); the checking goes on, so
    every bad line is reported, then the transaction is rolled back.
    """
    if progress:
        # Reported before the load's one transaction begins, so that a job's page (which
        # commits the stage it is told) shows the load started and says its counts come at the end.
        progress("loading", 0, lines)
    summary, registered_by = ImportSummary(), user.username
    checker = RowChecker(session, user=user)
    checker.settle()
    # Rows an earlier run wrote: looked up once here, the roll being no larger than the file.
    done = dict(session.execute(select(Voter.import_key, Voter.id).where(Voter.import_key.is_not(None))).all())
    table = Voter.__table__
    # Names lost to the file's encoding are looked for by this process, a slice of the text a
    # batch, not by the checker: this one would otherwise wait for the checker, which has more to do.
    lossy = lossy_slices(data, filename, max(lines // batch_size, 1))
    # On PostgreSQL the checker sends lines of COPY text: this process adds the numbers and hands them on.
    copy_text = session.get_bind().dialect.name == "postgresql"
    with paused_gc(), _large_sqlite_cache(session), streamed_from_fork(
            lambda: _marshalled_batches(checker, data, filename, batch_size, copy_text)) as batches, \
            session.begin_nested():
        connection = session.connection()
        # Dropped before the first row is written, not before a file whose every row an earlier
        # run wrote (a re-run): nothing to write then, and nothing to build again.
        indexes, dropped = sorted(table.indexes, key=lambda index: index.name), False
        foreign_keys = sorted(table.foreign_key_constraints, key=lambda constraint: constraint.name) \
            if connection.dialect.name == "postgresql" else []
        key = _import_key(copy_text)
        try:
            for blob in batches:
                next(lossy, None)
                good, bad = marshal.loads(blob)
                summary.rows += len(good) + len(bad)
                summary.rejected.extend(Rejected(line, dict(zip(ALL_COLUMNS, values, strict=True)), reason)
                                        for line, values, reason in bad)
                if summary.rejected and not skip_invalid:
                    continue  # nothing more is written, but every bad line is reported
                if not dropped and any(key(row) not in done for row in good):
                    for constraint in foreign_keys:
                        connection.execute(DropConstraint(constraint))
                    for index in indexes:
                        index.drop(connection)
                    dropped = True
                _write_new(session, good, done, registered_by, summary, copy_text)
                if progress:
                    progress("writing", summary.rows, max(lines, 1))
        except TabularError:
            # A file that lost names says so before any other reading error, as when its text was looked at first.
            for _step in lossy:
                pass
            raise
        for _step in lossy:
            pass
        if summary.rejected and not skip_invalid:
            raise ImportFailed([LineError(r.line, r.reason) for r in summary.rejected])
        if dropped and connection.dialect.name == "postgresql":
            # Sorting a million keys in memory, not in runs on disk (only for this transaction).
            connection.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
        with _sqlite_sorted_in_threads(connection):
            for index in indexes if dropped else ():
                index.create(connection)
        for constraint in foreign_keys if dropped else ():
            connection.execute(AddConstraint(constraint))
    return summary


def _marshalled_batches(checker: RowChecker, data: bytes, filename: str, batch_size: int,
                        copy_text: bool = False) -> Iterator[bytes]:
    """``checked_batches`` as the forked checker sends them: marshal, about twice as fast as pickle both ways.

    Names lost to the file's encoding are not looked for here: ``_bulk`` does (``lossy_slices``).

    Marshal takes only plain values: dates go as ISO text (SQLite's form, see
    RowChecker), rejected rows as (line, values, reason). ``copy_text``: good rows as
    lines of COPY text (``copy_text.copy_lines``).
    """
    for good, bad in checked_batches(checker, data, filename, batch_size, lossy_checked=True, copy_text=copy_text):
        yield marshal.dumps((good, [(r.line, tuple(r.values.values()), r.reason) for r in bad]))


def _write_new(session: Session, batch: list[tuple] | list[str], done: dict[str, int], registered_by: str,
               summary: ImportSummary, copy_text: bool = False) -> None:
    """Write the rows (checked values) of ``batch`` not in ``done`` (import key -> id of a voter written before).

    ``copy_text``: the rows are lines of COPY text (PostgreSQL, ``copy_text.copy_lines``).
    """
    todo = batch
    if done:
        key = _import_key(copy_text)
        todo = [row for row in batch if key(row) not in done]
        summary.voter_ids.update(done[key(row)] for row in batch if key(row) in done)
    summary.already_imported += len(batch) - len(todo)
    if todo:
        summary.voter_ids.update(_write_batch(session, todo, registered_by, copy_text=copy_text))
        summary.imported += len(todo)


def queue_duplicates(session: Session, summary: ImportSummary) -> int:
    """Queue the pairs the file's voters make with the roll and with each other; return how many are new."""
    if not summary.voter_ids:
        return 0
    return duplicate_scan.scan(session, involving=summary.voter_ids)


def _sqlite_insert(driver_connection, todo: list[tuple], sequence: int, registered_by: str, now: str) -> None:
    """Insert checked rows on SQLite, ``ROWS_PER_INSERT`` rows a statement, numbered from ``sequence`` on.

    On the session's own connection and transaction, through the driver (SQLAlchemy's
    per-row parameter handling would cost more than the insert). One statement of a
    hundred rows goes about half as fast again as an executemany of one row a statement,
    and the voter number is formatted by SQLite (``_numbered``), not in Python.
    """
    cursor = driver_connection.cursor()
    try:
        for start in range(0, len(todo), ROWS_PER_INSERT):
            rows = todo[start:start + ROWS_PER_INSERT]
            cursor.execute(_sqlite_insert_statement(len(rows)),
                           [*chain.from_iterable(rows), sequence + start, registered_by, now])
    finally:
        cursor.close()


@functools.cache
def _sqlite_insert_statement(count: int) -> str:
    """INSERT of ``count`` rows of checked values, then the first row's sequence, who registered them and when."""
    width = len(ROW_COLUMNS)
    first, by, at = (width * count + n for n in (1, 2, 3))
    rows = ", ".join(
        "(" + ", ".join(f"?{width * row + column + 1}" for column in range(width))
        + f", {_numbered(f'?{first} + {row}')}, 'active', ?{by}, ?{at})" for row in range(count))
    return f"INSERT INTO {Voter.__tablename__} ({', '.join((*ROW_COLUMNS, *BATCH_COLUMNS))}) VALUES {rows}"  # noqa: S608 (the table's own column names, no input)


def _numbered(sequence: str) -> str:
    """SQLite's expression of numbers.format_number of the sequence ``sequence`` (an SQL expression)."""
    return f"printf('%0{numbers.BODY_DIGITS}d%02d', {sequence}, 98 - (({sequence}) * 100) % 97)"


def _write_batch(session: Session, todo: list[tuple] | list[str], registered_by: str,
                 copy_text: bool = False) -> list[int]:
    """Insert one batch (checked values) with its numbers and its audit entry; return the new voters' ids.

    ``copy_text``: the rows are lines of COPY text (PostgreSQL, ``copy_text.copy_lines``).
    """
    connection = session.connection()
    table = Voter.__table__
    dialect = connection.dialect
    sequence = numbers.reserve(session, len(todo))
    # The dialect's own conversion of the time (SQLite keeps it as text), as SQLAlchemy would apply it.
    convert = table.c.registered_at.type.dialect_impl(dialect).bind_processor(dialect)
    now = datetime.now(UTC)
    now = convert(now) if convert else now
    columns = (*ROW_COLUMNS, *BATCH_COLUMNS)
    if copy_text:
        # Each line, then what the batch sets, the voter number last: joined by C-level calls.
        constants = "".join(f"\t{copy_escaped(str(value))}" for value in ("active", registered_by, now.isoformat()))
        text = "".join(chain.from_iterable(zip(
            todo, repeat(constants + "\t"), map(numbers.format_number, range(sequence, sequence + len(todo))),
            repeat("\n"))))
        with connection.connection.driver_connection.cursor() as cursor, cursor.copy(
                f"COPY {table.name} ({', '.join((*ROW_COLUMNS, *BATCH_COLUMNS[1:], BATCH_COLUMNS[0]))}) "
                "FROM STDIN") as copy:
            copy.write(text)
    elif dialect.name == "postgresql":
        # Each row is its checked values and BATCH_COLUMNS, joined by C-level calls (map, zip,
        # repeat): a loop in Python over a million rows cost a tenth of the bulk load.
        rows = map(operator.add, todo, zip(map(numbers.format_number, range(sequence, sequence + len(todo))),
                                           repeat("active"), repeat(registered_by), repeat(now)))
        # COPY, on the session's own connection and transaction: several times an executemany's rate.
        with connection.connection.driver_connection.cursor() as cursor, cursor.copy(
                f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        _sqlite_insert(connection.connection.driver_connection, todo, sequence, registered_by, now)
    first, last = numbers.format_number(sequence), numbers.format_number(sequence + len(todo) - 1)
    numbered = Voter.voter_number.between(first, last)
    # The batch's ids are nearly always one run (the table's one writer takes them in turn):
    # three figures from the number's index then, not 5,000 rows through the ORM's result.
    low, high, count = connection.execute(select(func.min(Voter.id), func.max(Voter.id), func.count())
                                          .where(numbered)).one()
    ids = list(range(low, high + 1)) if high - low + 1 == count else \
        list(connection.execute(select(Voter.id).where(numbered).order_by(Voter.id)).scalars())
    # One audit entry per batch, not per voter: it names the voters written and carries a
    # digest of every row's content (the row hashes kept in import_key), so the trail
    # proves what was imported at a fraction of the cost of 5,000 entries.
    digest = hashlib.sha256("".join(map(_import_key(copy_text), todo)).encode()).hexdigest()
    append_entries(session, [{
        "action": "create", "entity_type": "VoterImport", "entity_id": f"{ids[0]}-{ids[-1]}", "before": None,
        "after": {"voters": len(ids), "first_number": first, "last_number": last,
                  "rows_sha256": digest, "registered_by": registered_by},
    }])
    return ids
