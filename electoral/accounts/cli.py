"""`electoral users ...`"""

import os

import click
from flask.cli import with_appcontext

from electoral.accounts import services
from electoral.core.auth import Role
from electoral.core.errors import ValidationFailed
from electoral.extensions import db


@click.group(help="Manage user accounts.")
def users():
    pass


@users.command("create", help="Create a user. The password is prompted for, or read from ELECTORAL_PASSWORD.")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True,
              type=click.Choice([r.value for r in Role]), help="A role; repeat for several.")
@click.option("--scope", default=None, help="Region, district or polling centre code the user may act in.")
@click.option("--name", "full_name", default="", help="Full name.")
@click.option("--language", default=None, type=click.Choice(["en", "fr", "ar", "es", "pt"]))
@with_appcontext
def create(username, roles, scope, full_name, language):
    password = os.environ.get("ELECTORAL_PASSWORD") or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True)
    try:
        user = services.create_user(db.session, username, password, [Role(r) for r in roles],
                                    full_name=full_name, scope_code=scope, locale=language)
    except ValidationFailed as failure:
        db.session.rollback()
        for messages in failure.errors.values():
            for message in messages:
                click.echo(f"Error: {message}", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    click.echo(f"Created user {user.username} with roles {', '.join(sorted(roles))}"
               + (f", scope {scope.upper()}" if scope else "") + ".")


@users.command("list", help="List users with their roles.")
@with_appcontext
def list_users():
    for user in db.session.scalars(services.list_query()):
        state = "active" if user.active else "inactive"
        scope = user.scope.code if user.scope else "national"
        click.echo(f"{user.username}\t{state}\t{scope}\t{','.join(sorted(r.value for r in user.roles))}")
@click.command("access-matrix", help="Print the access matrix (routes by roles) as Markdown, or write it to FILE.")
@click.argument("output", type=click.Path(dir_okay=False, writable=True), required=False)
@with_appcontext
def access_matrix(output):
    from flask import current_app

    from electoral.core.auth import access_matrix as matrix

    text = matrix(current_app)
    if output:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text)
        click.echo(f"Wrote {output}.")
    else:
        click.echo(text, nl=False)


commands = [users, access_matrix]
