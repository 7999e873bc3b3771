"""The records a results URL names (race, station, area), or 404: shared by the results pages and
the seats and sheets pages."""

from flask import abort
from sqlalchemy import select

from electoral.extensions import db
from electoral.geography.models import PollingStation
from electoral.geography.services import find_any_by_code
from electoral.results import services


def race_or_404(code: str):
    race = services.find_race(db.session, code)
    if race is None:
        abort(404)
    return race


def station_or_404(code: str) -> PollingStation:
    station = db.session.scalar(select(PollingStation).where(PollingStation.code == code.strip().upper()))
    if station is None:
        abort(404)
    return station


def area_or_404(code: str | None):
    """The region, district, centre or station named by ``code``; None (national) when blank."""
    if not code:
        return None
    area = find_any_by_code(db.session, code.upper())
    if area is None:
        abort(404)
    return area
