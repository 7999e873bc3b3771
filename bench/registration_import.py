"""Import rate of a synthetic roll, and of a plain executemany insert of the same rows.

    .venv/bin/python bench/registration_import.py [--rows 1000000] [--engines sqlite,postgresql] [--plain-rows N]

Goal on the 2-core machine: at least 60,000 rows/s for 1,000,000 voters, on SQLite and
on PostgreSQL (by COPY). The machine may be shared: beside each wall-clock rate the
bench prints the CPU seconds the import used (this process, the forked checker and, on
PostgreSQL, the server's backend), which another program's load changes far less.
For each engine (SQLite in a new file; PostgreSQL in a scratch database of its own)
it prints the time of each phase: reading and checking every row, the import
itself (checking, writing the batches with their numbers and audit entries), the
duplicate scan of the imported rows that the import ends with, and a re-run of the
same file. In the same run it inserts the same converted rows with a bare
executemany, once into a copy of the voter table with all its indexes and once into
a copy with only its primary key, so the import's own overhead is seen.
"""

import argparse
import csv
import gc
import io
import os
import time

from machine import speed_reported
from registration_setup import bench_clerk, cpu_seconds, load_geography, make_app, peak_memory_mib
from scratch import scratch_postgres
from sqlalchemy import select

from electoral.extensions import db
from electoral.registration.models import Voter
from electoral.registration.services import duplicate_scan, import_rows, imports, numbers
from electoral.registration.synthetic import COLUMNS, generate


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def backend_cpu_seconds() -> float | None:
    """CPU seconds used so far by this session's PostgreSQL backend (a local server), or None."""
    if db.engine.dialect.name != "postgresql":
        return None
    pid = db.session.scalar(db.text("SELECT pg_backend_pid()"))
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def plain_insert(rows: list[tuple], columns: tuple[str, ...], engine_name: str, indexes: bool) -> float:
    """Seconds to executemany ``rows`` into a fresh copy of the voter table, in one transaction."""
    name = "voter_plain_indexed" if indexes else "voter_plain"
    # In the application's metadata, so the foreign keys (checked on every insert) resolve.
    copy = Voter.__table__.to_metadata(db.metadata, name=name)
    for index in list(copy.indexes):
        if indexes:
            index.name = f"{name}_{index.name}"
        else:
            copy.indexes.discard(index)
    # Constraint names are global on PostgreSQL: the copy's own.
    for number, constraint in enumerate(copy.constraints):
        constraint.name = f"{name}_c{number}"
    if not indexes:
        for column in copy.columns:
            column.unique = column.index = False
        copy.constraints = {c for c in copy.constraints if not c.__class__.__name__ == "UniqueConstraint"}
    copy.create(db.engine)
    mark = "?" if engine_name == "sqlite" else "%s"
    sql = f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"  # noqa: S608 (our own column names)
    started = time.perf_counter()
    with db.engine.begin() as connection:
        connection.exec_driver_sql(sql, rows)
    elapsed = time.perf_counter() - started
    # Left in the scratch database: dropping it deletes row by row, each checking the
    # unindexed self-reference (kept_voter_id), which takes minutes at a million rows.
    db.metadata.remove(copy)
    return elapsed


