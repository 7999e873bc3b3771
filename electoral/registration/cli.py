"""`electoral election ...` and `electoral voters ...`"""

import time
from datetime import date
from pathlib import Path

import click
from flask.cli import with_appcontext

from electoral.accounts.acting import as_user
from electoral.core import spreadsheet
from electoral.core.audit import record_export
from electoral.core.errors import ImportFailed, ValidationFailed
from electoral.core.tabular import SafeCsvWriter, TabularError
from electoral.core.uploads import say_encoding
from electoral.extensions import db
from electoral.registration.models import REMOVAL_REASONS
from electoral.registration.services import (
    assignment,
    duplicate_scan,
    election,
    evidence,
    exports,
    import_rows,
    imports,
)


def _date(value):
    return date.fromisoformat(value) if value else None


def _fail(message: str):
    db.session.rollback()
    click.echo(f"Error: {message}", err=True)
    raise SystemExit(1)


@click.group(help="The election's settings.")
def election_group():
    pass


@election_group.command("configure", help="Set the election's name, polling day, minimum age and periods.")
@click.option("--name", required=True)
@click.option("--polling-day", required=True, help="YYYY-MM-DD")
@click.option("--minimum-age", default=18, show_default=True, type=int)
@click.option("--registration-start")
@click.option("--registration-end")
@click.option("--exhibition-start")
@click.option("--exhibition-end")
@click.option("--date-order", type=click.Choice(["DMY", "MDY"]),
              help="How dates written as text in files are read: DMY (31/12/1990) or MDY (12/31/1990).")
@click.option("--evidence-types", "evidence_file", type=click.Path(exists=True, dir_okay=False),
              help="CSV or XLSX, one identity evidence type a row: code, label_en (required), label_fr, "
                   "label_ar, label_es, label_pt, number_required (yes/no), number_format (a regular "
                   "expression), synonyms (separated by commas). Adds or updates the types it names.")
@with_appcontext
def configure_command(name, polling_day, minimum_age, registration_start, registration_end,
                      exhibition_start, exhibition_end, evidence_file, date_order):
    try:
        settings = election.configure(
            db.session, name, _date(polling_day), minimum_age,
            registration=(_date(registration_start), _date(registration_end)),
            exhibition=(_date(exhibition_start), _date(exhibition_end)), date_order=date_order)
        if evidence_file:
            added, updated = evidence.load_types(db.session, settings, Path(evidence_file).read_bytes(),
                                                 Path(evidence_file).name)
    except ValueError as exc:  # TabularError is one: an unreadable evidence file
        _fail(str(exc) if isinstance(exc, TabularError) else f"dates are written YYYY-MM-DD ({exc})")
    except ValidationFailed as failure:
        _fail(str(failure))
    except ImportFailed as failure:
        for error in failure.errors:
            click.echo(f"line {error.line}: {error.message}", err=True)
        _fail(f"{len(failure.errors)} bad lines in {evidence_file}; nothing was changed.")
    db.session.commit()
    click.echo(f"{settings.name}: polling day {settings.polling_day}, minimum age {settings.minimum_age}.")
    if evidence_file:
        click.echo(f"Identity evidence: {added} types added, {updated} updated.")
    click.echo("Identity evidence accepted: " + ", ".join(t.code for t in settings.evidence_types) + ".")


election_group.name = "election"


@election_group.command("freeze", help="Freeze the final roll.")
@with_appcontext
@as_user()
def freeze_command(user):
    try:
        election.freeze(db.session, user)
    except ValidationFailed as failure:
        _fail(str(failure))
    db.session.commit()
    click.echo("The roll is frozen.")


@click.group(help="The voters' roll: import, duplicates, exports, station assignment.")
def voters():
    pass


@voters.command("import", help="Import registrations from a CSV or XLSX file.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--skip-invalid", is_flag=True, help="Import the good rows; write the bad ones to the rejects file.")
@click.option("--rejects", type=click.Path(dir_okay=False), help="Where bad rows go (default FILE.rejects.csv).")
@click.option("--batch-size", default=5000, show_default=True)
@with_appcontext
@as_user("The user the registrations are recorded as made by (only their area's centres are accepted).")
def import_command(file, skip_invalid, rejects, batch_size, user):
    with open(file, "rb") as fh:
        data = fh.read()
    approx = max(data.count(b"\n") - 1, 1)
    try:
        # Checking every row comes first (nothing is written if one is bad), then the batches.
        with click.progressbar(length=approx, label="Checking", show_pos=True, show_percent=True) as bar:
            bar.started = time.perf_counter()
            bar.item_show_func = lambda _item: _rate(bar)  # set once ``bar`` exists: a terminal draws at once

            def progress(stage: str, done: int, total: int) -> None:
                if stage.capitalize() != bar.label:  # a new stage: checking, writing, then scanning
                    bar.label, bar.pos, bar.finished, bar.started = stage.capitalize(), 0, False, time.perf_counter()
                bar.length = max(total, bar.pos, 1)
                bar.update(done - bar.pos)

            summary = imports.import_voters(db.session, data, file, user,
                                            skip_invalid=skip_invalid, batch_size=batch_size,
                                            progress=progress, end_batch=db.session.commit)
    except ImportFailed as failure:
        db.session.rollback()
        for error in failure.errors:
            click.echo(f"line {error.line}: {error.message}", err=True)
        click.echo(f"{len(failure.errors)} bad lines; nothing was imported.", err=True)
        raise SystemExit(1) from None
    except (TabularError, ValidationFailed) as failure:
        _fail(str(failure))
    db.session.commit()
    if summary.rejected:
        rejects = rejects or f"{file}.rejects.csv"
        with open(rejects, "w", newline="", encoding="utf-8") as out:
            writer = SafeCsvWriter(out)
            writer.writerow(["line", *import_rows.ALL_COLUMNS, "reason"])
            for row in summary.rejected:
                writer.writerow([row.line, *(row.values.get(c, "") for c in import_rows.ALL_COLUMNS), row.reason])
        click.echo(f"{len(summary.rejected)} bad lines written to {rejects}.", err=True)
    say_encoding(data, file)
    click.echo(f"Read {summary.rows} rows: imported {summary.imported}, already imported "
               f"{summary.already_imported}, rejected {len(summary.rejected)}; "
               f"{summary.pairs_queued} possible duplicate pairs queued.")


