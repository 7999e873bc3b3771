"""Training at the scale of a large election: 200,000 officials with attendance and scores.

Prints how long the coverage report of every district takes (goal: under 2 s,
computed with aggregate SQL) and how many certificate PDFs are printed a second
(goal: at least 50). Runs on a temporary SQLite file, then on PostgreSQL at
ELECTORAL_BENCH_POSTGRES (default postgresql+psycopg://postgres@127.0.0.1:5432/test)
if reachable, inside its own schema, dropped at the end.

    .venv/bin/python bench/training_bench.py [--officials 200000] [--certificates 200]
"""

import argparse
import datetime as dt
import os
import random
import secrets
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from machine import speed_reported  # noqa: E402  (bench/ is on sys.path when run as a script)

from electoral import create_app  # noqa: E402
from electoral.config import testing_config  # noqa: E402
from electoral.core.auth import Role  # noqa: E402
from electoral.extensions import db  # noqa: E402

SCHEMA = "training_bench"
DISTRICTS = 130
STATIONS = 29_000  # Nigeria-like: enough stations for 200,000 officials to leave gaps
BATCH = 20_000


def _insert(table, rows):
    for start in range(0, len(rows), BATCH):
        db.session.execute(sa.insert(table), rows[start:start + BATCH])


def load(officials: int) -> None:
    from electoral.geography.models import District, PollingCentre, PollingStation, Region
    from electoral.training import services
    from electoral.training.models import (
        Attendance,
        Certificate,
        Course,
        Enrolment,
        Official,
        TrainingSession,
    )

    rng = random.Random(2026)
    db.session.add(Region(id=1, code="R1", name="Region"))
    db.session.flush()
    _insert(District.__table__, [{"id": d, "code": f"D{d:03d}", "name": f"District {d}", "region_id": 1}
                                 for d in range(1, DISTRICTS + 1)])
    centres = STATIONS // 3
    _insert(PollingCentre.__table__, [{"id": c, "code": f"C{c:05d}", "name": f"Centre {c}",
                                       "district_id": 1 + c % DISTRICTS} for c in range(1, centres + 1)])
    _insert(PollingStation.__table__, [{"id": s, "code": f"S{s:06d}", "name": f"Station {s}",
                                        "centre_id": 1 + s % centres, "capacity": 600}
                                       for s in range(1, STATIONS + 1)])
    services.add_default_positions(db.session)
    positions = {p.code: p.id for p in services.list_positions(db.session)}
    staffed = [code for code, count in services.staffing_template(db.session).items() if count]
    courses = {}
    for code in staffed:
        course = Course(code=f"C-{code}", name=code, position_id=positions[code], level=3, pass_mark=Decimal(70),
                        pre_test_max=Decimal(100), post_test_max=Decimal(100), retake_allowed=True)
        db.session.add(course)
        db.session.flush()
        courses[code] = course.id
    start = dt.date(2026, 3, 2)
    people, sessions, enrolments, attendance, certificates = [], [], [], [], []
    per_session = 25
    for n in range(1, officials + 1):
        code = staffed[n % len(staffed)]
        district = 1 + rng.randrange(DISTRICTS)
        people.append({"id": n, "reference": f"OF{n:07d}", "full_name": f"Official {n}", "sex": rng.choice("FM"),
                       "birth_date": dt.date(1970 + n % 30, 1 + n % 12, 1 + n % 28), "phone": "", "district_id": district,
                       "languages": "", "education": "secondary", "position_id": positions[code], "status": "selected",
                       "locale": "en", "master_trainer": False})
        session_id = 1 + (n - 1) // per_session
        if (n - 1) % per_session == 0:
            first = start + dt.timedelta(days=3 * (session_id % 60))
            sessions.append({"id": session_id, "course_id": courses[code], "district_id": district, "venue": "Hall",
                             "start_date": first, "end_date": first + dt.timedelta(days=1), "capacity": per_session})
        session = sessions[-1]
        pre, post = rng.randint(20, 70), rng.randint(45, 100)
        enrolments.append({"id": n, "session_id": session_id, "official_id": n, "pre_score": Decimal(pre),
                           "post_score": Decimal(post)})
        present = [rng.random() > 0.04, rng.random() > 0.04]
        for offset, here in enumerate(present):
            attendance.append({"enrolment_id": n, "day": session["start_date"] + dt.timedelta(days=offset),
                               "present": here})
        if all(present) and post >= 70:
            certificates.append({"code": secrets.token_urlsafe(16), "official_id": n, "position_id": positions[code],
                                 "course_id": session["course_id"], "enrolment_id": n,
                                 "issued_at": dt.datetime(2026, 3, 10, tzinfo=dt.UTC)})
    # Sessions are per course; officials of a session share its course in this synthetic load.
    for table, rows in ((Official.__table__, people), (TrainingSession.__table__, sessions),
                        (Enrolment.__table__, enrolments), (Attendance.__table__, attendance),
                        (Certificate.__table__, certificates)):
        _insert(table, rows)
    db.session.commit()
    print(f"  loaded {len(people):,} officials, {len(sessions):,} sessions, {len(attendance):,} attendance marks, "
          f"{len(certificates):,} certificates, {STATIONS:,} stations in {DISTRICTS} districts")


