"""`electoral audit ...` and `electoral demo ...`"""

import click
from flask.cli import with_appcontext

from electoral.core.audit import verify_chain
from electoral.extensions import db


@click.group("audit", help="The audit trail.")
def audit_group():
    pass


@audit_group.command("verify", help="Check the hash chain; exit 1 naming every broken entry.")
@with_appcontext
def verify():
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
commands = [audit_group, demo]
