"""Polling day under load: observers, coordinators, results clerks and the public at once, then a count-back.

1. Builds a PostgreSQL database of its own (bench/scratch.py, dropped afterwards)
   holding the demo election (600 stations, a roll of 6,000), two races on the
   ballot everywhere, --observers accredited observers with API tokens, a
   published opening checklist, and --clerks results clerks.
2. Serves the application with gunicorn (2 workers, gthread) on 127.0.0.1:--port.
3. For --seconds drives a mixed load from threads on loopback, each a person
   with their own keep-alive connection and signed-in session:
   observers POST checklists to /api/v1/submissions (a share of them sent again
   with the same client id, as a phone retrying); coordinators refresh the
   observation dashboard; results clerks open a tally sheet's entry form and
   save it (CSRF token from the page), the first entry by one clerk, the second
   by another, now and then pressing save twice; the public reads the results
   pages. Rate limits are off: one loopback address stands for every phone.
4. Prints requests per second, p50/p95/p99 latency per kind and overall, the
   errors (5xx, dropped connections, unexpected answers), and a count-back: every
   filing the API accepted and every entry a clerk saw saved is in the database
   exactly once, nothing else is, no sheet holds two copies of an entry, and
   the audit trail's chain is unbroken.

    .venv/bin/python bench/polling_day_load.py [--seconds 60] [--port 8201]
"""

import argparse
import http.client
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict, deque
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import observation_load as base  # noqa: E402  (bench/ is on sys.path when run as a script)
from machine import speed_reported  # noqa: E402  (bench/ is on sys.path when run as a script)
from scratch import scratch_postgres  # noqa: E402

from electoral.extensions import db  # noqa: E402

PASSWORD = "bench-password-123"
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
RACES = ("PRES", "LEG")
CANDIDATES = ("C1", "C2", "C3")
SERVER_NAME = "polling-day-load"  # the application_name of the served application's connections


# ---- the election ---------------------------------------------------------------

def seed(app, observers: int, clerks: int) -> dict:
    """The demo election plus races, observers with tokens, a checklist and clerks; returns what the load needs."""
    import datetime as dt

    from electoral.accounts.models import User, UserRole
    from electoral.accounts.services import hash_password
    from electoral.core.auth import Role
    from electoral.demo import DEMO_PASSWORD, load_demo
    from electoral.geography.models import PollingStation, Region
    from electoral.observation import services as observation
    from electoral.observation.models import Observer, Organisation
    from electoral.registration.models import Voter
    from electoral.results.models import Candidate, Race, RaceArea

    with app.app_context():
        db.create_all()
        load_demo(db.session)
        for code, name, kind in (("PRES", "President", "presidential"), ("LEG", "House of Representatives",
                                                                          "legislative")):
            race = Race(code=code, name=name, kind=kind)
            for order, candidate in enumerate(CANDIDATES, start=1):
                race.candidates.append(Candidate(code=candidate, name=f"Candidate {order}", party=f"Party {order}",
                                                 ballot_order=order))
            if kind == "legislative":
                race.areas = [RaceArea(region_id=region_id) for region_id in db.session.scalars(sa.select(Region.id))]
            db.session.add(race)
        stations = db.session.execute(sa.select(PollingStation.id, PollingStation.code)
                                      .order_by(PollingStation.code)).all()
        roll = dict(db.session.execute(sa.select(Voter.station_id, sa.func.count(Voter.id))
                                       .where(Voter.status == "active").group_by(Voter.station_id)).all())
        template = observation.create_template(db.session, "OPEN", "Opening", "opening")
        observation.add_question(db.session, template, "Q1", "yes_no", {"en": "Opened on time?"})
        observation.add_question(db.session, template, "Q2", "integer", {"en": "Minutes late"}, minimum=0,
                                 maximum=600, relevance="Q1 = no")
        observation.add_question(db.session, template, "Q3", "yes_no", {"en": "Ballot box sealed?"},
                                 critical="Q3 = no")
        observation.add_question(db.session, template, "Q4", "integer", {"en": "Officials present"}, minimum=0,
                                 maximum=10)
        observation.publish(db.session, template)
        organisation = Organisation(code="DOMWATCH", name="Domestic Election Watch", international=False)
        db.session.add(organisation)
        password_hash = hash_password(PASSWORD)
        until = dt.date.today() + dt.timedelta(days=30)
        deployed = []
        for n in range(observers):
            station_id, station_code = stations[n % len(stations)]
            user = User(username=f"obs{n:05d}", full_name=f"Observer {n}", password_hash=password_hash,
                        active=True, session_version=1)
            user.role_links = [UserRole(role=Role.OBSERVER.value)]
            db.session.add(Observer(organisation=organisation, family_name=f"Observer{n}", given_names="Fatu",
                                    sex="F", phone=f"+231 77 {n:07d}", languages="en", accreditation="approved",
                                    accreditation_number=f"OBS-L{n:06d}", valid_until=until, user=user,
                                    station_id=station_id))
            deployed.append((user, station_code))
        db.session.flush()
        tokens = [(observation.create_token(db.session, user), code) for user, code in deployed]
        clerk_names = []
        for n in range(clerks):
            user = User(username=f"tally{n:02d}", full_name=f"Results clerk {n}", password_hash=password_hash,
                        active=True, session_version=1)
            user.role_links = [UserRole(role=Role.RESULTS_CLERK.value)]
            db.session.add(user)
            clerk_names.append(user.username)
        db.session.commit()
        return {"tokens": tokens, "version": template.version, "clerks": clerk_names,
                "coordinator": ("coordinator", DEMO_PASSWORD),
                "sheets": [(race, code, roll.get(station_id) or 0) for race in RACES for station_id, code in stations]}


