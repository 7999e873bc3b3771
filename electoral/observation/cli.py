"""`electoral observation ...`: XLSForm import, API tokens, exports, observer import."""

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from electoral.accounts.models import User
from electoral.core.audit import record_export
from electoral.core.errors import ImportFailed, ValidationFailed
from electoral.core.tabular import TabularError, encoding_of
from electoral.extensions import db
from electoral.observation import services


@click.group(help="Election observation: checklists, tokens, exports.")
def observation():
    pass


def _fail(lines: list[str]) -> None:
    db.session.rollback()
    for line in lines:
        click.echo(line, err=True)
    raise SystemExit(1)


@observation.group(help="Checklist templates.")
def templates():
    pass


@templates.command("import", help="Import an XLSForm (XLSX) as a draft checklist; --publish to publish it.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--phase", default="", help="opening, voting, closing, counting or incident.")
@click.option("--publish", is_flag=True, help="Publish the checklist at once.")
@with_appcontext
def templates_import(file, phase, publish):
    try:
        template = services.import_xlsform(db.session, Path(file).read_bytes(), phase)
        if publish:
            services.publish(db.session, template)
    except ImportFailed as failure:
        _fail([f"line {e.line}: {e.message}" for e in failure.errors] + ["Nothing was imported."])
    except ValidationFailed as failure:
        _fail([str(failure)])
    db.session.commit()
    click.echo(f"Imported {template.code} version {template.version} with {len(template.questions)} questions"
               f"{' (published)' if publish else ' (draft)'}.")


@observation.group(help="API tokens.")
def tokens():
    pass


@tokens.command("create", help="Create an API token for USERNAME and print it once.")
@click.argument("username")
@with_appcontext
def tokens_create(username):
    user = db.session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        _fail([f"No user is called {username}."])
    token = services.create_token(db.session, user)
    db.session.commit()
    click.echo(token)


@observation.command("export", help="Export the current submissions of a checklist to CSV or XLSX.")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--template", "code", required=True, help="The checklist's code.")
@click.option("--lang", default="en", help="Language of the question labels.")
@with_appcontext
def export(file, code, lang):
    if services.latest(db.session, code) is None:
        _fail([f"No checklist has the code {code}."])
    labels = {"station": "Polling station", "observer": "Observer", "submitted_at": "Submitted at",
              "version": "Version", "revision": "Revision"}
    header, rows = services.submission_table(db.session, code, lang, labels)
    rows = list(rows)
    data = services.to_xlsx(header, rows, code) if file.lower().endswith(".xlsx") else services.to_csv(header, rows)
    Path(file).write_bytes(data)
    record_export(db.session, "Observer submissions", Path(file).name, {"template": code, "rows": len(rows)})
    db.session.commit()
    click.echo(f"Wrote {len(rows)} submissions to {file}.")


@observation.command("import-observers", help="Import observers from a CSV or XLSX file, or a zip of one with the "
                     "photos its photo column names (never a file on disk).")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_observers(file):
    data = Path(file).read_bytes()
    try:
        count = services.import_observers(db.session, data, Path(file).name)
    except ImportFailed as failure:
        _fail([f"line {e.line}: {e.message}" for e in failure.errors] + ["Nothing was imported."])
    except TabularError as failure:
        _fail([f"Error: {failure}"])
    db.session.commit()
    read_as = encoding_of(data, Path(file).name)
    click.echo(f"Imported {count} observers" + (f" (read as {read_as})." if read_as else "."))


commands = [observation]
