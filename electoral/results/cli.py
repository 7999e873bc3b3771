"""`electoral results ...`: races, tally sheet figures from the field, exports."""


import click
from flask.cli import with_appcontext
from sqlalchemy import select

from electoral.accounts.models import User
from electoral.core.audit import Actor, acting_as
from electoral.core.errors import ImportFailed, ValidationFailed
from electoral.core.tabular import SafeCsvWriter, TabularError
from electoral.extensions import db
from electoral.geography.services import read_file
from electoral.results import services
from electoral.results.services.imports import ENTRY_COLUMNS

RACES_HELP = f"""Import races and their candidates from a CSV or XLSX file, one row per candidate.

\b
Columns: {", ".join(services.RACE_COLUMNS)}; optional: {", ".join(services.RACE_OPTIONAL)}.
  race_kind     presidential, legislative or local
  area_codes    region, district or centre codes the race covers, separated by spaces;
                empty for the whole country (a constituency lists its districts or centres)
  ballot_order  1 for the first candidate on the ballot paper, then 2, 3...
  photo         must be empty: a file cannot name a picture on disk; upload each
                candidate's photo or party symbol on the race's page
  method        plurality (default), two_round, dhondt, sainte_lague,
                modified_sainte_lague, hare or droop; for a list method each row is
                a party list (or, with party empty, an independent) and party names it
  seats         seats the race elects (default 1), or DISTRICT=SEATS pairs separated
                by spaces when each district elects its own seats
  threshold     legal threshold, percent of valid votes (two_round: the majority, 50)
  first_divisor first divisor of modified Sainte-Laguë, e.g. 1.4
Race name, kind and areas repeat on every row of the race. A file with any bad line imports nothing.
"""

ENTRIES_HELP = f"""Import tally sheet figures as entry 1 or 2 of each sheet, made by --clerk.

\b
Columns: {", ".join(ENTRY_COLUMNS)}, then one column per candidate code.
A file with any bad line imports nothing; every bad line is reported.
"""


@click.group(help="Results: races, tally sheets, exports.")
def results():
    pass


@results.group(help="Races and candidates.")
def races():
    pass


def _fail(failure) -> None:
    db.session.rollback()
    if isinstance(failure, ImportFailed):
        for error in failure.errors:
            click.echo(f"line {error.line}: {error.message}", err=True)
        click.echo(f"{len(failure.errors)} bad lines; nothing was imported.", err=True)
    else:
        click.echo(f"Error: {failure}", err=True)
    raise SystemExit(1)


@races.command("import", help=RACES_HELP)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_races(file):
    data, name = read_file(file)
    try:
        summary = services.import_races(db.session, data, name)
    except (ImportFailed, TabularError) as failure:
        _fail(failure)
    db.session.commit()
    click.echo(f"Races: {summary.races_created} created, {summary.races_updated} updated; candidates: "
               f"{summary.candidates_created} created, {summary.candidates_updated} updated.")


@results.command("import", help=ENTRIES_HELP)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--entry", "entry_no", type=click.Choice(["1", "2"]), required=True, help="Which of the two entries.")
@click.option("--clerk", "username", required=True, help="Username of the results clerk the entry is made as.")
@with_appcontext
def import_entries(file, entry_no, username):
    clerk = db.session.scalar(select(User).where(User.username == username))
    if clerk is None:
        click.echo(f"Error: no user {username}.", err=True)
        raise SystemExit(1)
    data, name = read_file(file)
    try:
        with acting_as(Actor(clerk.id, clerk.username)):
            summary = services.import_entries(db.session, data, name, int(entry_no), clerk)
            db.session.commit()
    except (ImportFailed, TabularError, ValidationFailed) as failure:
        _fail(failure)
    click.echo(f"Imported {summary.rows} sheets as entry {entry_no}"
               + (f": {summary.matched} matched, {summary.mismatched} to correct." if entry_no == "2" else "."))


@results.command("export", help="Export a race's counted results at one level to CSV (the figures the pages show).")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@click.option("--race", "race_code", required=True, help="Race code.")
@click.option("--level", type=click.Choice(services.LEVELS), default="station", show_default=True)
@with_appcontext
def export(file, race_code, level):
    race = services.find_race(db.session, race_code)
    if race is None:
        click.echo(f"Error: no race {race_code}.", err=True)
        raise SystemExit(1)
    header, rows = services.export_rows(db.session, race, level)
    with open(file, "w", newline="", encoding="utf-8") as out:
        writer = SafeCsvWriter(out)
        writer.writerow(header)
        writer.writerows(rows)
    click.echo(f"Wrote {len(rows)} rows to {file}.")


@results.command("rebuild-totals", help="Recompute the running totals of every race (or one) from its tally "
                                       "sheets, after a bulk load or to check them. Run it while no sheet is "
                                       "being entered.")
@click.option("--race", "race_code", help="Race code; every race when left out.")
@with_appcontext
def rebuild_totals(race_code):
    if race_code:
        race = services.find_race(db.session, race_code)
        if race is None:
            click.echo(f"Error: no race {race_code}.", err=True)
            raise SystemExit(1)
        races = [race]
    else:
        races = services.all_races(db.session)
    for race in races:
        sheets = services.rebuild_totals(db.session, race)
        db.session.commit()
        click.echo(f"{race.code}: totals rebuilt from {sheets} counted or held sheets.")


from electoral.results.seats.cli import lists, seats  # noqa: E402  (their own module, with the seat methods)

results.add_command(seats)
results.add_command(lists)

commands = [results]
