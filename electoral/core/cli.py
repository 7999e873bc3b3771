"""`electoral audit ...` and `electoral demo ...`"""

from pathlib import Path

import click
from flask.cli import with_appcontext

from electoral.core.audit import chain_pending
from electoral.core.audit_verify import verify_chain
from electoral.extensions import db


@click.group("audit", help="The audit trail.")
def audit_group():
    pass


@audit_group.command("verify", help="Check the hash chain; exit 1 naming every broken entry.")
@with_appcontext
def verify():
    chain_pending(db.session)  # first give waiting entries their place, in a transaction of its own
    db.session.commit()
    count, problems = verify_chain(db.session)
    for problem in problems:
        click.echo(f"entry #{problem.seq} (id {problem.entry_id}): {problem.message}", err=True)
    if problems:
        click.echo(f"The audit trail is broken: {len(problems)} problems in {count} entries.", err=True)
        raise SystemExit(1)
    click.echo(f"The audit trail is intact: {count} entries verified.")


@click.group(help="The demo election.")
def demo():
    pass


@demo.command("load", help="Load the demo election into an empty database.")
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) when the database already holds data.")
@with_appcontext
def load(if_empty):
    from electoral.demo import DEMO_PASSWORD, database_is_empty, load_demo

    if if_empty and not database_is_empty(db.session):
        click.echo("The database already holds data; the demo was not loaded.")
        return
    try:
        counts = load_demo(db.session)
    except RuntimeError as exc:
        db.session.rollback()
        click.echo(f"Refused: {exc}", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    click.echo("Demo loaded: " + ", ".join(f"{n} {what}" for what, n in counts.items())
               + f". Every demo user's password is {DEMO_PASSWORD}")


@demo.command("users", help="Print the demo users, their roles and password.")
def users():
    from electoral.demo import users_table

    click.echo(users_table())


class _TableProgress:
    """One line per table that has rows, as the backup or restore reaches its end."""

    def __call__(self, what: str, done: int, total: int) -> None:
        if done == total and total:
            unit = "files" if what == "files" else "rows"
            click.echo(f"  {what}: {done:,} {unit}")


@click.command("backup", help="Write the whole election (every table and the files it names) to a zip FILE.")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup_command(file):
    from electoral.core import backup
    from electoral.core.audit import chain_pending, record_export

    click.echo(f"Backing up {db.engine.url.render_as_string(hide_password=True)} to {file}")
    # Entries still waiting for their place carry this instance's seal; chain
    # them now so the backup restores under any other secret key.
    chain_pending(db.session)
    db.session.commit()
    try:
        manifest = backup.backup(db.engine, file, progress=_TableProgress())
    except backup.BackupError as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(1) from None
    rows = sum(table["rows"] for table in manifest["tables"])
    # The backup holds every voter's personal data: who took one goes in the trail.
    record_export(db.session, "Backup", Path(file).name,
                  {"tables": len(manifest["tables"]), "rows": rows, "files": len(manifest["files"])})
    db.session.commit()
    for missing in manifest["missing_files"]:
        click.echo(f"Warning: {missing} is named in the data but missing on disk; not in the backup.", err=True)
    click.echo(f"Backup written: {len(manifest['tables'])} tables, {rows:,} rows, {len(manifest['files'])} files"
               f" (schema revision {manifest['revision'] or 'none: made without migrations'}).")


@click.command("restore", help="Load a backup FILE into an empty database (and its files into the instance folder).")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def restore_command(file):
    from electoral.core import backup
    from electoral.core.restore import restore

    click.echo(f"Restoring {file} into {db.engine.url.render_as_string(hide_password=True)}")
    try:
        manifest = restore(db.engine, file, progress=_TableProgress())
    except backup.BackupError as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(1) from None
    rows = sum(table["rows"] for table in manifest["tables"])
    click.echo(f"Restored and checked: {len(manifest['tables'])} tables, {rows:,} rows, "
               f"{len(manifest['files'])} files. Run `electoral audit verify` to check the trail.")
    if manifest["revision"]:
        click.echo(f"The schema is at the backup's revision {manifest['revision']}: run `electoral db upgrade` "
                   "if this version of electoral is newer.")


commands = [audit_group, demo, backup_command, restore_command]
