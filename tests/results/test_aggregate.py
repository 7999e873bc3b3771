"""Totals on a known data set at every level; the leading-order warning; certification."""

import pytest

from electoral.core.errors import ValidationFailed
from electoral.results import services
from tests.factories import make_centre, make_district, make_region, make_station
from tests.results.factories import enter_twice, figures, make_race, make_supervisor


@pytest.fixture
def country(db):
    """Two regions; region A has two districts; four stations counted, one not."""
    a, b = make_region(code="A"), make_region(code="B")
    a1, a2, b1 = make_district(a, code="A1"), make_district(a, code="A2"), make_district(b, code="B1")
    c1, c2, c3 = make_centre(a1, code="A1-C"), make_centre(a2, code="A2-C"), make_centre(b1, code="B1-C")
    s = {code: make_station(centre, code=code) for code, centre in
         (("S1", c1), ("S2", c1), ("S3", c2), ("S4", c3), ("S5", c3))}
    race = make_race()
    enter_twice(race, s["S1"], figures(cast=100, invalid=4, votes=(60, 36)))
    enter_twice(race, s["S2"], figures(cast=50, invalid=0, votes=(20, 30)))
    enter_twice(race, s["S3"], figures(cast=80, invalid=10, votes=(35, 35)))
    enter_twice(race, s["S4"], figures(cast=40, invalid=2, votes=(8, 30)))
    return race


def _by_code(rows):
    return {r.code: r for r in rows}


def test_station_level(db, country):
    rows = _by_code(services.results(db.session, country, "station"))
    assert rows["S2"].votes == {country.candidates[0].id: 20, country.candidates[1].id: 30}
    assert rows["S5"].counted == 0 and rows["S5"].stations == 1


def test_centre_level(db, country):
    rows = _by_code(services.results(db.session, country, "centre"))
    c1 = country.candidates[0].id
    assert (rows["A1-C"].counted, rows["A1-C"].stations, rows["A1-C"].cast, rows["A1-C"].votes[c1]) == (2, 2, 150, 80)
    assert rows["B1-C"].counted_share == 0.5


def test_district_level(db, country):
    rows = _by_code(services.results(db.session, country, "district"))
    assert (rows["A2"].valid, rows["A2"].invalid) == (70, 10)


def test_region_level(db, country):
    rows = _by_code(services.results(db.session, country, "region"))
    c1, c2 = (c.id for c in country.candidates)
    assert rows["A"].votes == {c1: 115, c2: 101}
    assert rows["B"].votes == {c1: 8, c2: 30}


def test_national_level(db, country):
    summary = services.summary(db.session, country)
    assert (summary.total.stations, summary.total.counted, summary.total.cast) == (5, 4, 270)
    assert [(s.candidate.code, s.votes) for s in summary.standings] == [("C2", 131), ("C1", 123)]
    assert summary.standings[0].share == pytest.approx(131 / 254)
    assert [r.code for r in summary.sub_areas] == ["A", "B"]


def test_summary_within_a_district_lists_its_centres(db, country):
    from electoral.geography.services import find_by_code

    summary = services.summary(db.session, country, find_by_code(db.session, "district", "A1"))
    assert summary.total.cast == 150
    assert [r.code for r in summary.sub_areas] == ["A1-C"]


def test_turnout_uses_the_registered_voters_of_counted_stations(db):
    from tests.registration.factories import make_voter

    race, station = make_race(), make_station()
    for _ in range(8):
        make_voter(centre=station.centre, station=station)
    enter_twice(race, station, figures(cast=6, invalid=0, votes=(4, 2), received=10))
    assert services.summary(db.session, race).total.turnout == pytest.approx(0.75)


def test_warning_when_quarantined_votes_could_change_the_leader(db):
    race = make_race()
    enter_twice(race, raw=figures(cast=100, invalid=4, votes=(60, 36)))  # C1 leads by 24
    enter_twice(race, raw=figures(cast=30, invalid=0, votes=(5, 20), valid=30))  # quarantined: 25 pending
    summary = services.summary(db.session, race)
    assert summary.pending_sheets == 1
    assert summary.order_may_change is True


def test_no_warning_when_the_lead_is_larger_than_quarantined_votes(db):
    race = make_race()
    enter_twice(race, raw=figures(cast=100, invalid=4, votes=(80, 16)))  # lead 64
    enter_twice(race, raw=figures(cast=30, invalid=0, votes=(5, 20), valid=30))
    assert services.summary(db.session, race).order_may_change is False


def test_results_are_provisional_until_certified(db, country):
    assert services.summary(db.session, country).final is False
    supervisor = make_supervisor()
    enter_twice(country, raw=figures(cast=30, invalid=0, votes=(5, 20), valid=30))  # quarantined
    with pytest.raises(ValidationFailed, match="not yet accepted"):
        services.certify(db.session, country, None, supervisor)
    from electoral.geography.services import find_by_code

    region_b = find_by_code(db.session, "region", "B")
    # S5 never reported: region B is certified once it is excused, with the reason.
    services.excuse(db.session, country, find_by_code(db.session, "station", "S5"), supervisor, "No polling held")
    services.certify(db.session, country, region_b, supervisor)
    assert services.summary(db.session, country, region_b).final is True
    assert services.summary(db.session, country).final is False


def test_progress_counts_sheets_by_state_per_district(db, country):
    rows = {r["code"]: r for r in services.progress(db.session, country)}
    assert rows["A1"]["states"] == {"accepted": 2, "not_received": 0}
    assert rows["B1"]["states"] == {"accepted": 1, "not_received": 1}
