"""The quick count: ratio estimates with 95% margins, and the comparison with official results."""

import math

import pytest

from electoral.observation import services
from electoral.observation.models import QuickCountSample
from tests.factories import make_station
from tests.observation.factories import make_counting_checklist, make_observer


def test_margin_of_error_on_a_known_sample():
    # y = votes for A, x = valid votes at four stations out of 100.
    pairs = [(60, 100), (30, 100), (50, 100), (40, 100)]
    estimate = services.ratio_estimate("A", pairs, population=100)
    # r = 180/400 = 0.45; residuals 15, -15, 5, -5 -> sum of squares 500, /3 = 166.67;
    # v = (1 - 0.04) * 166.67 / (4 * 100^2) = 0.004; margin = 1.96 * sqrt(0.004).
    assert estimate.value == pytest.approx(0.45)
    assert estimate.margin == pytest.approx(1.96 * math.sqrt(0.004))
    assert estimate.stations == 4


def test_no_estimate_from_a_single_station():
    assert services.ratio_estimate("A", [(10, 20)], population=10) is None


def _file_counts(db, template, station, reg, cast, inv, va, vb, client_id):
    observer = make_observer(station=station)
    services.submit(db.session, template, station, {"REG": reg, "CAST": cast, "INV": inv, "VA": va, "VB": vb},
                    client_id, observer)


def test_estimates_use_only_the_sampled_stations(db):
    template = make_counting_checklist()
    sampled = [make_station() for _ in range(3)]
    outside = make_station()
    for i, (station, va, vb) in enumerate(zip(sampled, (60, 30, 50), (40, 70, 50), strict=True)):
        _file_counts(db, template, station, 200, 110, 10, va, vb, f"count-000{i}")
        db.session.add(QuickCountSample(station=station))
    _file_counts(db, template, outside, 200, 200, 0, 200, 0, "count-0009")
    result = {e.name: e for e in services.estimates(db.session)}
    assert result["VA"].value == pytest.approx(140 / 300)
    assert result["VB"].value == pytest.approx(160 / 300)
    assert result["turnout"].value == pytest.approx(330 / 600)
    assert result["VA"].stations == 3


def test_drawn_sample_has_the_asked_size_and_is_reproducible(db):
    for _ in range(10):
        make_station()
    services.draw_sample(db.session, 4, seed=7)
    first = set(db.session.scalars(db.select(QuickCountSample.station_id)))
    services.draw_sample(db.session, 4, seed=7)
    assert set(db.session.scalars(db.select(QuickCountSample.station_id))) == first and len(first) == 4


def test_comparison_flags_a_planted_discrepancy(db):
    template = make_counting_checklist()
    good, bad = make_station(code="PS-1"), make_station(code="PS-2")
    _file_counts(db, template, good, 300, 200, 5, 120, 75, "pvt-00001")
    _file_counts(db, template, bad, 300, 210, 4, 100, 106, "pvt-00002")
    official = {
        "PS-1": {"registered": 300, "cast": 200, "invalid": 5, "VA": 120, "VB": 75},
        "PS-2": {"registered": 300, "cast": 210, "invalid": 4, "VA": 150, "VB": 56},  # planted: VA +50, VB -50
        "PS-3": {"registered": 100, "cast": 50, "invalid": 0, "VA": 25, "VB": 25},  # not observed
    }
    found = services.compare_with_official(db.session, official)
    assert [(d.station_code, d.item, d.observed, d.official) for d in found] == [
        ("PS-2", "VA", 100, 150), ("PS-2", "VB", 106, 56)]


def test_quick_count_page_compares_observers_with_the_accepted_official_results(client, db, login_as):
    from electoral.core.auth import Role
    from tests.results.factories import enter_twice, figures, make_race

    template = make_counting_checklist()
    good, bad = make_station(code="PS-1"), make_station(code="PS-2")
    _file_counts(db, template, good, 300, 200, 5, 120, 75, "pvt-10001")
    _file_counts(db, template, bad, 300, 200, 5, 100, 96, "pvt-10002")
    race = make_race(code="PRES")
    for candidate, code in zip(race.candidates, ("VA", "VB"), strict=True):
        candidate.code = code  # the checklist's vote questions carry the candidates' codes
    db.session.flush()
    # Official figures differ between the stations (identical sheets would be quarantined).
    for station, votes in ((good, (120, 75)), (bad, (121, 75))):
        raw = figures(cast=201, invalid=5, votes=votes, received=300) if station is bad else \
            figures(cast=200, invalid=5, votes=votes, received=300)
        raw["candidates"] = {"VA": votes[0], "VB": votes[1]}
        enter_twice(race, station, raw=raw)
    db.session.commit()
    login_as(Role.OBSERVER_COORDINATOR)
    page = client.get("/observation/quick-count?race=PRES").get_data(as_text=True)
    assert "2 stations compared" in page
    rows = page.split("<tbody>")[2].split("</tbody>")[0]  # estimates, differences, then the sampled sheets
    assert "PS-2" in rows and "VA" in rows and "VB" in rows and "PS-1" not in rows
    found = services.compare_with_official(db.session, services.official_counts(db.session, "PRES"))
    assert [(d.station_code, d.item, d.observed, d.official) for d in found] == [
        ("PS-2", "VA", 100, 121), ("PS-2", "VB", 96, 75), ("PS-2", "cast", 200, 201)]
