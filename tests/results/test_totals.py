"""Running totals: after any sequence of entries, audits, cancellations and re-entries they equal a
recomputation from the sheets, at every level; `electoral results rebuild-totals` gives the same."""

import random

import pytest
from sqlalchemy import select

from electoral.extensions import db as _db
from electoral.results import services
from electoral.results.models import ResultTotal, ResultTotalVote, TallySheet
from electoral.results.services.totals import COUNTERS
from tests.factories import make_centre, make_district, make_region, make_station
from tests.results.factories import figures, make_clerk, make_race, make_supervisor


@pytest.fixture
def country(db):
    """Two regions, three districts, four centres, eight stations."""
    a, b = make_region(code="RA"), make_region(code="RB")
    districts = [make_district(a, code="RA-1"), make_district(a, code="RA-2"), make_district(b, code="RB-1")]
    centres = [make_centre(districts[0], code="C1"), make_centre(districts[0], code="C2"),
               make_centre(districts[1], code="C3"), make_centre(districts[2], code="C4")]
    stations = [make_station(centres[n % 4], code=f"S{n}") for n in range(8)]
    race = make_race(candidates=("Amara Kollie", "Joseph Boakai", "محمد الصادق"))
    db.session.commit()
    return race, stations


def _running(race) -> tuple[dict, dict]:
    """The running totals as stored, rows of nothing left out."""
    counters = {}
    for row in _db.session.scalars(select(ResultTotal).where(ResultTotal.race_id == race.id)):
        values = tuple(getattr(row, name) for name in COUNTERS)
        if any(values):
            counters[(row.level, row.area_id)] = values
    votes = {(v.level, v.area_id, v.candidate_id): v.votes for v in _db.session.scalars(
        select(ResultTotalVote).where(ResultTotalVote.race_id == race.id)) if v.votes}
    return counters, votes


def _recomputed(race) -> tuple[dict, dict]:
    """The totals computed again from every sheet, in Python, without the totals code's SQL."""
    counters: dict = {}
    votes: dict = {}
    for sheet in _db.session.scalars(select(TallySheet).where(TallySheet.race_id == race.id)):
        if sheet.state == "accepted":
            adds = {"counted": 1, "registered_voters": sheet.registered_voters or 0, "ballots_cast": sheet.ballots_cast,
                    "valid": sheet.valid, "invalid": sheet.invalid}
            candidate_votes = {v.candidate_id: v.votes for v in sheet.votes}
        elif sheet.state in ("quarantined", "under_audit"):
            adds, candidate_votes = {"pending_sheets": 1, "pending_votes": sheet.valid}, {}
        else:
            adds, candidate_votes = {}, {}
        centre = sheet.station.centre
        for key in (("centre", centre.id), ("district", centre.district_id),
                    ("region", centre.district.region_id), ("national", 0)):
            counters[key] = [a + adds.get(name, 0) for a, name in zip(counters.get(key, [0] * len(COUNTERS)),
                                                                      COUNTERS, strict=True)]
            for candidate_id, n in candidate_votes.items():
                votes[(*key, candidate_id)] = votes.get((*key, candidate_id), 0) + n
    return ({key: tuple(values) for key, values in counters.items() if any(values)},
            {key: n for key, n in votes.items() if n})


def _raw(rng: random.Random) -> dict:
    """Figures that pass every check, or (one time in four) fail the sum of candidate votes."""
    votes = (rng.randint(0, 90), rng.randint(0, 90), rng.randint(0, 90))
    invalid = rng.randint(0, 5)
    raw = figures(cast=sum(votes) + invalid, invalid=invalid, votes=votes, received=400)
    if rng.random() < 0.25:
        raw["valid"] += 7
    return raw


def _step(rng: random.Random, race, station, clerks, supervisor) -> str:
    """One random move on the station's sheet that its state allows; returns what was done."""
    sheet = services.find_sheet(_db.session, race, station)
    state = sheet.state if sheet is not None else "not_received"
    if state in ("not_received", "first_entry"):
        raw = _raw(rng)
        first, second = rng.sample(clerks, 2)
        if state == "not_received":
            services.submit_entry(_db.session, race, station, first, raw)
        else:
            second = next(c for c in clerks if c.id != services.current_entries(_db.session, sheet)[1].clerk_id)
        again = dict(raw, ballots_cast=raw["ballots_cast"] + 1) if rng.random() < 0.2 else raw
        services.submit_entry(_db.session, race, station, second, again)
        return "entry"
    if state == "in_correction":
        services.resolve(_db.session, sheet, supervisor, {"ballots_cast": sheet.entries[-2].figures["ballots_cast"]},
                         "paper sheet read again")
        return "resolve"
    if state == "quarantined" and rng.random() < 0.4:
        services.start_audit(_db.session, sheet, supervisor)
        return "audit"
    choices = {"quarantined": ("accept", "cancel", "re_enter"), "under_audit": ("accept", "cancel", "re_enter"),
               "accepted": ("cancel", "re_enter"), "cancelled": ("re_enter",)}[state]
    decision = rng.choice(choices)
    services.decide(_db.session, sheet, supervisor, decision, "audit decision")
    return decision