# ---- the server -----------------------------------------------------------------

def start_gunicorn(url: str, port: int, threads: int) -> subprocess.Popen:
    # The served application's connections carry a name of their own, so their CPU is counted apart.
    served = sa.make_url(url).update_query_dict({"application_name": SERVER_NAME})
    return base.start_gunicorn(served.render_as_string(hide_password=False), port, 2, "gthread", threads,
                               {"ELECTORAL_INSTANCE": "/tmp/polling-day-load-instance"})


def database_cpu_seconds(url: str) -> float:
    """CPU time of the PostgreSQL processes serving the application's connections (local server only)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            pids = list(connection.scalars(sa.text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = :name"),
                {"name": SERVER_NAME}))
    finally:
        engine.dispose()
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            continue
    return total


# ---- the people -----------------------------------------------------------------

class Browser:
    """One keep-alive connection with its cookies, as a phone or a browser tab holds."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            raise
        for cookie in response.msg.get_all("Set-Cookie") or []:
            name, _sep, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value
        return response.status, data

    def form(self, path: str, fields: dict):
        return self.request("POST", path, urlencode(fields).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded"})

    def sign_in(self, username: str, password: str) -> None:
        _status, page = self.request("GET", "/login")
        token = CSRF.search(page.decode()).group(1)
        status, _page = self.form("/login", {"csrf_token": token, "username": username, "password": password})
        assert status == 302, f"{username} could not sign in ({status})"


class Tally:
    """Every request's kind, latency and outcome, and what the server said it kept."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.refused = defaultdict(int)  # refusals the load provoked on purpose (a second press of save)
        self.filed: dict[str, int] = {}  # client id -> status of its first answer
        self.retries = 0
        self.entries: set[tuple[str, str, int]] = set()  # (race, station, entry number) the server saved

    def record(self, kind: str, seconds: float, problem: str | None = None) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            if problem:
                self.errors[kind][problem] += 1


def timed(tally: Tally, kind: str, send, expected: tuple[int, ...]):
    """Send one request; return (status, body), or None when it failed (recorded as an error)."""
    start = time.perf_counter()
    try:
        status, body = send()
    except (OSError, http.client.HTTPException) as failure:
        tally.record(kind, time.perf_counter() - start, type(failure).__name__)
        return None
    tally.record(kind, time.perf_counter() - start, None if status in expected else f"HTTP {status}")
    return status, body


def observer(port: int, tokens, version: int, tally: Tally, stop: float, rng: random.Random, retry_share: float):
    browser = Browser(port)
    last = None
    while time.monotonic() < stop:
        if last is not None and rng.random() < retry_share:
            token, body, client_id = last  # the answer was lost on the way back: the phone sends again
            retry = True
        else:
            token, station = rng.choice(tokens)
            client_id = str(uuid.uuid4())
            q1 = rng.choice(("yes", "yes", "yes", "no"))
            answers = {"Q1": q1, "Q3": "yes" if rng.random() > 0.05 else "no", "Q4": rng.randint(2, 8)}
            if q1 == "no":
                answers["Q2"] = rng.randint(5, 120)
            body = json.dumps({"client_id": client_id, "template": "OPEN", "version": version,
                               "station_code": station, "answers": answers,
                               "submitted_at": "2026-11-25T07:00:00Z"}).encode()
            retry = False
        answer = timed(tally, "observer: file checklist (API)", lambda: browser.request(  # noqa: B023
            "POST", "/api/v1/submissions", body, {"Authorization": f"Bearer {token}",  # noqa: B023
                                                  "Content-Type": "application/json"}),
            (200, 201) if retry else (201,))
        if answer and answer[0] in (200, 201):
            with tally.lock:
                tally.filed.setdefault(client_id, answer[0])
                tally.retries += retry
        last = (token, body, client_id)


def coordinator(port: int, credentials, tally: Tally, stop: float, think: float):
    browser = Browser(port)
    browser.sign_in(*credentials)
    while time.monotonic() < stop:
        answer = timed(tally, "coordinator: dashboard", lambda: browser.request("GET", "/observation/dashboard"),
                       (200,))
        if answer and b"Coverage" not in answer[1]:
            tally.record("coordinator: dashboard", 0.0, "page without coverage")
        time.sleep(think)


def public_reader(port: int, tally: Tally, stop: float, think: float, rng: random.Random):
    browser = Browser(port)
    while time.monotonic() < stop:
        path = rng.choice(("/results/public/", "/results/public/PRES", "/results/public/LEG"))
        timed(tally, "public: results page", lambda: browser.request("GET", path), (200,))  # noqa: B023
        time.sleep(think)


class SheetDesk:
    """The pile of tally sheets: new ones for a first entry, entered ones awaiting another clerk's second."""

    def __init__(self, sheets, rng: random.Random):
        self.lock = threading.Lock()
        self.fresh = deque(rng.sample(sheets, len(sheets)))
        self.awaiting: deque = deque()

    def take(self, clerk: str):
        with self.lock:
            for _ in range(len(self.awaiting)):
                sheet, first_clerk = self.awaiting.popleft()
                if first_clerk != clerk:
                    return sheet, 2
                self.awaiting.append((sheet, first_clerk))
            return (self.fresh.popleft(), 1) if self.fresh else (None, None)

    def entered(self, sheet, clerk: str) -> None:
        with self.lock:
            self.awaiting.append((sheet, clerk))


def figures(registered: int, rng: random.Random) -> dict:
    received = max(registered, 100) + 20
    cast = int(registered * rng.uniform(0.45, 0.8)) if registered else rng.randint(40, 90)
    spoiled, invalid = rng.randint(0, 3), min(rng.randint(0, 4), cast)
    votes = [int((cast - invalid) * share) for share in (0.5, 0.3)]
    votes.append(cast - invalid - sum(votes))
    fields = {"ballots_received": received, "ballots_cast": cast, "unused": received - cast - spoiled,
              "spoiled": spoiled, "invalid": invalid, "valid": cast - invalid}
    fields.update({f"candidate_{code}": n for code, n in zip(CANDIDATES, votes, strict=True)})
    return {k: str(v) for k, v in fields.items()}


def clerk(port: int, username: str, desk: SheetDesk, agreed: dict, tally: Tally, stop: float,
          rng: random.Random, double_press: float):
    browser = Browser(port)
    browser.sign_in(username, PASSWORD)
    while time.monotonic() < stop:
        sheet, number = desk.take(username)
        if sheet is None:  # every sheet entered: the clerk looks at the entry list instead
            timed(tally, "results clerk: open entry form", lambda: browser.request("GET", "/results/entry"), (200,))
            continue
        race, station, registered = sheet
        path = f"/results/entry/{race}/{station}"
        page = timed(tally, "results clerk: open entry form", lambda: browser.request("GET", path), (200,))  # noqa: B023
        if page is None or page[0] != 200:
            continue
        token = CSRF.search(page[1].decode())
        if number == 1:
            agreed[sheet] = figures(registered, rng)
        values = dict(agreed[sheet])
        if number == 2 and rng.random() < 0.03:  # a slip of the pen: the sheet goes to correction
            values["invalid"] = str(int(values["invalid"]) + 1)
        fields = {**values, "entry_no": str(number), "csrf_token": token.group(1) if token else ""}
        saved = timed(tally, "results clerk: save entry (form)", lambda: browser.form(path, fields), (302,))  # noqa: B023
        if saved and saved[0] == 302:
            with tally.lock:
                tally.entries.add((race, station, number))
            if number == 1:
                desk.entered(sheet, username)
            if rng.random() < double_press:
                # The clerk presses save again on a slow network: refused with a message, nothing doubled.
                again = timed(tally, "results clerk: save entry (form)", lambda: browser.form(path, fields),  # noqa: B023
                              (400, 200))
                if again and again[0] in (400, 200):
                    with tally.lock:
                        tally.refused["second press of save"] += 1


# ---- the report -----------------------------------------------------------------

def percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, max(0, int(round(share * len(ordered))) - 1))]


