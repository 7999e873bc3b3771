"""The `electoral` command: Flask's CLI group with every domain's commands."""

import getpass
import sys

import click
from flask import Flask
from flask.cli import FlaskGroup

from electoral.core import audit


def _create_app():
    from electoral import create_app

    return create_app()


class _MigrationCommands(click.Group):
    """Flask-Migrate's `db` group, imported only when a `db` command is listed or run: it imports Alembic, about
    0.7 s of CPU that every other command would pay (the app's ``extensions`` sets Flask-Migrate up the same way)."""

    @staticmethod
    def _group() -> click.Group:
        from flask_migrate.cli import db as commands

        return commands

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        # The real group's context, so its own options (--directory, -x) and callback apply and it runs the command.
        return self._group().make_context(info_name, args, parent=parent, **extra)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._group().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._group().get_command(ctx, cmd_name)


def register_commands(app: Flask) -> None:
    """Add each domain's command groups (its cli.py's ``commands`` list), and the migrations' `db` group."""
    from electoral import domain_parts

    app.cli.add_command(_MigrationCommands("db", help="Perform database migrations."))
    for group in domain_parts("cli", "commands"):
        app.cli.add_command(group)


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False,
             help="Operations of an election: set-up, imports, exports, batch jobs.")
def cli():
    """The application's command group."""


def main() -> None:
    # Changes made from the command line are attributed to the operating-system user.
    audit.set_actor(audit.Actor(None, f"cli:{getpass.getuser()}"))
    sys.exit(cli.main(prog_name="electoral"))
