"""Save, commit and report errors once: the one way a route runs a service call that changes data.

    saved = save(lambda: services.save_item(db.session, data, item), form)
    if saved:
        flash(_("Item %(code)s saved.", code=saved.result.code), "success")
        return redirect(url_for("logistics.catalogue"))
    return render_template("logistics/item_form.html", form=form)

``save`` runs the call; if it returns, the session is committed and ``saved.result`` holds what
it returned. If it raises ``ValidationFailed`` the session is rolled back and the translated
messages are shown: beside the form's fields (``show_errors``, with ``aliases`` for a service's
field names that differ from the form's), or flashed as errors when there is no form
(``joined=True``: one flash of all the messages, as ``str(failure)`` reads), or by ``show`` when a
page words them its own way (a row's label before each message). Any other exception
rolls the session back and goes on up, so the caller (or the error page) deals with it and no
half-done change is left in the session. The flashes and redirects after success stay with the
route, which alone knows them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import flash

from electoral.core.errors import ValidationFailed
from electoral.core.forms import show_errors
from electoral.extensions import db

T = TypeVar("T")


@dataclass(frozen=True)
class Saved(Generic[T]):
    """What ``save`` did: true when committed; ``result`` is the call's value, ``failure`` its refusal."""

    ok: bool
    result: T | None = None
    failure: ValidationFailed | None = None

    def __bool__(self) -> bool:
        return self.ok


def report(failure: ValidationFailed, form=None, *, aliases: dict[str, str] | None = None,
           joined: bool = False) -> None:
    """Show a refusal: beside ``form``'s fields, else flashed (each message, or all in one when ``joined``)."""
    if form is not None:
        show_errors(form, failure, aliases=aliases)
    elif joined:
        flash(str(failure), "error")
    else:
        for messages in failure.errors.values():
            for message in messages:
                flash(message, "error")


def save(call: Callable[[], T], form=None, *, aliases: dict[str, str] | None = None,
         joined: bool = False, show: Callable[[ValidationFailed], None] | None = None,
         session=None) -> Saved[T]:
    """Run ``call``; commit if it returns, roll back and ``report`` the errors (or ``show`` them) if refused."""
    session = session if session is not None else db.session
    try:
        result = call()
    except ValidationFailed as failure:
        session.rollback()
        if show is not None:
            show(failure)
        else:
            report(failure, form, aliases=aliases, joined=joined)
        return Saved(False, failure=failure)
    except BaseException:
        session.rollback()
        raise
    session.commit()
    return Saved(True, result)