def report(tally: Tally, wall: float) -> None:
    every = sorted(s for samples in tally.latencies.values() for s in samples)
    print(f"\n{'kind':38} {'requests':>9} {'per s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>7}")
    rows = sorted(tally.latencies.items()) + [("all", every)]
    for kind, samples in rows:
        ordered = sorted(samples)
        errors = sum(sum(e.values()) for e in tally.errors.values()) if kind == "all" else sum(
            tally.errors[kind].values())
        print(f"{kind:38} {len(ordered):9,} {len(ordered) / wall:7.1f} {percentile(ordered, .5) * 1000:7.0f} "
              f"{percentile(ordered, .95) * 1000:7.0f} {percentile(ordered, .99) * 1000:7.0f} {errors:7,}")
    for kind, problems in sorted(tally.errors.items()):
        if problems:
            print(f"  errors in {kind}: {dict(problems)}")
    if tally.refused:
        print(f"  refused on purpose (expected): {dict(tally.refused)}")


def count_back(app, tally: Tally) -> bool:
    """True when the database holds exactly what the server said it accepted, each once."""
    from electoral.core.audit_verify import verify_chain
    from electoral.geography.models import PollingStation
    from electoral.observation.models import Submission
    from electoral.results.models import Race, TallyEntry, TallySheet

    with app.app_context():
        stored = db.session.execute(sa.select(Submission.client_id, sa.func.count())
                                    .group_by(Submission.client_id)).all()
        stored_ids = {client_id for client_id, _n in stored}
        doubled = [client_id for client_id, n in stored if n > 1]
        accepted = set(tally.filed)
        lost, unknown = accepted - stored_ids, stored_ids - accepted
        firsts = sum(1 for status in tally.filed.values() if status == 201)
        print(f"\ncount-back, observers: {len(accepted):,} filings accepted ({firsts:,} answered 201 first, "
              f"{tally.retries:,} retries answered), {len(stored_ids):,} in the database; "
              f"lost {len(lost)}, doubled {len(doubled)}, unknown {len(unknown)}")
        entries = db.session.execute(
            sa.select(Race.code, PollingStation.code, TallyEntry.entry_no, sa.func.count())
            .join(TallySheet, TallyEntry.sheet_id == TallySheet.id).join(Race, TallySheet.race_id == Race.id)
            .join(PollingStation, TallySheet.station_id == PollingStation.id)
            .group_by(Race.code, PollingStation.code, TallyEntry.entry_no)).all()
        entry_keys = {(race, station, number) for race, station, number, _n in entries}
        entry_doubles = [key for *key, n in entries if n > 1]
        entry_lost, entry_unknown = tally.entries - entry_keys, entry_keys - tally.entries
        states = dict(db.session.execute(sa.select(TallySheet.state, sa.func.count()).group_by(TallySheet.state)).all())
        print(f"count-back, results: {len(tally.entries):,} entries saved, {len(entry_keys):,} in the database; "
              f"lost {len(entry_lost)}, doubled {len(entry_doubles)}, unknown {len(entry_unknown)}; sheets {states}")
        totals_wrong = running_totals_disagree(db.session)
        count, problems = verify_chain(db.session)
        print(f"audit trail: {count:,} entries, {len(problems)} problems")
    return not (lost or doubled or unknown or entry_lost or entry_doubles or entry_unknown or problems
                or totals_wrong)


