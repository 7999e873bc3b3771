"""Double-blind entry, mismatch resolution, quarantine and audit decisions."""

import pytest
from sqlalchemy import select

from electoral.core.errors import ValidationFailed
from electoral.results import services
from electoral.results.models import EntryError, SheetEvent, TallyEntry
from tests.factories import make_station, user_called
from tests.registration.factories import make_voter
from tests.results.factories import enter_twice, figures, make_clerk, make_race, make_supervisor


def test_matching_entries_accept_the_sheet_and_count_its_votes(db):
    race = make_race()
    sheet = enter_twice(race)
    assert sheet.state == "accepted"
    national = services.summary(db.session, race)
    assert [s.votes for s in national.standings] == [60, 36]


def test_first_entry_leaves_the_sheet_awaiting_the_second(db):
    race = make_race()
    entry = services.submit_entry(db.session, race, make_station(), make_clerk(), figures())
    assert entry.entry_no == 1
    assert entry.sheet.state == "first_entry"


def test_mismatched_entries_put_the_sheet_in_correction(db):
    race = make_race()
    sheet = enter_twice(race, second=figures(votes=(61, 35)))
    assert sheet.state == "in_correction"
    entries = services.current_entries(db.session, sheet)
    assert services.differences(entries[1].figures, entries[2].figures) == ["candidate_C1", "candidate_C2"]
    assert services.summary(db.session, race).total.counted == 0


def test_second_entry_by_same_clerk_is_refused(db):
    race, station, clerk = make_race(), make_station(), make_clerk()
    services.submit_entry(db.session, race, station, clerk, figures())
    with pytest.raises(ValidationFailed, match="different clerk"):
        services.submit_entry(db.session, race, station, clerk, figures())


def test_blank_sheet_is_refused_at_first_entry(db):
    race = make_race()
    zero = figures(cast=0, invalid=0, votes=(0, 0), received=0, unused=0, spoiled=0)
    with pytest.raises(ValidationFailed, match="blank or all zero"):
        services.submit_entry(db.session, race, make_station(), make_clerk(), zero)


def test_missing_figure_is_named(db):
    race = make_race()
    raw = figures()
    raw["candidates"].pop("C2")
    with pytest.raises(ValidationFailed) as failure:
        services.submit_entry(db.session, race, make_station(), make_clerk(), raw)
    assert "candidate_C2" in failure.value.errors


def test_two_clerks_saving_entry_two_at_once_make_one_entry(db):
    race, station = make_race(), make_station()
    services.submit_entry(db.session, race, station, make_clerk(), figures())
    sheet = services.find_sheet(db.session, race, station)
    # Another clerk's entry 2 reached the database between this clerk's read and write.
    other = make_clerk()
    db.session.add(TallyEntry(sheet_id=sheet.id, round=1, entry_no=2, clerk_id=other.id, figures=figures()))
    late = make_clerk()
    db.session.commit()
    with pytest.raises(ValidationFailed, match="a moment ago"):
        services.submit_entry(db.session, race, station, late, figures())
    db.session.rollback()
    count = len(db.session.scalars(select(TallyEntry).where(TallyEntry.entry_no == 2)).all())
    assert count == 1


def test_supervisor_resolution_attributes_the_error_to_the_clerk_who_typed_it(db):
    race, station = make_race(), make_station()
    right, wrong, supervisor = make_clerk("right"), make_clerk("wrong"), make_supervisor()
    sheet = enter_twice(race, station, second=figures(votes=(61, 35)), clerks=(right, wrong))
    services.resolve(db.session, sheet, supervisor, {"candidate_C1": "60", "candidate_C2": "36"},
                     "Paper sheet shows 60 and 36")
    assert sheet.state == "accepted"
    errors = db.session.scalars(select(EntryError)).all()
    assert {(e.clerk_id, e.field, e.entered, e.corrected) for e in errors} == {
        (wrong.id, "candidate_C1", 61, 60), (wrong.id, "candidate_C2", 35, 36)}
    ranking = services.clerk_ranking(db.session)
    assert [(r.username, r.errors, r.entries) for r in ranking] == [("wrong", 1, 1), ("right", 0, 1)]


def test_resolution_keeps_both_entries_marked_superseded(db):
    race = make_race()
    sheet = enter_twice(race, second=figures(votes=(61, 35)))
    services.resolve(db.session, sheet, make_supervisor(), {"candidate_C1": 61, "candidate_C2": 35}, "Recounted")
    entries = db.session.scalars(select(TallyEntry).order_by(TallyEntry.entry_no)).all()
    assert [(e.entry_no, e.superseded) for e in entries] == [(1, True), (2, True), (3, False)]


