"""`electoral logistics ...`: catalogue, stations from the roll, allocation, custody history."""

import click
from flask.cli import with_appcontext

from electoral.accounts.acting import as_user
from electoral.core import spreadsheet
from electoral.extensions import db
from electoral.geography.models import DEFAULT_STATION_CAPACITY
from electoral.logistics import services


@click.group(help="Polling station logistics: materials, allocation, consignments, custody.")
def logistics():
    pass


@logistics.group(help="The material catalogue and its quantity rules.")
def catalogue():
    pass


@catalogue.command("seed", help="Add the default field catalogue (items missing by code).")
@with_appcontext
def seed():
    added = services.seed_catalogue(db.session)
    db.session.commit()
    click.echo(f"Added {added} items to the catalogue.")


@catalogue.command("list", help="The catalogue with each rule in words.")
@with_appcontext
def list_items():
    for item in services.list_items(db.session):
        flag = "sensitive" if item.sensitive else "non-sensitive"
        click.echo(f"{item.code}\t{item.name} ({flag}, pack of {item.pack_size})")
        for sentence in services.explain(item):
            click.echo(f"    {sentence}")


@logistics.group(help="Polling stations needed for the registered voters of each centre.")
def stations():
    pass


def _require_roll() -> None:
    if not services.roll_exists(db.session):
        click.echo("No roll exists yet: register voters first; nothing was computed.", err=True)
        raise SystemExit(1)


@stations.command("propose", help="List centres that need more stations: ceil(registered / capacity).")
@click.option("--capacity", type=click.IntRange(min=1), default=DEFAULT_STATION_CAPACITY, show_default=True)
@with_appcontext
def propose(capacity):
    _require_roll()
    short = [p for p in services.propose_stations(db.session, capacity) if p.missing]
    for p in short:
        click.echo(f"{p.centre_code}\t{p.voters} voters\t{p.existing} stations\t{p.needed} needed\t"
                   f"{p.missing} missing")
    click.echo(f"{len(short)} centres need {sum(p.missing for p in short)} more stations.")


@stations.command("create", help="Create every missing station of the proposal (one audited action).")
@click.option("--capacity", type=click.IntRange(min=1), default=DEFAULT_STATION_CAPACITY, show_default=True)
@with_appcontext
def create(capacity):
    _require_roll()
    created = services.create_missing_stations(db.session, capacity)
    db.session.commit()
    click.echo(f"Created {created} polling stations.")


@logistics.command("allocate", help="Recompute the allocation from the roll and keep its national totals.")
@with_appcontext
@as_user("The user the allocation is recorded as recomputed by.")
def allocate(user):
    _require_roll()
    allocation = services.compute_allocation(db.session)
    run = services.record_run(db.session, allocation, user)
    db.session.commit()
    state = "frozen" if run.roll_frozen else "NOT frozen (provisional)"
    click.echo(f"Allocation #{run.id}: {run.stations} stations, {run.centres} centres, {run.voters} voters; "
               f"roll {state}.")
    for row in services.shortfall(db.session, run.totals):
        short = f"\tSHORT {row.short}" if row.short else ""
        click.echo(f"{row.code}\tneeded {row.needed}\tin stock {row.held}{short}")
    if allocation.unassigned_voters:
        click.echo(f"Warning: {allocation.unassigned_voters} voters are not yet split into a station.", err=True)


@logistics.group(help="Exports of the allocation.")
def allocation():
    pass


@allocation.command("export", help="Write the allocation at one level to a CSV file (XLSX when FILE ends in .xlsx).")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@click.option("--level", type=click.Choice(services.LEVELS), default="station", show_default=True)
@with_appcontext
def export(file, level):
    _require_roll()
    result = services.compute_allocation(db.session)
    rows = spreadsheet.write_file(file, result.header(level), result.level(level), f"allocation {level}")
    click.echo(f"Wrote {rows} {level} rows to {file}.")


@logistics.command("custody", help="Every hand a seal number or a ballot serial passed through.")
@click.argument("reference")
@with_appcontext
def custody(reference):
    entries = services.history(db.session, reference)
    if not entries:
        click.echo(f"Nothing has been recorded for {reference}.", err=True)
        raise SystemExit(1)
    for e in entries:
        where = f"{e.consignment} " if e.consignment else ""
        click.echo(f"{e.at:%Y-%m-%d %H:%M} UTC\t{services.event_label(e.kind)}\t{where}{e.place}\tby {e.who}"
                   f"\t{e.subject}" + (f"\t{e.note}" if e.note else ""))


commands = [logistics]

