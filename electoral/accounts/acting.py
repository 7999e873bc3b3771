"""Who acts on the command line: a command whose services record who acted runs as a real user.

Services that record who acted take the acting ``User`` (``user=``), as the pages pass
``current_user``; a command names that user with ``--as USERNAME``, resolved here once for
every domain, and its changes are audited as that user's.
"""

import functools
from collections.abc import Callable

import click
from flask_babel import gettext as _
from sqlalchemy import select

from electoral.accounts.models import User
from electoral.accounts.services import normalise_username
from electoral.core.audit import Actor, acting_as
from electoral.extensions import db


def acting_user(username: str) -> User:
    """The active user called ``username``; a command-line error saying so when there is none."""
    user = db.session.scalar(select(User).where(User.username == normalise_username(username)))
    if user is None or not user.is_active:
        raise click.ClickException(_("No user is called %(name)s.", name=username))  # nor an inactive one
    return user


def as_user(help_text: str | None = None, aliases: tuple[str, ...] = ()) -> Callable:
    """The command's required ``--as USERNAME`` (or an older name of it, ``aliases``): the command is called
    with ``user`` (that active user), and what it changes is audited as theirs. Put it below ``@with_appcontext``."""

    def decorate(command: Callable) -> Callable:
        @functools.wraps(command)
        def run(*args, username: str, **kwargs):
            user = acting_user(username)
            with acting_as(Actor(user.id, user.username)):
                return command(*args, user=user, **kwargs)

        return click.option("--as", *aliases, "username", required=True, metavar="USERNAME",
                            help=help_text or "The user the command acts as (recorded as having acted).")(run)

    return decorate
