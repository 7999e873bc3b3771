"""Time to print the polling-day voter list of a 600-voter station and the cards of its centre.

    .venv/bin/python bench/registration_pdf.py [--voters 600] [--lang ar]

Goal on the 2-core machine: the 600-voter list in under 2 s. The lists are printed
again with a photo for every voter (a 400x500 JPEG, as registration stores them).
"""

import argparse
import io
import time

from machine import speed_reported
from registration_setup import bench_clerk, load_geography, make_app
from scratch import scratch_folder
from sqlalchemy import select

from electoral.core.auth import Role
from electoral.extensions import db
from electoral.geography.models import PollingStation
from electoral.registration.models import Voter
from electoral.registration.services import assignment, imports
from electoral.registration.synthetic import COLUMNS, generate
from electoral.reports.registry import render


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--voters", type=int, default=600)
    parser.add_argument("--lang", default="en")
    args = parser.parse_args()
    app = make_app()
    with app.app_context():
        centres = load_geography(centres=1, stations_per_centre=1)
        station = db.session.scalar(select(PollingStation))
        station.capacity = args.voters
        roll = generate(args.voters, centres, duplicate_share=0, negatives=0)
        import csv

        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(roll.rows)
        imports.import_voters(db.session, buffer.getvalue().encode(), "roll.csv", bench_clerk(), skip_invalid=True,
                              end_batch=db.session.commit, scan=False)
        assignment.assign_all(db.session)
        db.session.commit()
        reports = (("voter-list", {"station": station.code}), ("voter-cards", {"centre": centres[0]}),
                   ("exhibition-list", {"centre": centres[0]}))
        for name, params in reports:
            timed(name, params, args, "")
        give_everyone_a_photo(app)
        for name, params in reports:
            timed(name, params, args, ", every voter with a photo")


def timed(name: str, params: dict, args, note: str) -> None:
    render(name, params, lang=args.lang, roles={Role.ADMINISTRATOR}, printed_by="bench")  # fonts warm
    started = time.perf_counter()
    data = render(name, params, lang=args.lang, roles={Role.ADMINISTRATOR}, printed_by="bench")
    print(f"{name} ({args.lang}) for {args.voters} voters{note}: {time.perf_counter() - started:.2f} s, "
          f"{len(data) / 1024:,.0f} KiB")


def give_everyone_a_photo(app) -> None:
    from PIL import Image

    folder = scratch_folder("electoral-bench-photos-")
    app.config["PHOTO_DIR"] = str(folder)
    for voter in db.session.scalars(select(Voter)):
        buffer = io.BytesIO()
        shade = voter.id % 200
        Image.new("RGB", (400, 500), (shade, 120, 255 - shade)).save(buffer, "JPEG", quality=80)
        voter.photo_path = f"{voter.voter_number}.jpg"
        (folder / voter.photo_path).write_bytes(buffer.getvalue())
    db.session.commit()


if __name__ == "__main__":
    with speed_reported():
        main()
