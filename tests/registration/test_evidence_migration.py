"""The migrations of issue 17 keep existing data valid: stations get their centre's point, voters their evidence."""

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from electoral import config as settings
from electoral import create_app
from electoral.extensions import db

BEFORE_STATION_POINTS = "f2974446b9c0"
STATION_POINTS = "1dc7258ccf67"
BEFORE_EVIDENCE = "5e612c5efcc9"
EVIDENCE = "4c704e6c7c64"


@pytest.fixture
def old_database(tmp_path):
    """An application on a SQLite database of its own, migrated only as far as asked."""
    app = create_app(settings.testing_config(f"sqlite:///{tmp_path / 'old.db'}"))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _run(sql: str, **params):
    with db.engine.begin() as connection:
        return connection.execute(sa.text(sql), params)


def _geography_and_a_voter():
    _run("INSERT INTO region (id, code, name) VALUES (1, 'S', 'Southern Province')")
    _run("INSERT INTO district (id, code, name, region_id) VALUES (1, 'BO', 'Bo District', 1)")
    _run("INSERT INTO polling_centre (id, code, name, district_id, latitude, longitude) "
         "VALUES (1, '01001', 'Bo Government Secondary School', 1, 7.96472, -11.73833)")
    _run("INSERT INTO polling_station (id, code, name, centre_id, capacity) VALUES (1, '01001-01', 'BGSS 1', 1, 600)")
    _run("INSERT INTO election (id, name, polling_day, minimum_age) VALUES (1, 'General elections', '2026-10-10', 18)")
    _run("INSERT INTO voter (voter_number, family_name, given_names, sex, date_of_birth, birth_year_only, birth_year, "
         "centre_id, id_type, id_number, status, key_names, key_given, key_family, sort_key, registered_by, "
         "registered_at) VALUES ('10000001', 'Kamara', 'Fatmata', 'F', '1985-02-11', FALSE, 1985, 1, "
         "'old_voter_card', 'OVC-1', 'active', 'k', 'g', 'f', 's', 'clerk', '2026-01-01 00:00:00')")


def test_stations_take_their_centres_point_and_voters_keep_an_evidence_type_of_the_election(old_database):
    upgrade(revision=BEFORE_STATION_POINTS)
    _geography_and_a_voter()
    upgrade(revision=STATION_POINTS)
    assert _run("SELECT latitude, longitude FROM polling_station").one() == (7.96472, -11.73833)
    upgrade(revision=BEFORE_EVIDENCE)
    upgrade(revision=EVIDENCE)
    codes = [row.code for row in _run("SELECT code FROM evidence_type WHERE election_id = 1 ORDER BY position")]
    assert codes == ["national_id", "passport", "birth_certificate", "old_voter_card", "attestation"]
    voter_type = _run("SELECT id_type FROM voter").scalar()
    assert voter_type in codes
    # The fixed list's check is gone: a type the commission adds can be stored.
    _run("UPDATE voter SET id_type = 'refugee_card'")
