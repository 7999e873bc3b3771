"""A row named in the URL under its parent's route: found only if it belongs to that parent."""

from typing import TypeVar

from flask import abort

from electoral.extensions import db

M = TypeVar("M")


def child_or_404(model: type[M], ident: int, **parent: object) -> M:
    """The ``model`` row ``ident`` if its columns equal ``parent`` (``consignment_id=…``), else 404.

    The parent's route has already checked the role and area for the parent only: a line,
    seal, question or enrolment of another parent must not be reachable by its id.
    """
    found = db.session.get(model, ident)
    if found is None or any(getattr(found, column) != value for column, value in parent.items()):
        abort(404)
    return found
