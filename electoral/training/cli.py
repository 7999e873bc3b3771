"""`electoral training ...`: imports of officials, attendance and scores; coverage export."""


import click
from flask.cli import with_appcontext

from electoral.accounts.acting import as_user
from electoral.core import spreadsheet
from electoral.core.uploads import import_from_command_line
from electoral.extensions import db
from electoral.training import services


@click.group(help="Training of polling officials: recruitment, cascade sessions, certification.")
def training():
    pass


@training.group(help="Officials recruited as polling staff or trainers.")
def officials():
    pass


@training.group(help="Attendance at training sessions.")
def attendance():
    pass


@training.group(help="Pre-test and post-test scores.")
def scores():
    pass


@training.group(help="Officials needed and certified, district by district.")
def coverage():
    pass


@training.group(help="Positions and the staffing template.")
def positions():
    pass


def _run_import(file: str, label: str, run) -> None:
    click.echo(import_from_command_line(file, label, run))


_FILE = click.Path(exists=True, dir_okay=False)


@officials.command("import", help="Add or update officials from a CSV or XLSX file (columns: "
                   + ", ".join(services.IMPORT_COLUMNS) + "; optional: " + ", ".join(services.IMPORT_OPTIONAL) + ").")
@click.argument("file", type=_FILE)
@with_appcontext
def officials_import(file):
    def run(data, name, progress):
        summary = services.import_officials(db.session, data, name, progress=progress)
        return f"{summary.created} officials added, {summary.updated} updated."
    _run_import(file, "Officials", run)


@attendance.command("import", help="Record attendance (columns: " + ", ".join(services.ATTENDANCE_COLUMNS) + ").")
@click.argument("file", type=_FILE)
@with_appcontext
@as_user("The user the attendance is recorded by (who may then not confirm the session's results).")
def attendance_import(file, user):
    def run(data, name, progress):
        return f"{services.import_attendance(db.session, data, name, user, progress=progress)} attendance lines recorded."
    _run_import(file, "Attendance", run)


@scores.command("import", help="Record test scores (columns: " + ", ".join(services.SCORE_COLUMNS) + ").")
@click.argument("file", type=_FILE)
@with_appcontext
@as_user("The user the scores are recorded by (who may then not confirm the session's results).")
def scores_import(file, user):
    def run(data, name, progress):
        return f"{services.import_scores(db.session, data, name, user, progress=progress)} score lines recorded."
    _run_import(file, "Scores", run)


@coverage.command("export", help="Write the coverage of every district to a CSV file (XLSX when FILE ends in .xlsx).")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def coverage_export(file):
    rows = services.coverage(db.session)
    spreadsheet.write_file(file, services.CSV_COLUMNS, services.coverage_rows(rows), "training coverage")
    click.echo(f"{len(rows)} districts written to {file}.")


@positions.command("defaults", help="Add the usual positions (presiding officer, inker, ...) that are missing.")
@with_appcontext
def positions_defaults():
    added = services.add_default_positions(db.session)
    db.session.commit()
    click.echo(f"{added} positions added.")


commands = [training]


@training.command("confirm", help="Confirm a session's attendance and scores as the coordinator USERNAME (not one "
                  "who recorded them): certificates are issued to everyone who meets the rules.")
@click.argument("session_id", type=int)
@with_appcontext
@as_user("The confirming coordinator's user name.")
def confirm(session_id, user):
    from electoral.core.auth import Role
    from electoral.core.errors import ValidationFailed
    from electoral.training.models import TrainingSession

    if Role.TRAINING_COORDINATOR not in user.roles:
        raise click.ClickException(f"No active training coordinator is called {user.username}.")
    ts = db.session.get(TrainingSession, session_id)
    if ts is None:
        raise click.ClickException(f"No session {session_id}.")
    try:
        issued = services.confirm_results(db.session, ts, user)
    except ValidationFailed as failure:
        db.session.rollback()
        raise click.ClickException(str(failure)) from None
    db.session.commit()
    click.echo(f"Results of session {session_id} confirmed: {len(issued)} certificates issued.")
