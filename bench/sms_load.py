"""Observation by SMS under load: gateway webhooks posted to gunicorn on PostgreSQL, counted back.

Builds its own database (--database, created and dropped through bench/scratch.py;
test databases are left alone) with the same stations, observers and opening checklist
as bench/observation_load.py, runs the application under gunicorn (the same server
options) with one Telerivet gateway (replies in the webhook response), and posts
--messages SMS in Telerivet's webhook form over --concurrency keep-alive connections
from the lean asyncio client (bench/loadgen.py): most well-formed, --malformed of them
unreadable, and --repeat of them sent again with the same gateway id (the gateway
retrying). Every answer is checked: a 200 whose JSON carries the reply (a
confirmation naming the station for a well-formed message, an error otherwise).
Prints messages/s, latency p50/p95/max and the load average, then counts back: every
POST stored exactly once, one submission per well-formed message, none doubled, and
every processed message with its reply.

Goal (issue 10): at least 200 messages/s processed with replies, none lost or doubled.

    .venv/bin/python bench/sms_load.py [--messages 3000] [--concurrency 32] [--port 8102]

The webhook has no rate limit (a gateway relays every observer's messages from a few
addresses, so a limit by address would refuse observers); nothing is switched off.
"""

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import loadgen  # noqa: E402
import observation_load as base  # noqa: E402
from machine import speed_reported  # noqa: E402  (bench/ is on sys.path when run as a script)
from scratch import scratch_postgres  # noqa: E402

from electoral.extensions import db  # noqa: E402

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
    requests = [loadgen.post("/sms/inbound/bench", urlencode(job).encode(), "application/x-www-form-urlencoded")
                for job in jobs]
    return loadgen.run(port, requests, concurrency)


def check_replies(run, jobs: list[dict]) -> tuple[dict, int, int]:
    """Statuses; answers carrying a reply; well-formed first sendings whose reply is not the confirmation."""
    statuses: dict = {}
    replies = wrong = 0
    seen = set()
    for result, job in zip(run.results, jobs, strict=True):
        statuses[result.status] = statuses.get(result.status, 0) + 1
        if result.status != 200:
            continue
        messages = json.loads(result.body).get("messages") or []
        replies += bool(messages)
        if job["id"] in seen or " maybe " in job["content"]:
            continue
        seen.add(job["id"])
        if not messages or "received for S" not in messages[0]["content"]:
            wrong += 1
    return statuses, replies, wrong


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stations", type=int, default=30_000)
    parser.add_argument("--observers", type=int, default=2_000)
    parser.add_argument("--messages", type=int, default=3_000)
    parser.add_argument("--malformed", type=int, default=150)
    parser.add_argument("--repeat", type=int, default=150, help="messages the gateway sends twice")
    parser.add_argument("--concurrency", type=int, default=32, help="keep-alive connections")
    parser.add_argument("--database", default="electoral_sms_bench")
    base.server_options(parser)
    args = parser.parse_args()

    gateways = json.dumps({"bench": {"kind": "telerivet", "secret": SECRET}})
    os.environ["ELECTORAL_SMS_GATEWAYS"] = gateways
    with scratch_postgres(args.database) as url:
        if url is None:
            return
        app = base.bench_app(url)
        with base.serving(app, args) as served:
            started = time.perf_counter()
            base.seed(app, args.stations, args.observers)
            print(f"seeded {args.stations:,} stations and {args.observers:,} accredited observers "
                  f"in {time.perf_counter() - started:.1f} s")
            args.port = args.port or base._free_port()
            process = served.process = base.start_gunicorn(url, args.port, args.workers, args.worker_class,
                                                           args.threads, {"ELECTORAL_SMS_GATEWAYS": gateways})
            print(base.describe_server(args))
            jobs = messages(args.messages, args.observers, args.malformed, args.repeat)
            meter = base.CpuMeter(app, process)
            run = burst(args.port, jobs, args.concurrency)
            after = base.load_average()
            cpu = meter.report(len(jobs), run.wall)
            statuses, replies, wrong = check_replies(run, jobs)
            print(f"burst: {len(jobs):,} webhook calls ({args.messages:,} messages, {args.malformed:,} malformed, "
                  f"+{args.repeat:,} repeats) over {args.concurrency} connections in {run.wall:.2f} s; {after}")
            print(f"  {len(jobs) / run.wall:,.0f} messages/s; {base.latency_line([r.seconds for r in run.results])}")
            print(f"  statuses: {dict(sorted(statuses.items(), key=str))}; responses carrying a reply: {replies:,}; "
                  f"well-formed messages not confirmed: {wrong}; sent again after a dropped connection: {run.resent}")
            print(cpu)
            with app.app_context():
                count = dict(db.session.execute(sa.text(
                    "SELECT status, count(*) FROM sms_message GROUP BY status")).all())
                distinct = db.session.scalar(sa.text("SELECT count(DISTINCT gateway_id) FROM sms_message"))
                subs = db.session.scalar(sa.text(
                    "SELECT count(*) FROM observation_submission WHERE channel = 'sms'"))
                doubled = db.session.scalar(sa.text(
                    "SELECT count(*) FROM (SELECT submission_id FROM sms_message WHERE submission_id IS NOT NULL "
                    "GROUP BY submission_id HAVING count(*) > 1) d"))
                unanswered = db.session.scalar(sa.text(
                    "SELECT count(*) FROM sms_message WHERE status <> 'duplicate' AND reply = ''"))
            stored = sum(count.values())
            print(f"counted back: {stored:,} messages stored for {len(jobs):,} calls ({distinct:,} distinct gateway "
                  f"ids); by status {dict(sorted(count.items()))}")
            print(f"  submissions by SMS: {subs:,} (well-formed messages: {args.messages - args.malformed:,}); "
                  f"submissions filed twice: {doubled}; stored messages without a reply: {unanswered}")
            # A call sent again after a dropped connection may have been stored the first time too (as a repeat).
            firsts = stored - count.get("duplicate", 0)
            ok = (len(jobs) <= stored <= len(jobs) + run.resent and firsts == distinct == args.messages
                  and subs == args.messages - args.malformed and not doubled and not unanswered and not wrong)
            print("none lost, none doubled" if ok else "MISMATCH: see the counts above")
            print(base.audit_line(app))


if __name__ == "__main__":
    with speed_reported():
        main()
