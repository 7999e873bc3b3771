"""Backup and restore rates of an election with a large roll.

    .venv/bin/python bench/backup_restore.py [--rows 200000] [--engines sqlite,postgresql]

For each engine it builds a roll (geography, then a synthetic file through the import,
with its audit entries), takes `backup` to a zip, restores it into a second, empty
database of the same engine, and checks the audit chain on the copy. It prints the
rows, the seconds and rows per second of each step, the zip's size and the load average.
"""

import argparse
import csv
import io
import os
import time
from pathlib import Path

import sqlalchemy as sa
from machine import speed_reported
from registration_setup import bench_clerk, load_geography, make_app
from scratch import scratch_folder, scratch_postgres

from electoral.core import backup
from electoral.core.audit_verify import verify_chain
from electoral.core.restore import restore
from electoral.extensions import db
from electoral.registration.services import imports
from electoral.registration.synthetic import COLUMNS, generate


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def roll_file(rows: int, centres: list[str]) -> bytes:
    roll = generate(rows, centres, duplicate_share=0.01, negatives=50, seed=5)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(roll.rows)
    return out.getvalue().encode()


def run(label: str, source_url: str | None, target_url: str | None, rows: int, folder: Path) -> None:
    app = make_app(source_url)
    with app.app_context():
        centres = load_geography(centres=max(rows // 1500, 10))
        data = roll_file(rows, centres)
        imports.import_voters(db.session, data, "roll.csv", bench_clerk(), batch_size=5000, end_batch=db.session.commit,
                              scan=False, skip_invalid=True)
        db.session.commit()
        archive = folder / f"{label}.zip"
        print(f"[{label}] load average before the backup: {load_average()}")
        started = time.perf_counter()
        manifest = backup.backup(db.engine, archive)
        took = time.perf_counter() - started
        total = sum(t["rows"] for t in manifest["tables"])
        print(f"[{label}] backup: {total:,} rows in {took:.1f} s ({total / took:,.0f} rows/s), "
              f"zip {archive.stat().st_size / 1e6:.1f} MB")
        db.session.remove()
        db.engine.dispose()

    target = make_app(target_url)
    with target.app_context():
        # make_app created the tables; restore wants an empty database and creates its own schema.
        db.drop_all()
        started = time.perf_counter()
        restore(db.engine, archive)
        took = time.perf_counter() - started
        print(f"[{label}] restore: {total:,} rows in {took:.1f} s ({total / took:,.0f} rows/s), "
              f"load average {load_average()}")
        started = time.perf_counter()
        count, problems = verify_chain(db.session)
        print(f"[{label}] audit verify on the copy: {count:,} entries, {len(problems)} problems "
              f"({time.perf_counter() - started:.1f} s)")
        voters = db.session.scalar(sa.text("SELECT count(*) FROM voter"))
        print(f"[{label}] voters on the copy: {voters:,}")
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args()
    folder = scratch_folder("electoral-backup-bench-")
    engines = args.engines.split(",")
    if "sqlite" in engines:
        run("sqlite", f"sqlite:///{folder / 'source.db'}", f"sqlite:///{folder / 'target.db'}", args.rows, folder)
    if "postgresql" in engines:
        with scratch_postgres("bench_backup_source") as source, scratch_postgres("bench_backup_target") as target:
            if source and target:
                run("postgresql", source, target, args.rows, folder)


if __name__ == "__main__":
    with speed_reported():
        main()