def run(engine_label: str, database_url: str | None, data: bytes, centres: int, batch_size: int, scan: bool,
        plain_rows: int | None = None):
    app = make_app(database_url)
    with app.app_context():
        engine_name = db.engine.dialect.name
        tag = f"[{engine_name}]"
        load_geography(centres=centres)
        clerk = bench_clerk()

        started = time.perf_counter()
        good, bad = import_rows.read_rows(db.session, data, "roll.csv")
        checked = time.perf_counter() - started
        print(f"{tag} read and checked {len(good):,} good, {len(bad):,} bad rows in {checked:.1f} s "
              f"({len(good) / checked:,.0f} rows/s)")
        db.session.rollback()
        # Not kept through the import: an operator's import runs in a process of its own, and a
        # million checked rows held here would slow this one's memory for the import's sake.
        del good, bad
        gc.collect()

        print(f"{tag} load average before the import: {load_average()}")
        writer = "COPY" if engine_name == "postgresql" else f"{imports.ROWS_PER_INSERT}-row INSERTs"
        rebuilt = "indexes and foreign keys put back after" if engine_name == "postgresql" \
            else "indexes rebuilt after, sorted in worker threads"
        how = (f"in bulk: one transaction, rows checked in a forked process, {writer}, {rebuilt}"
               if imports._loads_in_bulk(db.session, data.count(b"\n"), "roll.csv")
               else f"{batch_size:,}-row batches, {writer}")
        backend = backend_cpu_seconds()
        db.session.commit()
        cpu = cpu_seconds()
        started = time.perf_counter()
        summary = imports.import_voters(db.session, data, "roll.csv", clerk, batch_size=batch_size,
                                        end_batch=db.session.commit, scan=False, skip_invalid=True)
        db.session.commit()
        written = time.perf_counter() - started
        own, children = (after - before for after, before in zip(cpu_seconds(), cpu, strict=True))
        server = f", server backend {backend_cpu_seconds() - backend:.1f} s" if backend is not None else ""
        print(f"{tag} IMPORT (read, check, write with numbers and audit; {how}): "
              f"{summary.imported:,} rows in {written:.1f} s = {summary.imported / written:,.0f} rows/s; "
              f"CPU used: this process {own:.1f} s, forked checker {children:.1f} s{server}")

        scanned = 0.0
        if scan:
            started = time.perf_counter()
            ids = set(db.session.scalars(select(Voter.id)))
            pairs = duplicate_scan.scan(db.session, involving=ids)
            db.session.commit()
            scanned = time.perf_counter() - started
            print(f"{tag} duplicate scan of the imported rows (the import's last step): {pairs:,} pairs queued "
                  f"in {scanned:.1f} s; import with it: {summary.imported / (written + scanned):,.0f} rows/s")

        started = time.perf_counter()
        again = imports.import_voters(db.session, data, "roll.csv", clerk, batch_size=batch_size,
                                      end_batch=db.session.commit, scan=False, skip_invalid=True)
        print(f"{tag} re-run of the same file: {again.imported} imported, {again.already_imported:,} recognised "
              f"as already imported, in {time.perf_counter() - started:.1f} s")

        # The same rows, as the driver takes them, with numbers of their own, through a bare executemany.
        good, _bad = import_rows.read_rows(db.session, data, "roll.csv")
        db.session.rollback()
        columns = (*import_rows.ROW_COLUMNS, *imports.BATCH_COLUMNS)
        now = "2026-06-01 00:00:00.000000" if engine_name == "sqlite" else "2026-06-01T00:00:00+00:00"
        rows = [(*values, numbers.format_number(n), "active", "bench", now)
                for n, values in enumerate(good[:plain_rows], start=1)]
        del good
        full = plain_insert(rows, columns, engine_name, indexes=True)
        bare = plain_insert(rows, columns, engine_name, indexes=False)
        print(f"{tag} plain executemany of the same {len(rows):,} converted rows, one transaction, no checks, "
              f"no audit: into a copy with every index of the voter table {full:.1f} s = {len(rows) / full:,.0f} "
              f"rows/s; into a copy with none {bare:.1f} s = {len(rows) / bare:,.0f} rows/s")
        print(f"{tag} import rate / plain executemany rate with the same indexes: "
              f"{(full / len(rows)) / (written / summary.imported):.2f}; "
              f"load average now: {load_average()}; peak memory {peak_memory_mib():,.0f} MiB")
        db.session.remove()
        db.engine.dispose()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--no-scan", action="store_true", help="skip the duplicate scan after the import")
    parser.add_argument("--plain-rows", type=int, default=None,
                        help="insert only the first N rows by plain executemany (PostgreSQL's takes minutes a million)")
    args = parser.parse_args()
    centres = max(args.rows // 1000, 10)
    started = time.perf_counter()
    roll = generate(args.rows, [f"C{c:05d}" for c in range(1, centres + 1)])
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(roll.rows)
    data = buffer.getvalue().encode()
    del roll, buffer
    print(f"generated {args.rows:,} rows ({len(data) / 2**20:.0f} MiB CSV) in {time.perf_counter() - started:.1f} s; "
          f"load average {load_average()}")
    for engine in args.engines.split(","):
        if engine == "sqlite":
            run(engine, None, data, centres, args.batch_size, not args.no_scan, args.plain_rows)
        else:
            with scratch_postgres("bench_registration_import") as url:
                if url:
                    run(engine, url, data, centres, args.batch_size, not args.no_scan, args.plain_rows)


if __name__ == "__main__":
    with speed_reported():
        main()
