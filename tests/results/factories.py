"""Factories for results tests: races with candidates, clerks, entered sheets."""

import itertools

from electoral.core.auth import Role
from electoral.extensions import db
from electoral.results import services
from electoral.results.models import Candidate, Race, RaceArea
from tests.factories import make_station, make_user

_n = itertools.count(1)


def make_race(areas=(), candidates=("Amara Kollie", "Joseph Boakai"), code=None, kind="presidential") -> Race:
    n = next(_n)
    race = Race(code=code or f"RACE{n}", name=f"Race {n}", kind=kind)
    for order, name in enumerate(candidates, start=1):
        race.candidates.append(Candidate(code=f"C{order}", name=name, party=f"Party {order}", ballot_order=order))
    for area in areas:
        kind_of = area.level
        race.areas.append(RaceArea(**{f"{'centre' if kind_of == 'centre' else kind_of}_id": area.id}))
    db.session.add(race)
    db.session.flush()
    return race


def make_clerk(username=None):
    return make_user(Role.RESULTS_CLERK, username=username)


def make_supervisor(username=None):
    return make_user(Role.RESULTS_SUPERVISOR, username=username)


def figures(cast=100, invalid=4, votes=(60, 36), received=150, unused=None, spoiled=1, **overrides):
    """Raw figures as a form would send them: consistent unless told otherwise."""
    valid = sum(votes)
    raw = {"ballots_received": received, "ballots_cast": cast, "unused": received - cast - spoiled
           if unused is None else unused, "spoiled": spoiled, "invalid": invalid, "valid": valid,
           "candidates": {f"C{i}": v for i, v in enumerate(votes, start=1)}}
    raw.update(overrides)
    return raw


def enter_twice(race, station=None, raw=None, second=None, clerks=None):
    """Both entries of one sheet by two clerks; returns the sheet."""
    station = station or make_station()
    first_clerk, second_clerk = clerks or (make_clerk(), make_clerk())
    raw = raw or figures()
    services.submit_entry(db.session, race, station, first_clerk, raw)
    entry = services.submit_entry(db.session, race, station, second_clerk, second or raw)
    return entry.sheet
