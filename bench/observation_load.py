"""Observation on polling day: a burst of checklist submissions, and the dashboard over 100,000.

1. Builds its own PostgreSQL database ``electoral_observation_bench`` (created and
   dropped; the test database is left alone) with --stations polling stations,
   one accredited observer with an API token on each of --observers of them, and
   a published opening checklist.
2. Runs the application under gunicorn (2 workers) on loopback and sends
   --submissions checklists from --concurrency threads (keep-alive HTTP, stdlib
   only), each to POST /api/v1/submissions with a bearer token; --repeat of
   them are sent twice with the same client id, as a phone retrying after a lost
   answer would. Prints submissions/s, p50/p95/max latency, and the count back in
   the database (each client id exactly once: none lost, none doubled).
3. Loads --dashboard-submissions submissions (one row per answer, as the
   application stores them) and times GET /observation/dashboard (median of 5)
   as a national coordinator, and the same drilled down to one region.

Goals (issue 8): at least 300 submissions/s with p95 under 200 ms, none lost or
doubled; the dashboard over 100,000 submissions in under 300 ms.

    .venv/bin/python bench/observation_load.py [--submissions 5000] [--concurrency 32]
"""

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from electoral import create_app  # noqa: E402
from electoral.config import testing_config  # noqa: E402
from electoral.extensions import db  # noqa: E402

