"""Results clerks saving the same entry of the same tally sheet at the same moment, through the web form."""

from sqlalchemy import func, select

from electoral.accounts.models import User
from electoral.core.errors import ValidationFailed
from electoral.extensions import db as _db
from electoral.results import services
from electoral.results.models import Race, TallyEntry, TallySheet
from tests.concurrency.conftest import ROUNDS
from tests.factories import PASSWORD, make_station
from tests.results.factories import figures, make_clerk, make_race, make_supervisor


def _form(raw: dict, entry_no: int, token: str) -> dict:
    data = {k: str(v) for k, v in raw.items() if k != "candidates"}
    data.update({f"candidate_{code}": str(v) for code, v in raw["candidates"].items()})
    return data | {"entry_no": str(entry_no), "csrf_token": token}


def _signed_in(app, username: str):
    client = app.test_client()
    response = client.post_form("/login", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client, client.csrf_token()


def _poster(client, url: str, data: dict):
    def work():
        response = client.post(url, data=data)
        return response.status_code, response.get_data(as_text=True)
    return work


def _entries(db, race_id: int, station_id: int) -> list[tuple[int, int]]:
    db.session.commit()
    return db.session.execute(select(TallyEntry.entry_no, TallyEntry.clerk_id).join(TallySheet).where(
        TallySheet.race_id == race_id, TallySheet.station_id == station_id)).all()


REFUSALS = ("Another clerk saved entry 1 of this sheet a moment ago", "This sheet awaits entry 2, not entry 1")


def _one_saved_one_refused(outcomes) -> None:
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    statuses = sorted(status for status, _page in outcomes)
    assert statuses == [302, 400], statuses
    refused = next(page for status, page in outcomes if status == 400)
    assert any(message in refused for message in REFUSALS), refused[:2000]


def test_two_clerks_saving_the_first_entry_at_once_store_one_and_refuse_the_other(app, db, race):
    clerks = [make_clerk().username, make_clerk().username]
    race_row = make_race(code="PRES")
    stations = [(s.id, s.code) for s in (make_station(code=f"S-{n}") for n in range(ROUNDS))]
    race_id = race_row.id
    db.session.commit()
    (first, token1), (second, token2) = (_signed_in(app, name) for name in clerks)
    for station_id, code in stations:
        url = f"/results/entry/PRES/{code}"
        outcomes = race(_poster(first, url, _form(figures(), 1, token1)),
                        _poster(second, url, _form(figures(votes=(61, 35)), 1, token2)))
        _one_saved_one_refused(outcomes)
        assert len(_entries(db, race_id, station_id)) == 1


def test_one_clerk_saving_the_same_entry_twice_at_once_stores_it_once(app, db, race):
    clerk = make_clerk().username
    race_id = make_race(code="PRES").id
    stations = [(s.id, s.code) for s in (make_station(code=f"S-{n}") for n in range(ROUNDS))]
    db.session.commit()
    # Two tabs of one clerk, or a double press on a slow network.
    (tab1, token1), (tab2, token2) = _signed_in(app, clerk), _signed_in(app, clerk)
    for station_id, code in stations:
        url = f"/results/entry/PRES/{code}"
        outcomes = race(_poster(tab1, url, _form(figures(), 1, token1)), _poster(tab2, url, _form(figures(), 1, token2)))
        _one_saved_one_refused(outcomes)
        assert len(_entries(db, race_id, station_id)) == 1


def test_two_clerks_saving_the_second_entry_at_once_store_one_and_refuse_the_other(app, db, race):

    names = [make_clerk().username for _ in range(3)]
    race_row = make_race(code="PRES")
    stations = [make_station(code=f"S-{n}") for n in range(ROUNDS)]
    first_clerk = db.session.scalar(select(User).where(User.username == names[0]))
    for station in stations:
        services.submit_entry(db.session, race_row, station, first_clerk, figures())
    ids = [(s.id, s.code) for s in stations]
    race_id = race_row.id
    db.session.commit()
    (second, token2), (third, token3) = (_signed_in(app, name) for name in names[1:])
    for station_id, code in ids:
        url = f"/results/entry/PRES/{code}"
        outcomes = race(_poster(second, url, _form(figures(), 2, token2)),
                        _poster(third, url, _form(figures(), 2, token3)))
        assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
        # The later clerk is refused by the database (400), or, if the first had committed before the
        # page was read, shown the sheet that awaits no entry (200); either way nothing is saved.
        statuses = sorted(status for status, _page in outcomes)
        assert statuses in ([302, 400], [200, 302]), statuses
        refused = next(page for status, page in outcomes if status != 302)
        assert "Another clerk saved entry 2 of this sheet a moment ago" in refused or "awaits no entry" in refused
        assert sorted(no for no, _clerk in _entries(db, race_id, station_id)) == [1, 2]
        # Agreed once: checked and accepted or quarantined (no roll here), never left awaiting an entry.
        state = db.session.scalar(select(TallySheet.state).where(TallySheet.station_id == station_id))
        assert state in ("accepted", "quarantined")
    assert db.session.scalar(select(func.count(TallyEntry.id))) == 2 * ROUNDS


def _consistent(votes: tuple[int, int]) -> dict:
    return figures(votes=votes, cast=sum(votes) + 4, received=sum(votes) + 60)


def test_sheets_agreed_at_once_all_reach_the_running_totals(app, db, race):
    # Many second entries in one district at once move the same centre, district, region and
    # national totals: none of the moves may be lost, and no two may deadlock.
    from tests.factories import make_centre

    race_row = make_race(code="PRES")
    centre = make_centre()
    first, second = make_clerk(), make_clerk()
    stations = [make_station(centre=centre if n % 2 else make_centre(district=centre.district))
                for n in range(3 * ROUNDS)]
    rng_votes = [(50 + n, 30 + 2 * n) for n in range(len(stations))]
    for station, votes in zip(stations, rng_votes, strict=True):
        services.submit_entry(db.session, race_row, station, first, _consistent(votes))
    race_id, second_id = race_row.id, second.id
    station_ids = [s.id for s in stations]
    db.session.commit()

    def agree(station_id, votes):
        def work():
            from electoral.geography.models import PollingStation
            from electoral.results.models import Race as RaceModel

            clerk = _db.session.get(User, second_id)
            entry = services.submit_entry(_db.session, _db.session.get(RaceModel, race_id),
                                          _db.session.get(PollingStation, station_id), clerk,
                                          _consistent(votes))
            state = entry.sheet.state
            _db.session.commit()
            return state
        return work

    for start in range(0, len(station_ids), 6):
        batch = list(zip(station_ids, rng_votes, strict=True))[start:start + 6]
        outcomes = race(*(agree(station_id, votes) for station_id, votes in batch))
        assert all(o in ("accepted", "quarantined") for o in outcomes), outcomes
    db.session.commit()
    db.session.expire_all()
    summary = services.summary(db.session, db.session.get(type(race_row), race_id))
    accepted = db.session.execute(select(func.count(TallySheet.id), func.coalesce(func.sum(TallySheet.valid), 0))
                                  .where(TallySheet.state == "accepted")).one()
    pending = db.session.scalar(select(func.count(TallySheet.id)).where(
        TallySheet.state.in_(("quarantined", "under_audit"))))
    assert (summary.total.counted, summary.total.valid, summary.pending_sheets) == (*accepted, pending)
    assert accepted[0] > 0


def _quarantined_sheets(count: int):
    race_row = make_race(code="PRES")
    first, second = make_clerk(), make_clerk()
    sheets = []
    for _ in range(count):
        station = make_station()
        # The entries agree, but the ballots cast do not reconcile with the votes: quarantined.
        raw = figures(cast=140, received=200)
        services.submit_entry(_db.session, race_row, station, first, raw)
        entry = services.submit_entry(_db.session, race_row, station, second, raw)
        assert entry.sheet.state == "quarantined"
        sheets.append(entry.sheet.id)
    return race_row.id, sheets


def _decider(sheet_id: int, supervisor_id: int, decision: str):
    def work():
        sheet = _db.session.get(TallySheet, sheet_id)
        try:
            services.decide(_db.session, sheet, _db.session.get(User, supervisor_id), decision, "Checked the paper")
        except ValidationFailed as refused:
            _db.session.rollback()
            return str(refused)
        _db.session.commit()
        return decision
    return work


def test_two_supervisors_deciding_one_sheet_at_once_move_the_totals_once(app, db, race):
    race_id, sheet_ids = _quarantined_sheets(ROUNDS)
    supervisors = [make_supervisor().id, make_supervisor().id]
    db.session.commit()
    for n, sheet_id in enumerate(sheet_ids):
        # Both accept: the second is refused. One accepts as the other cancels: they take turns (a
        # cancel may follow an accept, not the reverse), and the totals follow whichever order it was.
        decisions = ("accept", "accept") if n % 2 else ("accept", "cancel")
        outcomes = race(*(_decider(sheet_id, s, d) for s, d in zip(supervisors, decisions, strict=True)))
        refused = [o for o in outcomes if o not in decisions]
        if decisions == ("accept", "accept"):
            assert len(refused) == 1 and "does not apply to a sheet that is accepted" in refused[0], outcomes
        else:
            assert refused == [] or (len(refused) == 1 and "does not apply" in refused[0]), outcomes
    db.session.commit()
    db.session.expire_all()
    summary = services.summary(db.session, db.session.get(Race, race_id))
    accepted = db.session.execute(select(func.count(TallySheet.id), func.coalesce(func.sum(TallySheet.valid), 0))
                                  .where(TallySheet.state == "accepted")).one()
    assert (summary.total.counted, summary.total.valid, summary.pending_sheets) == (*accepted, 0)
