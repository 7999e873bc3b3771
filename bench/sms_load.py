"""Observation by SMS under load: gateway webhooks posted to gunicorn on PostgreSQL, counted back.

Builds its own database ``electoral_sms_bench`` (created and dropped; test databases
are left alone) with the same stations, observers and opening checklist as
bench/observation_load.py, runs the application under gunicorn (2 workers, gthread)
with one Telerivet-style gateway (replies in the webhook response), and posts
--messages SMS from --concurrency threads on loopback: most well-formed, --malformed
of them unreadable, and --repeat of them sent again with the same gateway id (the
gateway retrying). Prints messages/s, latency p50/p95/max, then counts back: every
POST stored exactly once, one submission per well-formed message, none doubled, and
every processed message with its reply.

Goal (issue 10): at least 200 messages/s processed with replies, none lost or doubled.

    .venv/bin/python bench/sms_load.py [--messages 3000] [--concurrency 32]
"""

import argparse
import http.client
import json
import os
import random
import signal
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import observation_load as base  # noqa: E402

from electoral import create_app  # noqa: E402
from electoral.config import testing_config  # noqa: E402
from electoral.extensions import db  # noqa: E402

base.PG_DATABASE = "electoral_sms_bench"
SECRET = "bench-gateway-secret"


def messages(count: int, observers: int, malformed: int, repeat: int) -> list[dict]:
    rng = random.Random(10)
    jobs = []
    for n in range(count):
        o = n % observers
        if n < malformed:
            text = f"OPEN B{o:06d} Q1 maybe Q3"
        else:
            q1 = rng.choice(["Y", "Y", "Y", "N"])
            late = f" Q2 {rng.randint(5, 90)}" if q1 == "N" else ""
            text = f"open b{o:06d} q1{q1}{late} q3{rng.choice('YYYYYYYYYN')} q4 {rng.randint(2, 8)} q5{rng.randint(1, 3)}"
        jobs.append({"event": "incoming_message", "id": f"SM{n:08d}", "from_number": f"+231 77 {o:07d}",
                     "to_number": "+231880000000", "content": text, "secret": SECRET})
    jobs += [jobs[i] for i in rng.sample(range(len(jobs)), min(repeat, len(jobs)))]
    rng.shuffle(jobs)
    return jobs


def burst(port: int, jobs: list[dict], concurrency: int):
    latencies, statuses, replies, lock = [], {}, [0], threading.Lock()
    queue = iter(jobs)

    def worker():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                job = next(queue, None)
            if job is None:
                return
            start = time.perf_counter()
            try:
                connection.request("POST", "/sms/inbound/bench", body=urlencode(job),
                                   headers={"Content-Type": "application/x-www-form-urlencoded"})
                response = connection.getresponse()
                body = response.read()
                status = response.status
                got_reply = status == 200 and bool(json.loads(body).get("messages"))
            except (OSError, http.client.HTTPException, ValueError):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status, got_reply = "error", False
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1
                replies[0] += got_reply

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, statuses, replies[0], time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stations", type=int, default=30_000)
    parser.add_argument("--observers", type=int, default=2_000)
    parser.add_argument("--messages", type=int, default=3_000)
    parser.add_argument("--malformed", type=int, default=150)
    parser.add_argument("--repeat", type=int, default=150, help="messages the gateway sends twice")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (gthread)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    os.environ["ELECTORAL_SMS_GATEWAYS"] = json.dumps({"bench": {"kind": "telerivet", "secret": SECRET}})
    url = base.recreate_database()
    app = create_app({**testing_config(url), "TESTING": False})
    process = None
    try:
        started = time.perf_counter()
        base.seed(app, args.stations, args.observers)
        print(f"seeded {args.stations:,} stations and {args.observers:,} accredited observers "
              f"in {time.perf_counter() - started:.1f} s")
        port = base._free_port()
        process = base.start_gunicorn(url, port, args.threads)
        print(f"gunicorn: 2 workers, {args.threads} threads each; {os.cpu_count()} CPUs shared with PostgreSQL "
              f"and the load generator")
        jobs = messages(args.messages, args.observers, args.malformed, args.repeat)
        latencies, statuses, replies, wall = burst(port, jobs, args.concurrency)
        ordered = sorted(latencies)
        print(f"burst: {len(jobs):,} webhook calls ({args.messages:,} messages, {args.malformed:,} malformed, "
              f"+{args.repeat:,} repeats) from {args.concurrency} threads in {wall:.2f} s")
        print(f"  {len(jobs) / wall:,.0f} messages/s; latency p50 {statistics.median(ordered) * 1000:.0f} ms, "
              f"p95 {ordered[int(len(ordered) * 0.95) - 1] * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms")
        print(f"  statuses: {dict(sorted(statuses.items(), key=str))}; responses carrying a reply: {replies:,}")
        with app.app_context():
            count = dict(db.session.execute(sa.text("SELECT status, count(*) FROM sms_message GROUP BY status")).all())
            distinct = db.session.scalar(sa.text("SELECT count(DISTINCT gateway_id) FROM sms_message"))
            subs = db.session.scalar(sa.text("SELECT count(*) FROM observation_submission WHERE channel = 'sms'"))
            doubled = db.session.scalar(sa.text(
                "SELECT count(*) FROM (SELECT submission_id FROM sms_message WHERE submission_id IS NOT NULL "
                "GROUP BY submission_id HAVING count(*) > 1) d"))
            unanswered = db.session.scalar(sa.text(
                "SELECT count(*) FROM sms_message WHERE status <> 'duplicate' AND reply = ''"))
        stored = sum(count.values())
        print(f"counted back: {stored:,} messages stored for {len(jobs):,} calls ({distinct:,} distinct gateway ids); "
              f"by status {dict(sorted(count.items()))}")
        print(f"  submissions by SMS: {subs:,} (well-formed messages: {args.messages - args.malformed:,}); "
              f"submissions filed twice: {doubled}; stored messages without a reply: {unanswered}")
        ok = (stored == len(jobs) and distinct == args.messages and count.get("duplicate", 0) == args.repeat
              and subs == args.messages - args.malformed and not doubled and not unanswered)
        print("none lost, none doubled" if ok else "MISMATCH: see the counts above")
    finally:
        if process is not None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        if not args.keep:
            base.drop_database()


if __name__ == "__main__":
    main()