PG_ADMIN = os.environ.get("ELECTORAL_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
PG_DATABASE = "electoral_observation_bench"
PASSWORD = "bench-password-123"


def _admin_engine():
    return sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")


def recreate_database() -> str:
    engine = _admin_engine()
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{PG_DATABASE}"'))
    engine.dispose()
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + PG_DATABASE


def drop_database() -> None:
    engine = _admin_engine()
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'))
    engine.dispose()


def seed(app, stations: int, observers: int) -> tuple[list[tuple[str, str]], int]:
    """Geography, accredited observers with tokens, the opening checklist; returns (token, station) pairs."""
    import datetime as dt

    from electoral.accounts.models import User, UserRole
    from electoral.accounts.services import hash_password
    from electoral.core.auth import Role
    from electoral.geography.models import District, PollingCentre, PollingStation, Region
    from electoral.observation import services
    from electoral.observation.models import Observer, Organisation

    with app.app_context():
        db.create_all()
        regions = [Region(code=f"R{r:02d}", name=f"Region {r}") for r in range(20)]
        db.session.add_all(regions)
        db.session.flush()
        districts = [District(code=f"D{d:03d}", name=f"District {d}", region_id=regions[d % 20].id)
                     for d in range(200)]
        db.session.add_all(districts)
        db.session.flush()
        centre_rows = [{"code": f"C{c:06d}", "name": f"Centre {c}", "district_id": districts[c % 200].id}
                       for c in range(stations // 3 + 1)]
        db.session.execute(sa.insert(PollingCentre), centre_rows)
        centre_ids = list(db.session.scalars(sa.select(PollingCentre.id).order_by(PollingCentre.id)))
        db.session.execute(sa.insert(PollingStation), [
            {"code": f"S{s:07d}", "name": f"Station {s}", "centre_id": centre_ids[s // 3], "capacity": 600}
            for s in range(stations)])
        station_ids = list(db.session.scalars(sa.select(PollingStation.id).order_by(PollingStation.id)))
        organisation = Organisation(code="DOMWATCH", name="Domestic Election Watch", international=False)
        db.session.add(organisation)
        db.session.flush()
        template = services.create_template(db.session, "OPEN", "Opening", "opening")
        services.add_question(db.session, template, "Q1", "yes_no", {"en": "Opened on time?"})
        services.add_question(db.session, template, "Q2", "integer", {"en": "Minutes late"}, minimum=0,
                              maximum=600, relevance="Q1 = no")
        services.add_question(db.session, template, "Q3", "yes_no", {"en": "Ballot box sealed?"},
                              critical="Q3 = no")
        services.add_question(db.session, template, "Q4", "integer", {"en": "Officials present"}, minimum=0,
                              maximum=10)
        services.add_question(db.session, template, "Q5", "single_choice", {"en": "Queue"},
                              choices=services.parse_choices("none\nshort\nlong"))
        services.publish(db.session, template)
        password_hash = hash_password(PASSWORD)
        pairs = []
        until = dt.date.today() + dt.timedelta(days=30)
        for n in range(observers):
            user = User(username=f"obs{n:05d}", full_name=f"Observer {n}", password_hash=password_hash,
                        active=True, session_version=1)
            user.role_links = [UserRole(role=Role.OBSERVER.value)]
            db.session.add(user)
            observer = Observer(organisation=organisation, family_name=f"Observer{n}", given_names="", sex="F",
                                phone=f"+231 77 {n:07d}", languages="en", accreditation="approved",
                                accreditation_number=f"OBS-B{n:06d}", valid_until=until, user=user,
                                station_id=station_ids[n])
            db.session.add(observer)
            if n % 500 == 499:
                db.session.flush()
        db.session.flush()
        for user in db.session.scalars(sa.select(User).order_by(User.id)):
            station_code = f"S{user.id - 1:07d}"
            pairs.append((services.create_token(db.session, user), station_code))
        coordinator = User(username="coordinator", full_name="Coordinator", password_hash=password_hash,
                           active=True, session_version=1)
        coordinator.role_links = [UserRole(role=Role.OBSERVER_COORDINATOR.value)]
        db.session.add(coordinator)
        db.session.commit()
        version = template.version
    return pairs, version


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(url: str, port: int, threads: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench-secret-not-for-production",
           "ELECTORAL_INSTANCE": str(ROOT / "instance")}
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "--workers", "2", "--worker-class", "gthread", "--threads", str(threads),
         "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "electoral:create_app()"],
        cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start")


def burst(port: int, pairs, version: int, submissions: int, concurrency: int, repeat: int):
    """Send the burst; returns latencies (s), statuses, the set of client ids sent, wall time."""
    rng = random.Random(8)
    jobs = []
    for n in range(submissions):
        token, station = pairs[n % len(pairs)]
        q1 = rng.choice(["yes", "yes", "yes", "no"])
        answers = {"Q1": q1, "Q3": rng.choice(["yes"] * 19 + ["no"]), "Q4": rng.randint(2, 8),
                   "Q5": rng.choice(["none", "short", "long"])}
        if q1 == "no":
            answers["Q2"] = rng.randint(5, 120)
        body = {"client_id": str(uuid.uuid4()), "template": "OPEN", "version": version, "station_code": station,
                "answers": answers, "submitted_at": "2026-11-25T07:00:00Z"}
        jobs.append((token, json.dumps(body)))
    jobs += [jobs[i] for i in rng.sample(range(len(jobs)), min(repeat, len(jobs)))]
    rng.shuffle(jobs)
    latencies, statuses, lock = [], {}, threading.Lock()
    queue = iter(jobs)

    def worker():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                job = next(queue, None)
            if job is None:
                return
            token, body = job
            start = time.perf_counter()
            try:
                connection.request("POST", "/api/v1/submissions", body=body, headers={
                    "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = "error"
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    sent_ids = {json.loads(body)["client_id"] for _t, body in jobs}
    return latencies, statuses, sent_ids, wall


def load_submissions(app, count: int) -> None:
    """Bulk-load ``count`` current opening submissions and their answer rows with COPY."""
    from electoral.observation.models import ChecklistTemplate, Question

    rng = random.Random(11)
    with app.app_context():
        template = db.session.scalar(sa.select(ChecklistTemplate).where(ChecklistTemplate.code == "OPEN"))
        questions = {q.code: q.id for q in db.session.scalars(sa.select(Question).where(
            Question.template_id == template.id))}
        station_ids = list(db.session.scalars(sa.text("SELECT id FROM polling_station ORDER BY id")))
        start_id = (db.session.scalar(sa.text("SELECT coalesce(max(id), 0) FROM observation_submission")) or 0) + 1
        raw = db.session.connection().connection.driver_connection
        with raw.cursor() as cursor:
            with cursor.copy("COPY observation_submission (id, client_id, template_id, station_id, submitted_at, "
                             "received_at, revision, original_id, current, critical, answers) FROM STDIN") as copy:
                answer_rows = []
                for n in range(count):
                    sid = start_id + n
                    q1 = "yes" if rng.random() < 0.8 else "no"
                    answers = {"Q1": q1, "Q3": "no" if rng.random() < 0.03 else "yes", "Q4": rng.randint(2, 8),
                               "Q5": rng.choice(["none", "short", "long"])}
                    if q1 == "no":
                        answers["Q2"] = rng.randint(5, 120)
                    copy.write_row((sid, f"bulk-{sid:09d}", template.id, station_ids[n % len(station_ids)],
                                    "2026-11-25 07:00:00+00", "2026-11-25 07:01:00+00", 1, sid, True,
                                    answers["Q3"] == "no", json.dumps(answers)))
                    for code, value in answers.items():
                        num = (1.0 if value == "yes" else 0.0) if value in ("yes", "no") else (
                            float(value) if isinstance(value, int) else None)
                        text = value if isinstance(value, str) else None
                        answer_rows.append((sid, questions[code], True, num, text))
            with cursor.copy("COPY observation_answer (submission_id, question_id, current, value_num, value_text) "
                             "FROM STDIN") as copy:
                for row in answer_rows:
                    copy.write_row(row)
            cursor.execute("SELECT setval(pg_get_serial_sequence('observation_submission', 'id'), "
                           "(SELECT max(id) FROM observation_submission))")
        db.session.commit()
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()


def time_dashboard(port: int, path: str, runs: int = 5) -> list[float]:
    """Sign in as the coordinator over HTTP and time GET ``path`` ``runs`` times (after one warm-up)."""
    import re

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", "/login")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";")[0]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    from urllib.parse import urlencode

    connection.request("POST", "/login", body=urlencode({"csrf_token": token, "username": "coordinator",
                                                         "password": PASSWORD}),
                       headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    response = connection.getresponse()
    response.read()
    cookie = (response.getheader("Set-Cookie") or cookie).split(";")[0]
    timings = []
    for n in range(runs + 1):
        start = time.perf_counter()
        connection.request("GET", path, headers={"Cookie": cookie})
        response = connection.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - start
        assert response.status == 200 and b"Coverage" in body, (response.status, body[:200])
        if n:
            timings.append(elapsed)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stations", type=int, default=30_000)
    parser.add_argument("--observers", type=int, default=2_000)
    parser.add_argument("--submissions", type=int, default=5_000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=250, help="submissions sent a second time (retries)")
    parser.add_argument("--dashboard-submissions", type=int, default=100_000)
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (gthread)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    url = recreate_database()
    app = create_app({**testing_config(url), "TESTING": False})
    process = None
    try:
        started = time.perf_counter()
        pairs, version = seed(app, args.stations, args.observers)
        print(f"seeded {args.stations:,} stations and {args.observers:,} accredited observers with tokens "
              f"in {time.perf_counter() - started:.1f} s")
        port = _free_port()
        process = start_gunicorn(url, port, args.threads)
        print(f"gunicorn: 2 workers, {args.threads} threads each")
        latencies, statuses, sent_ids, wall = burst(port, pairs, version, args.submissions, args.concurrency,
                                                    args.repeat)
        ordered = sorted(latencies)
        print(f"burst: {len(latencies):,} requests ({args.submissions:,} submissions + {args.repeat:,} retries "
              f"of the same client id) from {args.concurrency} threads in {wall:.2f} s")
        print(f"  {len(latencies) / wall:,.0f} requests/s; latency p50 {statistics.median(ordered) * 1000:.0f} ms, "
              f"p95 {ordered[int(len(ordered) * 0.95) - 1] * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms")
        print(f"  statuses: {dict(sorted(statuses.items(), key=str))}")
        with app.app_context():
            stored = set(db.session.scalars(sa.text("SELECT client_id FROM observation_submission")))
            rows = db.session.scalar(sa.text("SELECT count(*) FROM observation_submission"))
        lost, extra = sent_ids - stored, rows - len(stored)
        print(f"  count back: {rows:,} submissions stored for {len(sent_ids):,} client ids; "
              f"lost {len(lost)}, doubled {extra}")

        load_started = time.perf_counter()
        load_submissions(app, args.dashboard_submissions)
        with app.app_context():
            total = db.session.scalar(sa.text("SELECT count(*) FROM observation_submission"))
            answers = db.session.scalar(sa.text("SELECT count(*) FROM observation_answer"))
        print(f"loaded {args.dashboard_submissions:,} more submissions in {time.perf_counter() - load_started:.1f} s: "
              f"{total:,} submissions, {answers:,} answer rows")
        for label, path in (("national", "/observation/dashboard?phase=opening&template=OPEN"),
                            ("one region", "/observation/dashboard?phase=opening&template=OPEN&area=region:R03")):
            timings = time_dashboard(port, path)
            print(f"dashboard ({label}) over {total:,} submissions: median {statistics.median(timings) * 1000:.0f} ms, "
                  f"best {min(timings) * 1000:.0f} ms, worst {max(timings) * 1000:.0f} ms")
    finally:
        if process is not None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if not args.keep:
            drop_database()


if __name__ == "__main__":
    main()
