"""The electoral-system columns of the races import (method, seats, threshold, first_divisor): read, checked,
and applied after the races are written, in the same transaction."""

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from electoral.core.errors import LineError, ValidationFailed
from electoral.core.params import bounded_int
from electoral.results.seats.methods import METHODS

SYSTEM_COLUMNS = ["method", "seats", "threshold", "first_divisor"]


def _number(text: str):
    try:
        return float(text)
    except ValueError:
        return None


def read_system(values: dict, line: int) -> tuple[dict | None, LineError | None]:
    """The system a row's columns give (None when they are all empty), or the error in them.

    ``seats`` is a whole number, or district codes with their seats (``D01=5 D02=3``) for a race whose
    districts elect their own seats.
    """
    given = {c: (values.get(c) or "").strip() for c in SYSTEM_COLUMNS}
    if not any(given.values()):
        return None, None
    method = given["method"].lower() or "plurality"
    if method not in METHODS:
        return None, LineError(line, _("method \"%(method)s\" is not one of %(methods)s", method=given["method"],
                                       methods=", ".join(METHODS)))
    seats, by_district = 1, None
    if "=" in given["seats"]:
        by_district = {}
        for part in given["seats"].replace(",", " ").split():
            code, _sep, count = part.partition("=")
            if bounded_int(count, minimum=1) is None:
                return None, LineError(line, _("seats \"%(part)s\" is not DISTRICT=SEATS", part=part))
            by_district[code.upper()] = int(count)
    elif given["seats"]:
        if bounded_int(given["seats"], minimum=1) is None:
            return None, LineError(line, _("seats must be a whole number from 1, not \"%(value)s\"",
                                           value=given["seats"]))
        seats = int(given["seats"])
    threshold = _number(given["threshold"]) if given["threshold"] else 0.0
    if threshold is None:
        return None, LineError(line, _("threshold must be a percentage, not \"%(value)s\"", value=given["threshold"]))
    first_divisor = _number(given["first_divisor"]) if given["first_divisor"] else None
    if given["first_divisor"] and first_divisor is None:
        return None, LineError(line, _("first divisor must be a number, not \"%(value)s\"",
                                       value=given["first_divisor"]))
    return {"method": method, "seats": seats, "threshold": threshold, "first_divisor": first_divisor,
            # A plain number of seats replaces any district seats set before: the file says the whole system.
            "seats_by_district": by_district or {}}, None


def apply_systems(session: Session, systems: dict[str, tuple[int, dict]]) -> list[LineError]:
    """Configure each race's system ({race code: (first line, system)}); the errors, by line, if any is refused."""
    from electoral.results.seats.service import configure
    from electoral.results.services.races import find_race

    errors = []
    for code, (line, system) in systems.items():
        try:
            configure(session, find_race(session, code), **system)
        except ValidationFailed as failure:
            errors.extend(LineError(line, message) for messages in failure.errors.values() for message in messages)
    return errors
