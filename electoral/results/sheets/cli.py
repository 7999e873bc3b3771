"""`electoral results images import DIR`: scanned tally sheets filed by their QR code."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from electoral.core.audit import SYSTEM, Actor, acting_as
from electoral.core.errors import ValidationFailed
from electoral.extensions import db
from electoral.results.sheets import scan


@click.group("images", help="Images of the signed tally sheets: scans filed by their QR code.")
def images():
    pass


@images.command("import", help="File every scan in DIR (PDF with one sheet a page, JPEG, PNG, TIFF) to its "
                               "sheet by the QR code; pages whose code is not read wait in the queue for a clerk. "
                               "Prints filed or queued for each page.")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--as", "username", help="Record the scans as uploaded by this user.")
@with_appcontext
def import_images(directory: Path, username: str | None):
    from electoral.accounts.acting import acting_user

    user = acting_user(username) if username else None  # without --as, the intake is the system's
    actor = Actor(user.id, user.username) if user else SYSTEM
    filed = queued = 0
    for path in sorted(p for p in directory.iterdir() if p.suffix.lower() in scan.SCAN_SUFFIXES and p.is_file()):
        with acting_as(actor):
            try:
                outcomes = scan.intake(db.session, path.read_bytes(), path.name, user)
            except ValidationFailed as failure:
                db.session.rollback()
                click.echo(f"{path.name}: refused: {failure}")
                continue
            db.session.commit()
        for outcome in outcomes:
            if outcome.filed:
                filed += 1
                again = "" if outcome.new else " (already filed)"
                click.echo(f"{path.name} page {outcome.page}: filed {outcome.race} {outcome.station}{again}")
            else:
                queued += 1
                click.echo(f"{path.name} page {outcome.page}: queued ({outcome.reason})")
    click.echo(f"{filed} filed, {queued} queued for filing by hand.")
