"""make_x() factories with sensible defaults; each adds to the session and flushes."""

import itertools
from functools import cache

from electoral.accounts.models import User, UserRole
from electoral.core.auth import Role
from electoral.extensions import db
from electoral.geography.models import District, PollingCentre, PollingStation, Region

PASSWORD = "correct-horse-battery"
_numbers = itertools.count(1)


@cache
def _password_hash() -> str:
    # Hashing with argon2 costs tens of milliseconds; hash the shared test password once.
    from electoral.accounts.services import hash_password

    return hash_password(PASSWORD)


def make_region(code=None, name=None) -> Region:
    n = next(_numbers)
    region = Region(code=code or f"R{n}", name=name or f"Region {n}")
    db.session.add(region)
    db.session.flush()
    return region


def make_district(region=None, code=None, name=None) -> District:
    n = next(_numbers)
    district = District(code=code or f"D{n}", name=name or f"District {n}", region=region or make_region())
    db.session.add(district)
    db.session.flush()
    return district


def make_centre(district=None, code=None, name=None, latitude=None, longitude=None) -> PollingCentre:
    n = next(_numbers)
    centre = PollingCentre(code=code or f"C{n}", name=name or f"Centre {n}", district=district or make_district(),
                           latitude=latitude, longitude=longitude)
    db.session.add(centre)
    db.session.flush()
    return centre


def make_station(centre=None, code=None, name=None, capacity=600) -> PollingStation:
    n = next(_numbers)
    station = PollingStation(code=code or f"S{n}", name=name or f"Station {n}", centre=centre or make_centre(),
                             capacity=capacity)
    db.session.add(station)
    db.session.flush()
    return station


def make_user(*roles: Role, scope=None, username=None, active=True) -> User:
    n = next(_numbers)
    user = User(username=username or f"user{n}", full_name=f"Test User {n}", password_hash=_password_hash(),
                active=active, session_version=1)
    user.role_links = [UserRole(role=Role(r).value) for r in (roles or [Role.ADMINISTRATOR])]
    if isinstance(scope, Region):
        user.scope_region = scope
    elif isinstance(scope, District):
        user.scope_district = scope
    elif isinstance(scope, PollingCentre):
        user.scope_centre = scope
    elif isinstance(scope, PollingStation):
        user.scope_station = scope
    db.session.add(user)
    db.session.flush()
    return user


def user_called(username: str, *roles: Role) -> User:
    """The user ``username`` (made with ``roles``, administrator by default, the first time): who acts in a call."""
    from sqlalchemy import select

    return db.session.scalar(select(User).where(User.username == username)) or make_user(*roles, username=username)
