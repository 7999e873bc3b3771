"""Logistics at DRC 2023 scale: 75,478 polling stations in 24,889 centres.

Prints the time to recompute the whole allocation (goal: under 3 s) from
synthetic voter counts per station, the time of the roll's GROUP BY over a
synthetic voter table of --roll-voters rows (the step that reads the counts
from the roll; 44 million voters are not built here), and how many packing-list
pages are printed a second (goal: at least 100) for --packing-lists centres
whose voters are on the roll. Runs on a temporary SQLite file, then on
PostgreSQL in its own database ``electoral_logistics_bench`` (created and
dropped) if the server at ELECTORAL_BENCH_POSTGRES is reachable.

    .venv/bin/python bench/logistics_bench.py [--roll-voters 500000] [--packing-lists 100]
"""

import argparse
import datetime as dt
import io
import random
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from machine import speed_reported  # noqa: E402  (bench/ is on sys.path when run as a script)
from scratch import scratch_postgres  # noqa: E402  (bench/ is on sys.path when run as a script)

from electoral import create_app  # noqa: E402
from electoral.config import testing_config  # noqa: E402
from electoral.core.auth import Role  # noqa: E402
from electoral.extensions import db  # noqa: E402

STATIONS = 75_478
CENTRES = 24_889
REGIONS = 26  # DRC's provinces
DISTRICTS = 179  # territories and towns
BATCH = 20_000
PG_DATABASE = "electoral_logistics_bench"


def _insert(table, rows):
    for start in range(0, len(rows), BATCH):
        db.session.execute(sa.insert(table), rows[start:start + BATCH])


def build_geography(rng: random.Random) -> dict[int, int]:
    """The DRC-sized tree; returns synthetic voters per station id (43.9 million in all, within 680)."""
    from electoral.geography.models import District, PollingCentre, PollingStation, Region

    _insert(Region.__table__, [{"id": r, "code": f"P{r:02d}", "name": f"Province {r}"} for r in range(1, REGIONS + 1)])
    _insert(District.__table__, [{"id": d, "code": f"T{d:03d}", "name": f"Territory {d}",
                                  "region_id": 1 + d % REGIONS} for d in range(1, DISTRICTS + 1)])
    _insert(PollingCentre.__table__, [{"id": c, "code": f"C{c:05d}", "name": f"Centre {c}",
                                       "district_id": 1 + c % DISTRICTS} for c in range(1, CENTRES + 1)])
    # Every centre gets at least one station; the rest are spread at random.
    centre_of = list(range(1, CENTRES + 1)) + [rng.randint(1, CENTRES) for _ in range(STATIONS - CENTRES)]
    _insert(PollingStation.__table__, [{"id": s, "code": f"S{s:06d}", "name": f"Station {s}",
                                        "centre_id": centre_of[s - 1], "capacity": 680}
                                       for s in range(1, STATIONS + 1)])
    return {s: rng.randint(400, 680) for s in range(1, STATIONS + 1)}


def build_roll(rng: random.Random, voters: int, station_counts: dict[int, int], centres: list[int]) -> None:
    """An election and a synthetic roll: every voter of the sampled centres, the rest spread over stations."""
    from electoral.geography.models import PollingStation
    from electoral.registration.models import Election, Voter

    db.session.add(Election(name="Bench", polling_day=dt.date(2026, 12, 20), minimum_age=18))
    db.session.flush()
    wanted = set(centres)
    stations = db.session.execute(sa.select(PollingStation.id, PollingStation.centre_id)).all()
    placements = [(sid, cid) for sid, cid in stations if cid in wanted for _ in range(station_counts[sid])]
    while len(placements) < voters:
        sid, cid = stations[rng.randrange(len(stations))]
        placements.append((sid, cid))
    rows = []
    for n, (sid, cid) in enumerate(placements, start=1):
        rows.append({"voter_number": f"V{n:012d}", "family_name": "Mbuyi", "given_names": "Grace", "sex": "F",
                     "date_of_birth": dt.date(1980, 1, 1), "birth_year_only": False, "birth_year": 1980,
                     "centre_id": cid, "station_id": sid, "id_type": "national_id", "status": "active",
                     "key_names": "", "key_given": "", "key_family": "", "sort_key": "", "registered_by": "bench"})
        if len(rows) == BATCH:
            db.session.execute(sa.insert(Voter.__table__), rows)
            rows = []
    if rows:
        db.session.execute(sa.insert(Voter.__table__), rows)