def running_totals_disagree(session) -> bool:
    """Whether the kept national running totals (where the schema has them) differ from the accepted sheets."""
    if not sa.inspect(session.get_bind()).has_table("result_total"):
        return False
    kept = dict(session.execute(sa.text(
        "SELECT r.code, t.counted || '/' || t.valid FROM result_total t JOIN race r ON r.id = t.race_id "
        "WHERE t.level = 'national'")).all())
    recount = dict(session.execute(sa.text(
        "SELECT r.code, count(s.id) || '/' || coalesce(sum(s.valid), 0) FROM race r "
        "LEFT JOIN tally_sheet s ON s.race_id = r.id AND s.state = 'accepted' GROUP BY r.code")).all())
    recount = {code: value for code, value in recount.items() if value != "0/0" or code in kept}
    print(f"running totals, accepted sheets/valid votes: kept {kept}, recounted {recount}")
    return kept != recount


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--port", type=int, default=8201)
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (gthread)")
    parser.add_argument("--observers", type=int, default=300, help="accredited observers with tokens")
    parser.add_argument("--observer-phones", type=int, default=8, help="observers filing at once")
    parser.add_argument("--coordinators", type=int, default=2)
    parser.add_argument("--clerks", type=int, default=4, help="results clerks entering at once")
    parser.add_argument("--public", type=int, default=4, help="members of the public reading results")
    parser.add_argument("--think", type=float, default=0.5,
                        help="seconds a coordinator or reader waits between pages (observers and clerks do not)")
    parser.add_argument("--retry-share", type=float, default=0.05)
    parser.add_argument("--double-press", type=float, default=0.05)
    args = parser.parse_args()

    with scratch_postgres("electoral_polling_day_load") as url:
        if url is None:
            return
        app = base.bench_app(url)
        started = time.perf_counter()
        setup = seed(app, args.observers, max(args.clerks, 2))
        print(f"seeded the demo election, 2 races on {len(setup['sheets']) // 2} stations, {args.observers} "
              f"observers with tokens, {max(args.clerks, 2)} results clerks in {time.perf_counter() - started:.1f} s")
        process = start_gunicorn(url, args.port, args.threads)
        try:
            tally, rng = Tally(), random.Random(2026)
            desk, agreed = SheetDesk(setup["sheets"], rng), {}
            stop = time.monotonic() + args.seconds
            people = (
                [threading.Thread(target=observer, args=(args.port, setup["tokens"], setup["version"], tally, stop,
                                                         random.Random(n), args.retry_share))
                 for n in range(args.observer_phones)]
                + [threading.Thread(target=coordinator, args=(args.port, setup["coordinator"], tally, stop,
                                                              args.think)) for _ in range(args.coordinators)]
                + [threading.Thread(target=clerk, args=(args.port, setup["clerks"][n % len(setup["clerks"])], desk,
                                                        agreed, tally, stop, random.Random(100 + n),
                                                        args.double_press)) for n in range(args.clerks)]
                + [threading.Thread(target=public_reader, args=(args.port, tally, stop, args.think,
                                                                random.Random(200 + n))) for n in range(args.public)])
            print(f"gunicorn: 2 workers x {args.threads} threads on 127.0.0.1:{args.port}; {args.observer_phones} "
                  f"observers, {args.coordinators} coordinators, {args.clerks} clerks, {args.public} readers "
                  f"for {args.seconds:.0f} s")
            server_before, own_before = base.tree_cpu_seconds(process.pid), time.process_time()
            begun = time.perf_counter()
            for person in people:
                person.start()
            for person in people:
                person.join()
            wall = time.perf_counter() - begun
            server_cpu, own_cpu = base.tree_cpu_seconds(process.pid) - server_before, time.process_time() - own_before
            # The server's connections are still open: their CPU since they started is this run's.
            database_cpu = database_cpu_seconds(url)
        finally:
            base.stop_gunicorn(process)
        load = os.getloadavg()
        report(tally, wall)
        requests = sum(len(samples) for samples in tally.latencies.values())
        if requests and server_cpu:
            # On a shared machine the latencies depend on the neighbours; CPU per request does not.
            print(f"\nCPU per request: gunicorn {server_cpu / requests * 1000:.1f} ms, PostgreSQL "
                  f"{database_cpu / requests * 1000:.1f} ms (its connections' processes), this generator "
                  f"{own_cpu / requests * 1000:.1f} ms; gunicorn used {server_cpu / wall:.2f} of a core")
        print(f"\nload average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} cores)")
        whole = count_back(app, tally)
        with app.app_context():
            db.engine.dispose()
        print("nothing lost, nothing doubled" if whole else "COUNT-BACK FAILED")
        if not whole:
            raise SystemExit(1)


if __name__ == "__main__":
    with speed_reported():
        main()
