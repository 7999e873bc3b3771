"""Import rate of a synthetic roll, and of a plain executemany insert of the same rows.

    .venv/bin/python bench/registration_import.py [--rows 1000000] [--database URL]

Goal on the 2-core machine: at least 60,000 rows/s on SQLite for 1,000,000 voters.
Prints the time of each phase (reading and checking every row, writing the batches
with their audit entries, the duplicate scan of the imported rows) and, in the same
run, the rate of a bare executemany of the same rows into a copy of the voter table.
"""

import argparse
import csv
import io
import time

from registration_setup import load_geography, make_app, peak_memory_mib
from sqlalchemy import Table, select

from electoral.extensions import db
from electoral.registration.models import Voter
from electoral.registration.services import imports, voters
from electoral.registration.synthetic import COLUMNS, generate


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database")
    parser.add_argument("--batch-size", type=int, default=5000)
    args = parser.parse_args()
    app = make_app(args.database)
    with app.app_context():
        engine_name = db.engine.dialect.name
        centres = load_geography(centres=max(args.rows // 1000, 10))
        started = time.perf_counter()
        roll = generate(args.rows, centres)
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(roll.rows)
        data = buffer.getvalue().encode()
        print(f"generated {len(roll.rows):,} rows ({len(data) / 2**20:.0f} MiB CSV) in {time.perf_counter() - started:.1f} s")

        started = time.perf_counter()
        good, bad = imports.read_rows(db.session, data, "roll.csv")
        checked = time.perf_counter() - started
        print(f"read and checked: {len(good):,} good, {len(bad):,} bad in {checked:.1f} s ({len(good) / checked:,.0f} rows/s)")

        started = time.perf_counter()
        summary = imports.import_voters(db.session, data, "roll.csv", "bench", batch_size=args.batch_size,
                                        end_batch=db.session.commit, scan=False, skip_invalid=True)
        db.session.commit()
        whole = time.perf_counter() - started
        print(f"[{engine_name}] import (read, check, write with audit, {args.batch_size}-row batches): "
              f"{summary.imported:,} rows in {whole:.1f} s = {summary.imported / whole:,.0f} rows/s")

        started = time.perf_counter()
        summary_again = imports.import_voters(db.session, data, "roll.csv", "bench", batch_size=args.batch_size,
                                              end_batch=db.session.commit, scan=False, skip_invalid=True)
        print(f"re-run of the same file: {summary_again.imported} imported, {summary_again.already_imported:,} "
              f"recognised as already imported, in {time.perf_counter() - started:.1f} s")

        started = time.perf_counter()
        new_ids = set(db.session.scalars(select(Voter.id)))
        from electoral.registration.services import adjudication

        pairs = adjudication.scan(db.session, involving=new_ids)
        db.session.commit()
        print(f"duplicate scan of the imported rows: {pairs:,} pairs queued in {time.perf_counter() - started:.1f} s")

        # The same rows, already converted, through a bare executemany into a copy of the table.
        plain = Table("voter_plain", Voter.__table__.metadata, *[c._copy() for c in Voter.__table__.columns],
                      extend_existing=True)
        plain.create(db.engine)
        rows = []
        for (_line, key, registration), number in zip(good, range(1, len(good) + 1), strict=True):
            row = voters.voter_values(registration, f"{number:011d}", "bench")
            row["import_key"] = key
            rows.append(row)
        columns = list(rows[0])
        placeholders = ", ".join("?" if engine_name == "sqlite" else "%s" for _ in columns)
        sql = f"INSERT INTO voter_plain ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608 (our own column names)
        tuples = [tuple(row[c] for c in columns) for row in rows]
        started = time.perf_counter()
        with db.engine.begin() as connection:
            connection.exec_driver_sql(sql, tuples)
        plain_time = time.perf_counter() - started
        print(f"plain executemany of the same {len(tuples):,} converted rows (one transaction, no checks, "
              f"no audit, no secondary indexes): {plain_time:.1f} s = {len(tuples) / plain_time:,.0f} rows/s")
        print(f"peak memory: {peak_memory_mib():,.0f} MiB")


if __name__ == "__main__":
    main()