def time_coverage() -> None:
    from electoral.training import services

    timings = []
    for _run in range(3):
        began = time.perf_counter()
        rows = services.coverage(db.session)
        timings.append(time.perf_counter() - began)
    needed, certified = sum(r.needed for r in rows), sum(r.certified for r in rows)
    print(f"  coverage of {len(rows)} districts: best {min(timings):.3f} s, worst {max(timings):.3f} s "
          f"(goal < 2 s); {certified:,} certified of {needed:,} needed")


def time_certificates(count: int) -> None:
    from electoral.reports import registry
    from electoral.training.models import Certificate

    if registry.get("certificate") is None:
        print("  certificate PDFs: the report kit has no 'certificate' report; skipped")
        return
    holders = db.session.scalars(sa.select(Certificate.official_id).limit(count)).all()
    began, cpu = time.perf_counter(), time.process_time()
    for official_id in holders:
        registry.render("certificate", {"official": str(official_id)}, lang="en",
                        roles=[Role.ADMINISTRATOR], printed_by="bench")
    elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
    # CPU time as well: on a shared machine the wall clock also counts other people's work.
    print(f"  certificate PDFs: {len(holders)} in {elapsed:.2f} s = {len(holders) / elapsed:.0f} a second "
          f"({len(holders) / cpu:.0f} a second of CPU time; goal >= 50)")


def run(label: str, url: str, officials: int, certificates: int, engine_options: dict | None = None) -> None:
    print(f"{label}:")
    config = testing_config(url)
    config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options or {}
    config["SERVER_NAME"] = "electoral.example"
    app = create_app(config)
    with app.app_context(), app.test_request_context():
        db.create_all()
        began = time.perf_counter()
        load(officials)
        print(f"  load: {time.perf_counter() - began:.1f} s")
        time_coverage()
        time_certificates(certificates)
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officials", type=int, default=200_000)
    parser.add_argument("--certificates", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run("SQLite", f"sqlite:///{folder}/bench.db", args.officials, args.certificates)
    url = os.environ.get("ELECTORAL_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    try:
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            connection.execute(sa.text(f"CREATE SCHEMA {SCHEMA}"))
    except Exception as exc:  # no server: the SQLite figures stand alone
        print(f"PostgreSQL: not reachable ({type(exc).__name__}); skipped")
        return
    try:
        run("PostgreSQL", url, args.officials, args.certificates,
            {"connect_args": {"options": f"-csearch_path={SCHEMA}"}})
    finally:
        with engine.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        engine.dispose()


if __name__ == "__main__":
    with speed_reported():
        main()
