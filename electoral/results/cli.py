"""`electoral results ...`: races, tally sheet figures from the field, exports."""

import json

import click
from flask.cli import with_appcontext

from electoral.accounts.acting import as_user
from electoral.core import spreadsheet
from electoral.core.errors import ImportFailed, ValidationFailed
from electoral.core.tabular import TabularError
from electoral.core.uploads import say_encoding
from electoral.extensions import db
from electoral.geography.services import read_file
from electoral.results import cdf, services
from electoral.results.services.imports import ENTRY_COLUMNS

RACES_HELP = f"""Import races and their candidates from a CSV or XLSX file, one row per candidate.

\b
Columns: {", ".join(services.RACE_COLUMNS)}; optional: {", ".join(services.RACE_OPTIONAL)}.
  race_kind     presidential, legislative or local
  area_codes    region, district or centre codes the race covers, separated by spaces;
                empty for the whole country (a constituency lists its districts or centres)
  ballot_order  1 for the first candidate on the ballot paper, then 2, 3...
  photo         the name of the candidate's photo or party symbol inside FILE when
                FILE is a zip holding the table and the pictures; otherwise empty
                (never a file on disk: upload pictures on the race's page)
  method        plurality (default), two_round, dhondt, sainte_lague,
                modified_sainte_lague, hare or droop; for a list method each row is
                a party list (or, with party empty, an independent) and party names it
  seats         seats the race elects (default 1), or DISTRICT=SEATS pairs separated
                by spaces when each district elects its own seats
  threshold     legal threshold, percent of valid votes (two_round: the majority, 50)
  first_divisor first divisor of modified Sainte-Laguë, e.g. 1.4
Race name, kind and areas repeat on every row of the race. A file with any bad line imports nothing.
"""

ENTRIES_HELP = f"""Import tally sheet figures as entry 1 or 2 of each sheet, made by the clerk --as names (or --clerk).

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
    say_encoding(data, name)
    click.echo(f"Races: {summary.races_created} created, {summary.races_updated} updated; candidates: "
               f"{summary.candidates_created} created, {summary.candidates_updated} updated.")


@results.command("import", help=ENTRIES_HELP)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--entry", "entry_no", type=click.Choice(["1", "2"]), required=True, help="Which of the two entries.")
@with_appcontext
@as_user("Username of the results clerk the entry is made as.", aliases=("--clerk",))
def import_entries(file, entry_no, user):
    data, name = read_file(file)
    try:
        summary = services.import_entries(db.session, data, name, int(entry_no), user)
        db.session.commit()
    except (ImportFailed, TabularError, ValidationFailed) as failure:
        _fail(failure)
    say_encoding(data, name)
    click.echo(f"Imported {summary.rows} sheets as entry {entry_no}"
               + (f": {summary.matched} matched, {summary.mismatched} to correct." if entry_no == "2" else "."))


EXPORT_HELP = """Export a race's counted results (the figures the pages show).

\b
--format csv   CSV text (UTF-8 with BOM), a row per area of --level
--format xlsx  the same as an Excel workbook (codes keep their leading zeros)
--format cdf   NIST SP 1500-100 Election Results Common Data Format v2 (JSON), station by station
--long         with csv or xlsx: a row per station and candidate, with region, district and centre codes
Without --format, the file's name decides (.xlsx, .json for cdf, otherwise csv).
"""


@results.command("export", help=EXPORT_HELP)
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@click.option("--race", "race_code", required=True, help="Race code.")
@click.option("--level", type=click.Choice(services.LEVELS), default="station", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "cdf"]), help="csv, xlsx or cdf (JSON).")
@click.option("--long", "long_shape", is_flag=True, help="A row per station and candidate (csv and xlsx).")
@with_appcontext
def export(file, race_code, level, fmt, long_shape):
    race = services.find_race(db.session, race_code)
    if race is None:
        click.echo(f"Error: no race {race_code}.", err=True)
        raise SystemExit(1)
    fmt = fmt or ("xlsx" if file.lower().endswith(".xlsx") else "cdf" if file.lower().endswith(".json") else "csv")
    if fmt == "cdf":
        document = cdf.build(db.session, race)
        with open(file, "w", encoding="utf-8") as out:
            json.dump(document, out, ensure_ascii=False, indent=1)
        stations = sum(1 for unit in document["GpUnit"] if unit["Type"] == "precinct")
        click.echo(f"Wrote the results of {stations} stations to {file} (NIST CDF v2).")
        return
    header, rows = services.opendata.long(db.session, race) if long_shape else \
        services.export_rows(db.session, race, level)
    if fmt == "xlsx":
        spreadsheet.write_xlsx(file, header, rows, race.code)
    else:
        with open(file, "w", newline="", encoding="utf-8") as out:
            spreadsheet.write_csv(out, header, rows)
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
from electoral.results.sheets.cli import images as sheet_images  # noqa: E402

results.add_command(seats)
results.add_command(lists)
results.add_command(sheet_images)  # scanned tally sheets (results/sheets/cli.py)

commands = [results]