def run(url: str, label: str, roll_voters: int, packing_lists: int) -> None:
    from pypdf import PdfReader

    from electoral.accounts.services import create_user
    from electoral.logistics import services
    from electoral.reports import registry

    app = create_app(testing_config(url))
    rng = random.Random(2023)
    with app.app_context():
        db.drop_all()
        db.create_all()
        started = time.perf_counter()
        counts = build_geography(rng)
        services.seed_catalogue(db.session)
        officer = create_user(db.session, "bench-logistics", "bench logistics password 2023", [Role.LOGISTICS_OFFICER])
        sample = rng.sample(range(1, CENTRES + 1), packing_lists)
        build_roll(rng, roll_voters, counts, sample)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # A live database has statistics (autovacuum); without them the planner scans the roll by status.
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
        voters = db.session.scalar(sa.select(sa.func.count()).select_from(sa.table("voter")))
        print(f"[{label}] built {STATIONS:,} stations in {CENTRES:,} centres, {DISTRICTS} districts, {REGIONS} regions;"
              f" {sum(counts.values()):,} synthetic voters as counts; roll table of"
              f" {voters:,} voters"
              f" ({time.perf_counter() - started:.1f} s)")

        timings = []
        for _ in range(3):
            db.session.expire_all()
            t0 = time.perf_counter()
            allocation = services.compute_allocation(db.session, station_counts=counts)
            services.record_run(db.session, allocation, officer)
            db.session.commit()
            timings.append(time.perf_counter() - t0)
        print(f"[{label}] allocation of {len(allocation.items)} items for {allocation.national[0]:,} stations, summed"
              f" per centre, district, region and nationally, run recorded: best {min(timings):.2f} s,"
              f" worst {max(timings):.2f} s of 3 (goal: under 3 s)")
        print(f"[{label}] national ballots (presidential): {allocation.national_totals()['BALLOT-PRES']:,}")

        t0 = time.perf_counter()
        by_station = services.registered_voters_by_station(db.session)
        print(f"[{label}] roll GROUP BY over {sum(by_station.values()):,} voters into {len(by_station):,} stations:"
              f" {time.perf_counter() - t0:.2f} s")

        t0 = time.perf_counter()
        allocation = services.compute_allocation(db.session)
        print(f"[{label}] whole allocation read from that roll (GROUP BY + computation):"
              f" {time.perf_counter() - t0:.2f} s")

        t0 = time.perf_counter()
        out = io.StringIO()
        services.export_csv(allocation, "station", out)
        print(f"[{label}] station-level CSV export ({len(out.getvalue()) // 1024:,} KiB):"
              f" {time.perf_counter() - t0:.2f} s")

        codes = [f"C{c:05d}" for c in sample]
        pdfs = []
        t0 = time.perf_counter()
        for code in codes:
            pdfs.append(registry.render("packing-list", {"centre": code}, lang="en", roles=[Role.LOGISTICS_OFFICER],
                                        printed_by="bench"))
        elapsed = time.perf_counter() - t0
        pages = sum(len(PdfReader(io.BytesIO(pdf)).pages) for pdf in pdfs)
        print(f"[{label}] {len(pdfs)} packing lists, {pages} pages, in {elapsed:.2f} s:"
              f" {pages / elapsed:.0f} pages/s, {len(pdfs) / elapsed:.0f} lists/s (goal: 100 pages/s)")
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--roll-voters", type=int, default=500_000)
    parser.add_argument("--packing-lists", type=int, default=100)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run(f"sqlite:///{tmp}/bench.db", "SQLite", args.roll_voters, args.packing_lists)
    if args.no_postgres:
        return
    with scratch_postgres(PG_DATABASE) as url:
        if url:
            run(url, "PostgreSQL", args.roll_voters, args.packing_lists)

if __name__ == "__main__":
    with speed_reported():
        main()
