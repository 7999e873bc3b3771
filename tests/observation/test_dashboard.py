"""Coverage, aggregates, late stations and conflicts on a known data set."""

import datetime as dt

from electoral.observation import services
from tests.factories import make_centre, make_district, make_region, make_station, user_called
from tests.observation.factories import OPENING_OK, make_observer, make_opening_checklist


def _known_data_set(db):
    """Region N: 3 deployed stations, 2 reported; region S: 1 deployed, 0 reported; 1 station not deployed."""
    north, south = make_region(code="N"), make_region(code="S")
    n_centre = make_centre(district=make_district(region=north, code="N-1"))
    s_centre = make_centre(district=make_district(region=south, code="S-1"))
    template = make_opening_checklist()
    observers = [make_observer(station=make_station(centre=n_centre)) for _ in range(3)]
    observers.append(make_observer(station=make_station(centre=s_centre)))
    make_station(centre=s_centre)
    services.submit(db.session, template, observers[0].station, {**OPENING_OK, "Q4": 4, "Q5": ["ink"]},
                    "known-0001", observers[0])
    services.submit(db.session, template, observers[1].station,
                    {"Q1": "no", "Q2": 30, "Q3": "no", "Q4": 8, "Q5": ["ink", "list"]}, "known-0002", observers[1])
    return north, south, template, observers


def test_coverage_counts_reported_and_expected_stations_per_region(db):
    north, south, *_ = _known_data_set(db)
    rows = {row.area.code: (row.reported, row.expected) for row in services.coverage(db.session, "opening")}
    assert rows == {"N": (2, 3), "S": (0, 1)}


def test_coverage_drills_down_one_level(db):
    north, *_ = _known_data_set(db)
    rows = services.coverage(db.session, "opening", north)
    assert [(r.area.code, r.reported, r.expected) for r in rows] == [("N-1", 2, 3)]


def test_aggregates_give_share_of_yes_mean_and_distribution(db):
    _known_data_set(db)
    result = {a.code: a for a in services.aggregates(db.session, "OPEN")}
    assert result["Q1"].share_yes == 0.5
    assert result["Q3"].distribution == {"yes": 1, "no": 1}
    assert result["Q4"].mean == 6 and result["Q4"].count == 2
    assert result["Q2"].count == 1
    assert result["Q5"].distribution == {"ink": 2, "list": 1}


def test_aggregates_count_only_the_current_revision(db):
    _n, _s, template, observers = _known_data_set(db)
    services.submit(db.session, template, observers[0].station, {**OPENING_OK, "Q4": 10}, "known-0003", observers[0])
    result = {a.code: a for a in services.aggregates(db.session, "OPEN")}
    assert result["Q4"].mean == 9 and result["Q4"].count == 2


def test_aggregates_within_an_area(db):
    _n, south, template, observers = _known_data_set(db)
    services.submit(db.session, template, observers[3].station, OPENING_OK, "known-0004", observers[3])
    result = {a.code: a for a in services.aggregates(db.session, "OPEN", south)}
    assert result["Q4"].mean == 5 and result["Q4"].count == 1


def test_stations_not_reported_after_the_deadline_are_listed(db):
    _n, _s, _t, observers = _known_data_set(db)
    deadline = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)
    assert services.late_stations(db.session, "opening", deadline, deadline - dt.timedelta(minutes=1)) == []
    late = services.late_stations(db.session, "opening", deadline, deadline + dt.timedelta(minutes=1))
    assert {s.id for s in late} == {observers[2].station.id, observers[3].station.id}


def test_two_observers_who_disagree_on_one_station_are_a_conflict(db):
    template = make_opening_checklist()
    station = make_station()
    first, second = make_observer(station=station), make_observer(station=station)
    services.submit(db.session, template, station, OPENING_OK, "conflict-01", first)
    services.submit(db.session, template, station, {**OPENING_OK, "Q3": "no"}, "conflict-02", second)
    [conflict] = services.conflicts(db.session, "opening")
    assert conflict.station.id == station.id
    assert conflict.questions == {"Q3": ["yes", "no"]} or conflict.questions == {"Q3": ["no", "yes"]}


def test_two_observers_who_agree_are_no_conflict(db):
    template = make_opening_checklist()
    station = make_station()
    first, second = make_observer(station=station), make_observer(station=station)
    services.submit(db.session, template, station, OPENING_OK, "agree-0001", first)
    services.submit(db.session, template, station, OPENING_OK, "agree-0002", second)
    assert services.conflicts(db.session, "opening") == []


def test_resolving_an_alert_needs_a_note(db):
    import pytest

    from electoral.core.errors import ValidationFailed
    from electoral.observation.models import Alert

    template = make_opening_checklist()
    observer = make_observer()
    services.submit(db.session, template, observer.station, {**OPENING_OK, "Q3": "no"}, "alert-0001", observer)
    alert = db.session.scalar(db.select(Alert))
    services.handle_alert(db.session, alert, "acknowledged", "", user_called("coord"))
    with pytest.raises(ValidationFailed):
        services.handle_alert(db.session, alert, "resolved", " ", user_called("coord"))
    services.handle_alert(db.session, alert, "resolved", "Box sealed in front of agents at 07:20", user_called("coord"))
    assert alert.status == "resolved" and "07:20" in alert.note
