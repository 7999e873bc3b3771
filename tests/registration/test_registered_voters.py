"""One definition of a registered voter: the voter list, the kits and the tally sheet count the same people."""

from electoral.core.auth import Role
from electoral.extensions import db as _db
from electoral.logistics import services as logistics
from electoral.registration.services.counts import (
    registered_voters_by_centre,
    registered_voters_by_station,
)
from electoral.reports.registry import render
from electoral.results.services import registered_voters
from tests.factories import make_centre, make_station
from tests.registration.factories import make_election, make_voter
from tests.reports.helpers import pdf_text


def _roll():
    """Two voters on the roll, one awaiting a duplicate decision, one removed, one not yet in a station."""
    make_election()
    centre = make_centre(code="BO-02-011")
    station = make_station(centre, code="BO-02-011-01")
    make_voter(centre, station=station, family_name="Kamara")
    make_voter(centre, station=station, family_name="Sesay")
    make_voter(centre, station=station, family_name="Bangura", status="possible_duplicate")
    make_voter(centre, station=station, family_name="Conteh", status="removed", removal_reason="deceased")
    make_voter(centre, family_name="Koroma")
    _db.session.commit()
    return centre, station


def test_a_possible_duplicate_awaiting_a_decision_counts_as_registered_and_a_removed_voter_does_not(db):
    centre, station = _roll()
    assert registered_voters_by_station(_db.session) == {station.id: 3}
    assert registered_voters_by_centre(_db.session) == {centre.id: 4}


def test_voter_list_kits_and_tally_sheet_agree_on_the_registered_figure(db):
    _, station = _roll()
    listed = pdf_text(render("voter-list", {"station": station.code}, lang="en",
                             roles={Role.REGISTRATION_SUPERVISOR}, printed_by="test"))
    on_list = [name for name in ("Kamara", "Sesay", "Bangura", "Conteh", "Koroma") if name in listed]
    assert on_list == ["Kamara", "Sesay", "Bangura"]

    kits = logistics.compute_allocation(_db.session)
    assert kits.stations[0][5] == len(on_list)
    assert registered_voters(_db.session, [station.id]) == {station.id: len(on_list)}
