"""`electoral geography ...`"""

import click
from flask.cli import with_appcontext

from electoral.core.uploads import import_from_command_line
from electoral.extensions import db
from electoral.geography import imports


@click.group(help="Regions, districts, polling centres and polling stations.")
def geography():
    pass


@geography.command("import", help="Import the whole tree from a CSV or XLSX file (one row per station).")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_command(file):
    summary = import_from_command_line(
        file, "Stations", lambda data, name, progress: imports.import_geography(db.session, data, name, progress))
    created = ", ".join(f"{n} {level}s" for level, n in summary.created.items())
    click.echo(f"Read {summary.rows} rows; created {created}; updated {sum(summary.updated.values())}.")
    # Warnings do not stop the import (exit status 0): they name lines worth a second look.
    for warning in summary.warnings:
        click.echo(f"warning: line {warning.line}: {warning.message}")
    if summary.warnings:
        click.echo(f"{len(summary.warnings)} warnings; everything was imported.")


commands = [geography]
