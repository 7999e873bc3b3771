"""Observation on polling day: a burst of checklist submissions, and the dashboard over 100,000.

1. Builds its own PostgreSQL database (--database, created and dropped through
   bench/scratch.py; the test database is left alone) with --stations polling
   stations, one accredited observer with an API token on each of --observers of
   them, and a published opening checklist.
2. Runs the application under gunicorn (--workers 2; --worker-class gthread with
   --threads, or sync) on loopback and sends --submissions checklists over
   --concurrency keep-alive connections from a lean asyncio client
   (bench/loadgen.py: every request encoded before the clock starts), each to
   POST /api/v1/submissions with a bearer token and the body a phone sends;
   --repeat of them are sent twice with the same client id, as a phone retrying
   after a lost answer would. Every answer is checked (201 or 200 carrying the
   request's client id). Prints submissions/s, p50/p95/max latency, the load
   average, and the count back in the database (each client id exactly once:
   none lost, none doubled).
3. Loads --dashboard-submissions submissions (one row per answer, as the
   application stores them) and times GET /observation/dashboard (median of 5)
   as a national coordinator, and the same drilled down to one region.

Goals (issue 8): at least 300 submissions/s with p95 under 200 ms, none lost or
doubled; the dashboard over 100,000 submissions in under 300 ms.

    .venv/bin/python bench/observation_load.py [--submissions 5000] [--concurrency 32] [--port 8101]

The API is limited per token (ELECTORAL_API_LIMIT, 120 a minute by default); each observer
here sends two or three filings, as on polling day, so the limit is active but never reached.
"""

import argparse
import contextlib
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
import types
import uuid
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import loadgen  # noqa: E402
from machine import speed_reported  # noqa: E402  (bench/ is on sys.path when run as a script)
from scratch import scratch_postgres  # noqa: E402

from electoral import create_app  # noqa: E402
from electoral.config import testing_config  # noqa: E402
from electoral.extensions import db  # noqa: E402

# The served application and the bench's own share the secret: it also keys the audit trail's seals.
BENCH_SECRET_KEY = "bench-secret-not-for-production"

PASSWORD = "bench-password-123"


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


def bench_app(url: str):
    """The bench's own application on ``url``: it seeds the data and reads the count back."""
    return create_app({**testing_config(url), "TESTING": False, "SECRET_KEY": BENCH_SECRET_KEY})


def start_gunicorn(url: str, port: int, workers: int, worker_class: str, threads: int,
                   env: dict | None = None) -> subprocess.Popen:
    """The application as deployed: gunicorn on ``port``, configured from the environment only."""
    env = {**os.environ, "ELECTORAL_INSTANCE": os.environ.get("ELECTORAL_INSTANCE", str(ROOT / "instance")),
           **(env or {}), "DATABASE_URL": url, "SECRET_KEY": BENCH_SECRET_KEY}
    command = [str(ROOT / ".venv/bin/gunicorn"), "--workers", str(workers), "--worker-class", worker_class,
               "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "-c", "python:electoral.gunicorn_conf",
               "electoral:create_app()"]
    if worker_class == "gthread":
        command[3:3] = ["--threads", str(threads)]
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
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