def _rate(bar) -> str:
    elapsed = time.perf_counter() - bar.started
    return f"{bar.pos / elapsed:,.0f} rows/s" if elapsed > 0.5 and bar.pos else ""  # a rate worth reading


@voters.command("dedup", help="Scan the whole roll for duplicates; pairs go to the adjudication queue.")
@with_appcontext
def dedup_command():
    with click.progressbar(length=1, label="Scanning", show_percent=True) as bar:
        def progress(done, total):
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

        found = duplicate_scan.scan(db.session, progress=progress)
    db.session.commit()
    click.echo(f"{found} new possible duplicate pairs queued.")


@voters.group("duplicates", help="The adjudication queue.")
def duplicates():
    pass


@duplicates.command("export", help="Write every pair of the queue to a CSV file (XLSX when FILE ends in .xlsx).")
@click.argument("file", type=click.Path(dir_okay=False))
@with_appcontext
def duplicates_export(file):
    count = spreadsheet.write_file(file, ["voter_number_a", "voter_number_b", "score", "reasons", "status"],
                                   exports.pair_rows(db.session), "duplicates")
    click.echo(f"{count} pairs written to {file}.")


@voters.command("export", help="Write the roll to a CSV file (XLSX when FILE ends in .xlsx).")
@click.argument("file", type=click.Path(dir_okay=False))
@with_appcontext
def export_command(file):
    count = spreadsheet.write_file(file, exports.ROLL_COLUMNS, exports.roll_rows(db.session), "roll")
    # Every voter's date of birth, ID number and phone left the system: say who took them.
    record_export(db.session, "Voter roll", Path(file).name, {"voters": count, "columns": exports.ROLL_COLUMNS})
    db.session.commit()
    click.echo(f"{count} voters written to {file}.")


@voters.command("assign", help="Split each polling centre's voters into its stations.")
@with_appcontext
def assign_command():
    splits = assignment.assign_all(db.session)
    db.session.commit()
    short = [s for s in splits if s.unassigned]
    click.echo(f"{sum(s.voters for s in splits)} voters in {len(splits)} centres; "
               f"{sum(s.moved for s in splits)} placed or moved.")
    for split in short:
        click.echo(f"{split.centre.code}: {split.unassigned} voters without a station; "
                   f"{split.stations_short} more stations needed.", err=True)


@voters.command("remove", help="Take a voter off the roll, with the reason (after freezing: deceased, court_order, duplicate).")
@click.argument("number")
@click.option("--reason", required=True, type=click.Choice(REMOVAL_REASONS))
@click.option("--note", default="", help="The document or decision the removal rests on.")
@with_appcontext
@as_user()
def remove_command(number, reason, note, user):
    from electoral.registration.services import roll
    from electoral.registration.services import voters as voter_services

    voter = voter_services.find_by_number(db.session, number)
    if voter is None:
        _fail(f"no voter has the number {number}")
    try:
        roll.remove(db.session, voter, reason, user, note=note)
    except ValidationFailed as failure:
        _fail(str(failure))
    db.session.commit()
    click.echo(f"Voter {voter.voter_number} removed ({roll.REMOVAL_LABELS[reason]}).")


@voters.command("transfer", help="Move a voter to another polling centre, with the reason.")
@click.argument("number")
@click.option("--centre", "centre_code", required=True)
@click.option("--reason", required=True)
@with_appcontext
@as_user()
def transfer_command(number, centre_code, reason, user):
    from electoral.geography.services import find_by_code
    from electoral.registration.services import roll
    from electoral.registration.services import voters as voter_services

    voter = voter_services.find_by_number(db.session, number)
    centre = find_by_code(db.session, "centre", centre_code)
    if voter is None or centre is None:
        _fail(f"no voter {number} or no polling centre {centre_code}")
    try:
        roll.transfer(db.session, voter, centre, reason, user)
    except ValidationFailed as failure:
        _fail(str(failure))
    db.session.commit()
    click.echo(f"Voter {voter.voter_number} transferred to {centre.code}; run `electoral voters assign` for a station.")


@voters.command("figures", help="Registered voters by area, sex and age band, as CSV (XLSX when FILE ends in .xlsx).")
@click.option("--level", type=click.Choice(["region", "district", "centre", "station"]), default="region")
@click.argument("file", type=click.Path(dir_okay=False))
@with_appcontext
def figures_command(level, file):
    settings = election.current(db.session)
    polling_day = settings.polling_day if settings else date.today()
    rows = exports.figures(db.session, level, polling_day)
    header = ["code", "name", "total", "F", "M", *exports.band_labels()]
    spreadsheet.write_file(file, header, ([r[h] for h in header] for r in rows), f"voters by {level}")
    click.echo(f"{len(rows)} {level} rows written to {file}.")


commands = [election_group, voters]