def test_clerk_cannot_resolve(db):
    race = make_race()
    sheet = enter_twice(race, second=figures(votes=(61, 35)))
    with pytest.raises(ValidationFailed, match="supervisor"):
        services.resolve(db.session, sheet, make_clerk(), {"candidate_C1": 60, "candidate_C2": 36}, "x")


def test_failing_sheet_is_quarantined_and_its_votes_stay_out_until_accepted(db):
    race = make_race()
    counted = enter_twice(race, raw=figures(votes=(60, 36)))
    bad = enter_twice(race, raw=figures(votes=(10, 86), invalid=14))  # valid + invalid = 110, cast 100
    assert bad.state == "quarantined"
    assert "valid_plus_invalid" in bad.failed_checks
    assert counted.state == "accepted"
    assert [s.votes for s in services.summary(db.session, race).standings] == [60, 36]
    services.decide(db.session, bad, make_supervisor(), "accept", "Invalid ballots recounted: figure stands")
    assert [(s.candidate.code, s.votes) for s in services.summary(db.session, race).standings] == [
        ("C2", 122), ("C1", 70)]


def test_over_voting_against_the_roll_quarantines(db):
    race, station = make_race(), make_station()
    for _ in range(3):
        make_voter(centre=station.centre, station=station)
    make_voter(centre=station.centre, station=station, status="removed", removal_reason="deceased")
    sheet = enter_twice(race, station, raw=figures(cast=9, invalid=1, votes=(5, 3), received=20))
    assert sheet.registered_voters == 3
    assert "over_voting" in sheet.failed_checks


def test_registered_voters_is_not_available_without_a_roll(db):
    station = make_station()
    assert services.registered_voters(db.session, [station.id]) == {station.id: None}


def test_cancel_then_re_entry_keeps_the_history(db):
    race, station, supervisor = make_race(), make_station(), make_supervisor()
    sheet = enter_twice(race, station, raw=figures(votes=(10, 86), invalid=14))
    services.decide(db.session, sheet, supervisor, "cancel", "Recount ordered")
    assert sheet.state == "cancelled"
    assert services.summary(db.session, race).total.counted == 0
    services.decide(db.session, sheet, supervisor, "re_enter", "Recount done")
    assert (sheet.state, sheet.round) == ("not_received", 2)
    enter_twice(race, station, raw=figures())
    entries = db.session.scalars(select(TallyEntry).order_by(TallyEntry.id)).all()
    assert [(e.round, e.entry_no, e.superseded) for e in entries] == [
        (1, 1, True), (1, 2, True), (2, 1, False), (2, 2, False)]
    assert [e.action for e in db.session.scalars(select(SheetEvent).order_by(SheetEvent.id))] == [
        "cancel", "re_enter"]
    assert sheet.state == "accepted"


def test_same_figures_at_two_stations_quarantine_the_second(db):
    race = make_race()
    enter_twice(race)
    second = enter_twice(race)
    assert "reported_twice" in second.failed_checks


def test_race_is_refused_at_a_station_outside_its_areas(db):
    inside, outside = make_station(), make_station()
    race = make_race(areas=[inside.centre.district])
    with pytest.raises(ValidationFailed, match="not contested"):
        services.submit_entry(db.session, race, outside, make_clerk(), figures())


def test_ballots_handed_over_by_logistics_are_the_sheets_figure_not_the_typed_one(db):
    from electoral.logistics import services as logistics
    from tests.logistics.factories import full_receipt, make_item, packed_consignment

    race = make_race(code="PRES")
    station = make_station()
    item = make_item(code="BALLOT-PRES", name="Presidential ballot papers", sensitive=True)
    consignment = packed_consignment(destination=station.centre, item=item, quantity=500)
    logistics.dispatch(db.session, consignment, user_called("dispatcher"))
    logistics.receive(db.session, consignment, full_receipt(consignment), user_called("storekeeper"))
    logistics.issue_to_station(db.session, station, item, 150, "Musu Sirleaf", user_called("logistics"))
    # Both clerks typed 999 by mistake: logistics' 150 is what the sheet holds and what the checks see.
    sheet = enter_twice(race, station, raw=figures(ballots_received=999))
    assert (sheet.state, sheet.ballots_received) == ("accepted", 150)


def test_without_a_hand_over_the_typed_ballots_received_are_checked(db):
    sheet = enter_twice(make_race(code="PRES"), raw=figures(unused=40))
    assert sheet.state == "quarantined" and sheet.ballots_received == 150