def stop_gunicorn(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


@contextlib.contextmanager
def serving(app, args):
    """A bench's run around gunicorn (set ``.process`` once started): with --keep it serves on until
    Ctrl-C, which ends the run quietly; gunicorn is stopped and the bench's own connections closed
    whatever happens."""
    served = types.SimpleNamespace(process=None)
    try:
        yield served
        if args.keep and served.process is not None:
            print(f"gunicorn keeps running on port {args.port}; Ctrl-C ends")
            served.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        if served.process is not None:
            stop_gunicorn(served.process)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def describe_server(args) -> str:
    kind = f"gthread, {args.threads} threads each" if args.worker_class == "gthread" else args.worker_class
    return f"gunicorn: {args.workers} workers ({kind}) on port {args.port}; {os.cpu_count()} CPUs shared with " \
           f"PostgreSQL and the load generator"


def load_average() -> str:
    return "load average " + ", ".join(f"{v:.2f}" for v in os.getloadavg())


def latency_line(seconds: list[float]) -> str:
    return (f"latency p50 {statistics.median(seconds) * 1000:.0f} ms, "
            f"p95 {loadgen.percentile(seconds, 0.95) * 1000:.0f} ms, max {max(seconds) * 1000:.0f} ms")


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    found = []
    for path in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in path.read_text().split():
            found += [int(child), *_children(int(child))]
    return found


def tree_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and all its descendants, from /proc."""
    return sum(_cpu_seconds(p) for p in (pid, *_children(pid)))


class CpuMeter:
    """CPU time spent during the burst by gunicorn, by the PostgreSQL backends of the benchmark's database,
    and by this process (the load generator): what a request costs, whatever else the machine runs."""

    def __init__(self, app, server: subprocess.Popen):
        self.app, self.server = app, server
        self.start = self._sample()

    def _backends(self) -> list[int]:
        with self.app.app_context():
            pids = list(db.session.scalars(sa.text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")))
            db.session.rollback()
        return pids

    def _sample(self) -> dict:
        server = [self.server.pid, *_children(self.server.pid)]
        return {"app": {p: _cpu_seconds(p) for p in server}, "db": {p: _cpu_seconds(p) for p in self._backends()},
                "generator": time.process_time()}

    def report(self, requests: int, wall: float) -> str:
        end = self._sample()
        used = {part: sum(v - self.start[part].get(p, 0.0) for p, v in end[part].items()) for part in ("app", "db")}
        used["generator"] = end["generator"] - self.start["generator"]
        total = sum(used.values())
        per = {part: seconds / requests * 1000 for part, seconds in used.items()}
        cores = os.cpu_count() or 1
        return (f"  CPU per request: application {per['app']:.2f} ms, PostgreSQL backends {per['db']:.2f} ms, "
                f"load generator {per['generator']:.2f} ms; {total / wall:.2f} of {cores} cores used by the bench "
                f"(the rest went to other programs); on {cores} idle cores that would be about "
                f"{requests / total * cores:,.0f} requests/s")


def audit_line(app) -> str:
    """The audit trail after the burst, walked as ``electoral audit verify`` does."""
    from electoral.core.audit_verify import verify_chain

    with app.app_context():
        count, problems = verify_chain(db.session)
        db.session.rollback()
    return f"  audit trail: {count:,} entries, " + ("chain intact" if not problems else f"{len(problems)} BREAKS, "
                                                    f"first: #{problems[0].seq} {problems[0].message}")


def burst(port: int, pairs, version: int, submissions: int, concurrency: int, repeat: int):
    """Send the burst; returns the run, the client id of each request, and the set of client ids sent."""
    rng = random.Random(8)
    jobs = []
    for n in range(submissions):
        token, station = pairs[n % len(pairs)]
        q1 = rng.choice(["yes", "yes", "yes", "no"])
        answers = {"Q1": q1, "Q3": rng.choice(["yes"] * 19 + ["no"]), "Q4": rng.randint(2, 8),
                   "Q5": rng.choice(["none", "short", "long"])}
        if q1 == "no":
            answers["Q2"] = rng.randint(5, 120)
        client_id = str(uuid.uuid4())
        body = {"client_id": client_id, "template": "OPEN", "version": version, "station_code": station,
                "answers": answers, "submitted_at": "2026-11-25T07:00:00Z"}
        jobs.append((client_id, loadgen.post("/api/v1/submissions", json.dumps(body).encode(), "application/json",
                                             {"Authorization": f"Bearer {token}"})))
    jobs += [jobs[i] for i in rng.sample(range(len(jobs)), min(repeat, len(jobs)))]
    rng.shuffle(jobs)
    run = loadgen.run(port, [request for _cid, request in jobs], concurrency)
    return run, [cid for cid, _request in jobs]


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


def server_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--worker-class", choices=("gthread", "sync"), default="gthread")
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker (gthread)")
    parser.add_argument("--port", type=int, default=0, help="port for gunicorn (default: any free one)")
    parser.add_argument("--keep", action="store_true", help="keep gunicorn running and wait (Ctrl-C ends)")


def check_answers(run, client_ids: list[str]) -> tuple[dict, int]:
    """Statuses, and how many 200/201 answers did not carry the request's own client id."""
    statuses: dict = {}
    wrong = 0
    for result, client_id in zip(run.results, client_ids, strict=True):
        statuses[result.status] = statuses.get(result.status, 0) + 1
        if result.status in (200, 201) and json.loads(result.body).get("client_id") != client_id:
            wrong += 1
    return statuses, wrong


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stations", type=int, default=30_000)
    parser.add_argument("--observers", type=int, default=2_000)
    parser.add_argument("--submissions", type=int, default=5_000)
    parser.add_argument("--concurrency", type=int, default=32, help="keep-alive connections")
    parser.add_argument("--repeat", type=int, default=250, help="submissions sent a second time (retries)")
    parser.add_argument("--dashboard-submissions", type=int, default=100_000)
    parser.add_argument("--database", default="electoral_observation_bench")
    server_options(parser)
    args = parser.parse_args()

    with scratch_postgres(args.database) as url:
        if url is None:
            return
        app = bench_app(url)
        with serving(app, args) as served:
            started = time.perf_counter()
            pairs, version = seed(app, args.stations, args.observers)
            print(f"seeded {args.stations:,} stations and {args.observers:,} accredited observers with tokens "
                  f"in {time.perf_counter() - started:.1f} s")
            args.port = args.port or _free_port()
            process = served.process = start_gunicorn(url, args.port, args.workers, args.worker_class,
                                                      args.threads)
            print(describe_server(args))
            meter = CpuMeter(app, process)
            run, client_ids = burst(args.port, pairs, version, args.submissions, args.concurrency, args.repeat)
            after = load_average()
            cpu = meter.report(len(client_ids), run.wall)
            statuses, wrong = check_answers(run, client_ids)
            print(f"burst: {len(client_ids):,} requests ({args.submissions:,} submissions + {args.repeat:,} retries "
                  f"of the same client id) over {args.concurrency} connections in {run.wall:.2f} s; {after}")
            print(f"  {len(client_ids) / run.wall:,.0f} requests/s; {latency_line([r.seconds for r in run.results])}")
            print(f"  statuses: {dict(sorted(statuses.items(), key=str))}; answers not carrying their own client id: "
                  f"{wrong}; sent again after a dropped connection: {run.resent}")
            print(cpu)
            with app.app_context():
                stored = set(db.session.scalars(sa.text("SELECT client_id FROM observation_submission")))
                rows = db.session.scalar(sa.text("SELECT count(*) FROM observation_submission"))
            sent = set(client_ids)
            lost, extra = sent - stored, rows - len(stored)
            print(f"  count back: {rows:,} submissions stored for {len(sent):,} client ids; "
                  f"lost {len(lost)}, doubled {extra}, unknown {len(stored - sent)}")
            print(audit_line(app))

            if args.dashboard_submissions:
                load_started = time.perf_counter()
                load_submissions(app, args.dashboard_submissions)
                with app.app_context():
                    total = db.session.scalar(sa.text("SELECT count(*) FROM observation_submission"))
                    answers = db.session.scalar(sa.text("SELECT count(*) FROM observation_answer"))
                print(f"loaded {args.dashboard_submissions:,} more submissions in "
                      f"{time.perf_counter() - load_started:.1f} s: {total:,} submissions, {answers:,} answer rows")
                for label, path in (
                        ("national", "/observation/dashboard?phase=opening&template=OPEN"),
                        ("one region", "/observation/dashboard?phase=opening&template=OPEN&area=region:R03")):
                    timings = time_dashboard(args.port, path)
                    print(f"dashboard ({label}) over {total:,} submissions: median "
                          f"{statistics.median(timings) * 1000:.0f} ms, best {min(timings) * 1000:.0f} ms, "
                          f"worst {max(timings) * 1000:.0f} ms")


if __name__ == "__main__":
    with speed_reported():
        main()
