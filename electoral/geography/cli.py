"""`electoral geography ...`"""

import click
from flask.cli import with_appcontext

from electoral.core.errors import ImportFailed
from electoral.core.tabular import TabularError
from electoral.extensions import db
from electoral.geography import services


@click.group(help="Regions, districts, polling centres and polling stations.")
def geography():
    pass


@geography.command("import", help="Import the whole tree from a CSV or XLSX file (one row per station).")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_command(file):
    data, name = services.read_file(file)
    approx_rows = max(data.count(b"\n"), 1)
    try:
        with click.progressbar(length=approx_rows, label="Stations", show_pos=True) as bar:
            summary = services.import_geography(db.session, data, name, progress=bar.update)
    except ImportFailed as failure:
        db.session.rollback()
        for error in failure.errors:
            click.echo(f"line {error.line}: {error.message}", err=True)
        click.echo(f"{len(failure.errors)} bad lines; nothing was imported.", err=True)
        raise SystemExit(1) from None
    except TabularError as failure:
        db.session.rollback()
        click.echo(f"Error: {failure}", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    created = ", ".join(f"{n} {level}s" for level, n in summary.created.items())
    click.echo(f"Read {summary.rows} rows; created {created}; updated {sum(summary.updated.values())}.")
commands = [geography]
