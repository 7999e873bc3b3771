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


def register_commands(app: Flask) -> None:
    """Add each domain's command groups (its cli.py's ``commands`` list)."""
    from electoral import domain_parts

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
