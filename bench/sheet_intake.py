"""Tally sheets as evidence: intake of 1,000 scanned pages, and the public station page with its image.

Prints the time to file 1,000 pages of a multi-page PDF, each an A4 tally sheet with its QR
code rendered at 200 dpi, read, re-encoded under 400 KB and filed to its station (goal: under
60 s), the stored size per page, and the median and p95 of the public station page with its
image and SHA-256 (goal: under 200 ms). The sheets are printed by the report kit (timed
apart), into a temporary SQLite database.

    .venv/bin/python bench/sheet_intake.py [--pages 1000] [--requests 200]
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from machine import speed_reported  # noqa: E402  (bench/ is on sys.path when run as a script)
from scratch import scratch_folder  # noqa: E402

from electoral import create_app  # noqa: E402
from electoral.config import testing_config  # noqa: E402
from electoral.core.auth import Role  # noqa: E402
from electoral.extensions import db  # noqa: E402

STATIONS_PER_CENTRE = 50


def build(pages: int) -> None:
    """One race, ``pages`` stations in centres of 50."""
    from electoral.geography.models import District, PollingCentre, PollingStation, Region
    from electoral.results.models import Candidate, Race

    centres = max(pages // STATIONS_PER_CENTRE, 1)
    db.session.execute(sa.insert(Region.__table__), [{"id": 1, "code": "R1", "name": "Region 1"}])
    db.session.execute(sa.insert(District.__table__), [{"id": 1, "code": "D1", "name": "District 1", "region_id": 1}])
    db.session.execute(sa.insert(PollingCentre.__table__), [
        {"id": c, "code": f"C{c:03d}", "name": f"Centre {c}", "district_id": 1} for c in range(1, centres + 1)])
    db.session.execute(sa.insert(PollingStation.__table__), [
        {"id": s, "code": f"S{s:05d}", "name": f"Station {s}", "centre_id": 1 + (s - 1) // STATIONS_PER_CENTRE,
         "capacity": 600} for s in range(1, pages + 1)])
    db.session.execute(sa.insert(Race.__table__), [{"id": 1, "code": "PRES", "name": "Presidential",
                                                    "kind": "presidential"}])
    db.session.execute(sa.insert(Candidate.__table__), [
        {"id": c, "race_id": 1, "code": f"C{c}", "name": f"Candidate {c}", "party": f"Party {c}", "ballot_order": c}
        for c in range(1, 9)])
    db.session.commit()


def printed_sheets(pages: int) -> bytes:
    """The sheets of every centre, printed by the report kit, joined into one PDF (a scanner's batch)."""
    import pypdfium2

    from electoral.reports import registry

    joined = pypdfium2.PdfDocument.new()
    centres = max(pages // STATIONS_PER_CENTRE, 1)
    for c in range(1, centres + 1):
        data = registry.render("tally-sheet", {"race": "PRES", "centre": f"C{c:03d}"}, lang="en", roles=set(Role),
                               printed_by="bench")
        joined.import_pages(pypdfium2.PdfDocument(data))
    import io

    buffer = io.BytesIO()
    joined.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    folder = scratch_folder("sheet-bench-")
    import electoral.extensions as extensions

    extensions.INSTANCE_PATH = folder  # the images go to a scratch folder, not the instance's
    app = create_app(testing_config(f"sqlite:///{folder / 'bench.db'}"))
    with app.app_context(), speed_reported():
        db.create_all()
        build(args.pages)
        started = time.perf_counter()
        pdf = printed_sheets(args.pages)
        print(f"printed {args.pages} tally sheets with their QR code in {time.perf_counter() - started:.1f} s "
              f"({len(pdf) / 1e6:.1f} MB PDF)", flush=True)

        from electoral.results import services
        from electoral.results.sheets import scan
        from electoral.results.sheets.models import SheetImage, UnfiledScan

        started = time.perf_counter()
        outcomes = scan.intake(db.session, pdf, "batch.pdf")
        db.session.commit()
        elapsed = time.perf_counter() - started
        filed = sum(o.filed for o in outcomes)
        sizes = db.session.scalars(sa.select(SheetImage.size_bytes)).all()
        queued = db.session.scalar(sa.select(sa.func.count()).select_from(UnfiledScan))
        print(f"intake of {len(outcomes)} scanned pages (A4, 200 dpi, one QR each): {elapsed:.1f} s "
              f"({elapsed / max(len(outcomes), 1) * 1000:.0f} ms a page; goal under 60 s for 1,000); "
              f"{filed} filed, {queued} queued", flush=True)
        print(f"stored image per sheet: mean {statistics.mean(sizes) / 1000:.0f} KB, largest {max(sizes) / 1000:.0f} "
              f"KB (bound 400 KB)", flush=True)

        from electoral.accounts.models import User, UserRole

        clerks = []
        for n in (1, 2):
            user = User(username=f"clerk{n}", full_name=f"Clerk {n}", password_hash="x", active=True,
                        session_version=1)
            user.role_links = [UserRole(role=Role.RESULTS_CLERK.value)]
            db.session.add(user)
            clerks.append(user)
        race = services.find_race(db.session, "PRES")
        from electoral.geography.models import PollingStation

        station = db.session.scalar(sa.select(PollingStation).where(PollingStation.code == "S00001"))
        raw = {"ballots_received": 500, "ballots_cast": 400, "unused": 95, "spoiled": 5, "invalid": 8, "valid": 392,
               "candidates": {f"C{c}": 49 for c in range(1, 9)}}
        for clerk in clerks:
            services.submit_entry(db.session, race, station, clerk, raw)
        db.session.commit()
        client = app.test_client()
        url = "/results/public/PRES/stations/S00001"
        assert client.get(url).status_code == 200
        times = []
        for _ in range(args.requests):
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200
        image = db.session.scalar(sa.select(SheetImage).where(SheetImage.station_id == station.id))
        image_url = f"/results/public/PRES/stations/S00001/images/{image.sha256}"
        image_times = []
        for _ in range(args.requests):
            started = time.perf_counter()
            assert client.get(image_url).status_code == 200
            image_times.append(time.perf_counter() - started)
        times.sort()
        image_times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        print(f"public station page with its image: median {statistics.median(times) * 1000:.1f} ms, "
              f"p95 {p95 * 1000:.1f} ms; the image itself: median {statistics.median(image_times) * 1000:.1f} ms "
              f"(goal under 200 ms)", flush=True)


if __name__ == "__main__":
    main()
