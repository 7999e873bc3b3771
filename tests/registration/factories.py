"""Factories for registration tests: the election's settings and voters."""

import itertools
from datetime import date

from electoral.extensions import db
from electoral.registration.services import election, numbers
from electoral.registration.services.voters import Registration, new_voter
from tests.factories import make_centre

_n = itertools.count(1)
POLLING_DAY = date(2026, 10, 10)


def make_election(polling_day=POLLING_DAY, minimum_age=18, exhibition=(None, None), **kwargs):
    settings = election.configure(db.session, "General elections 2026", polling_day, minimum_age,
                                  exhibition=exhibition, **kwargs)
    db.session.flush()
    return settings


GIVEN = ["Amara", "Comfort", "Esther", "Hawa", "Musu", "Jartu", "Korto", "Yei", "Decontee", "Satta",
         "Bendu", "Weade", "Oretha", "Garmai", "Kebbeh", "Nyemah", "Tenneh", "Siatta", "Youngor", "Ruth"]
FAMILY = ["Kollie", "Flomo", "Gbessay", "Tarpeh", "Sirleaf", "Dolo", "Kpoto", "Weah", "Toe", "Zinnah",
          "Johnson", "Freeman", "Cooper", "Gaye", "Mulbah", "Nyumah", "Boakai", "Clarke", "Wolo", "Tubman"]


def registration(centre=None, **fields) -> Registration:
    """A registration of a person unlike every other the factory makes."""
    n = next(_n)
    values = dict(family_name=FAMILY[n // len(GIVEN) % len(FAMILY)], given_names=GIVEN[n % len(GIVEN)], sex="F",
                  date_of_birth=date(1950 + n % 50, 1 + n % 12, 2 + n % 27),
                  centre=centre or make_centre(), id_type="national_id", id_number=f"NID{n:06d}",
                  place_of_birth="Gbarnga", father_name=None)
    values.update(fields)
    return Registration(**values)


def make_voter(centre=None, status="active", station=None, removal_reason=None, **fields):
    """A voter written straight to the roll, without the duplicate check."""
    data = registration(centre, **fields)
    voter = new_voter(data, numbers.take(db.session)[0], "factory")
    voter.status, voter.removal_reason = status, removal_reason
    voter.station_id = station.id if station else None
    db.session.add(voter)
    db.session.flush()
    return voter
