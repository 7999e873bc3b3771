"""A small election with a record of every kind, and a client signed in with every role."""

import pytest

from electoral.core.auth import Role
from tests.factories import PASSWORD, make_centre, make_station, make_user


@pytest.fixture(scope="module")
def _election_rows(app):
    """The election built once per module and worker; its rows are written back for each test (milliseconds)."""
    from electoral.extensions import db
    from tests.conftest import _empty_all_tables, table_rows

    with app.app_context():
        built = _build_election(db)
        ids = {"station": built["station"].id, "centre": built["centre"].id, "race": built["race"].id,
               "user": built["user"].id, "observer_phone": built["observer_phone"]}
        rows = table_rows()
        db.session.remove()
        _empty_all_tables()
    return rows, ids


@pytest.fixture
def election(db, _election_rows):
    """One station of each domain's records, so every page and form has something to show."""
    from electoral.accounts.models import User
    from electoral.geography.models import PollingCentre, PollingStation
    from electoral.results.models import Race
    from tests.conftest import write_rows

    rows, ids = _election_rows
    write_rows(rows)
    return {"station": db.session.get(PollingStation, ids["station"]), "centre": db.session.get(PollingCentre, ids["centre"]),
            "race": db.session.get(Race, ids["race"]), "user": db.session.get(User, ids["user"]),
            "observer_phone": ids["observer_phone"]}


def _build_election(db):
    from electoral.observation import services as observation
    from tests.logistics.factories import make_item, packed_consignment
    from tests.observation.factories import (
        make_counting_checklist,
        make_observer,
        make_opening_checklist,
    )
    from tests.registration.factories import make_election, make_voter
    from tests.results.factories import enter_twice, figures, make_race
    from tests.training.factories import make_course, make_official, make_position, make_session

    make_election()
    centre = make_centre()
    station = make_station(centre)
    for _ in range(3):
        make_voter(centre, station=station)
    position = make_position(per_station=1)
    make_official(position, centre.district)
    make_session(make_course(position), centre.district)
    packed_consignment(destination=centre, item=make_item())
    race = make_race(areas=[centre.district])
    enter_twice(race, station)
    enter_twice(race, make_station(centre), raw=figures(), second=figures(cast=101))
    observer = make_observer(station, user=False)
    make_opening_checklist()
    make_counting_checklist()
    everyone = make_user(*Role, username="hostile")
    observation.link_user(db.session, observer, everyone.username)
    db.session.commit()
    return {"station": station, "centre": centre, "race": race, "user": everyone, "observer_phone": observer.phone}


@pytest.fixture
def everyone(client, election):
    """The client signed in as a user holding every role (each form is posted by someone allowed to)."""
    response = client.post_form("/login", {"username": "hostile", "password": PASSWORD})
    assert response.status_code == 302
    return client
