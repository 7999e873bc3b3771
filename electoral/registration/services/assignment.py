"""Splitting each polling centre's voters into its stations, alphabetically, within capacity."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from electoral.geography.models import DEFAULT_STATION_CAPACITY, PollingCentre, PollingStation
from electoral.registration.models import Voter


@dataclass
class CentreSplit:
    centre: PollingCentre
    voters: int
    capacity: int
    moved: int
    unassigned: int

    @property
    def stations_short(self) -> int:
        """How many more stations (at the largest existing capacity) the centre needs."""
        if not self.unassigned:
            return 0
        per_station = max((s.capacity for s in self.centre.stations), default=DEFAULT_STATION_CAPACITY)
        return -(-self.unassigned // per_station)


def assign_centre(session: Session, centre: PollingCentre) -> CentreSplit:
    """Assign the centre's voters to its stations, moving already assigned voters only when they must.

    Voters are taken in alphabetical order (family, then given names; see
    ``voters.sort_key``). Stations, in code order, each take a contiguous run of
    the alphabet. Re-running keeps a voter in their station when that station
    still has room after everyone sorted before them has been placed; a voter
    moves only when their station is full or gone. Nobody is put over capacity:
    whoever does not fit stays unassigned, and the supervisor is told how many
    more stations are needed.
    """
    stations = list(session.scalars(select(PollingStation).where(PollingStation.centre_id == centre.id)
                                    .order_by(PollingStation.code)))
    voters = list(session.scalars(
        select(Voter).where(Voter.centre_id == centre.id, Voter.registered)
        .order_by(Voter.sort_key, Voter.family_name, Voter.given_names, Voter.id)))
    capacity = sum(s.capacity for s in stations)
    room = {s.id: s.capacity for s in stations}
    wanted: dict[int, int | None] = {}
    # First pass: keep everyone who already has a seat, in order, while their station has room.
    for voter in voters:
        if voter.station_id in room and room[voter.station_id] > 0:
            room[voter.station_id] -= 1
            wanted[voter.id] = voter.station_id
    # Second pass: the others go to the first station at or after the alphabetical position
    # they would hold in a fresh split, falling back to any station with room.
    moved = unassigned = 0
    position = 0
    cumulative = []
    total = 0
    for station in stations:
        total += station.capacity
        cumulative.append((total, station.id))
    for voter in voters:
        position += 1
        if voter.id in wanted:
            continue
        natural = next((sid for limit, sid in cumulative if position <= limit), None)
        order = [sid for _limit, sid in cumulative]
        if natural is not None:
            start = order.index(natural)
            order = order[start:] + order[:start]
        target = next((sid for sid in order if room[sid] > 0), None)
        if target is None:
            unassigned += 1
            if voter.station_id is not None:
                voter.station_id = None
                moved += 1
            continue
        room[target] -= 1
        if voter.station_id != target:
            moved += 1
            voter.station_id = target
    session.flush()
    return CentreSplit(centre, len(voters), capacity, moved, unassigned)


def assign_all(session: Session, centres=None) -> list[CentreSplit]:
    """Run the split for every centre (or the given ones)."""
    centres = centres if centres is not None else session.scalars(select(PollingCentre).order_by(PollingCentre.code))
    return [assign_centre(session, centre) for centre in centres]