def test_running_totals_equal_a_recomputation_after_a_random_sequence(db, country):
    race, stations = country
    clerks = [make_clerk(), make_clerk(), make_clerk()]
    supervisor = make_supervisor()
    db.session.commit()
    rng = random.Random(9)
    done = set()
    for _ in range(160):
        done.add(_step(rng, race, rng.choice(stations), clerks, supervisor))
        db.session.commit()
        assert _running(race) == _recomputed(race)
    # Every kind of move happened, so every path that moves the totals was checked.
    assert done == {"entry", "resolve", "audit", "accept", "cancel", "re_enter"}
    before = _running(race)
    services.rebuild_totals(db.session, race)
    db.session.commit()
    assert _running(race) == before


def test_every_level_sums_the_accepted_sheets_of_its_stations(db, country):
    race, stations = country
    clerks = [make_clerk(), make_clerk()]
    supervisor = make_supervisor()
    rng = random.Random(4)
    for _ in range(40):
        _step(rng, race, rng.choice(stations), clerks + [make_clerk()], supervisor)
        db.session.commit()
    by_station = {r.area_id: r for r in services.results(db.session, race, "station")}
    parents = {s.id: {"centre": s.centre_id, "district": s.centre.district_id,
                      "region": s.centre.district.region_id, "national": 0} for s in stations}
    for level in ("centre", "district", "region", "national"):
        for row in services.results(db.session, race, level):
            inside = [by_station[s] for s, up in parents.items() if up[level] == row.area_id]
            assert row.stations == len(inside)
            assert (row.counted, row.cast, row.valid, row.invalid) == (
                sum(r.counted for r in inside), sum(r.cast for r in inside), sum(r.valid for r in inside),
                sum(r.invalid for r in inside))
            assert {c.id: row.votes.get(c.id, 0) for c in race.candidates} == {
                c.id: sum(r.votes.get(c.id, 0) for r in inside) for c in race.candidates}


def test_cancelling_an_accepted_sheet_takes_its_votes_out_of_every_level(db, country):
    race, stations = country
    supervisor = make_supervisor()
    services.submit_entry(db.session, race, stations[0], make_clerk(), figures(votes=(60, 30, 6)))
    entry = services.submit_entry(db.session, race, stations[0], make_clerk(), figures(votes=(60, 30, 6)))
    assert services.summary(db.session, race).total.votes[race.candidates[0].id] == 60
    services.decide(db.session, entry.sheet, supervisor, "cancel", "recount ordered")
    db.session.commit()
    for level in ("centre", "district", "region", "national"):
        assert all(not r.counted and not r.votes for r in services.results(db.session, race, level))


def test_figures_carry_the_time_they_last_moved(db, country):
    race, stations = country
    assert services.summary(db.session, race).as_of is None
    services.submit_entry(db.session, race, stations[0], make_clerk(), figures(votes=(60, 30, 6)))
    services.submit_entry(db.session, race, stations[0], make_clerk(), figures(votes=(60, 30, 6)))
    db.session.commit()
    assert services.summary(db.session, race).as_of is not None


def test_rebuild_totals_command_recomputes_them(db, runner, country):
    race, stations = country
    services.submit_entry(db.session, race, stations[0], make_clerk(), figures(votes=(60, 30, 6)))
    services.submit_entry(db.session, race, stations[0], make_clerk(), figures(votes=(60, 30, 6)))
    db.session.commit()
    kept = _running(race)
    db.session.execute(ResultTotalVote.__table__.delete())
    db.session.execute(ResultTotal.__table__.delete())
    db.session.commit()
    result = runner.invoke(args=["results", "rebuild-totals", "--race", race.code])
    assert result.exit_code == 0, result.output
    assert "1 counted or held sheets" in result.output
    assert _running(race) == kept


def test_rebuild_totals_names_an_unknown_race(db, runner):
    result = runner.invoke(args=["results", "rebuild-totals", "--race", "NOPE"])
    assert result.exit_code == 1
    assert "no race NOPE" in result.output
