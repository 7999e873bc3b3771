"""Results as open data in the shapes others read: wide (a row per station) and long (a row per station × candidate).

The long shape is what statistics tools and newsrooms load directly (one vote figure
per row, with every level's code to group by); both are fed by ``aggregate.results``,
the same figures the pages show.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from electoral.geography.models import District, PollingCentre, PollingStation, Region
from electoral.results.models import Race
from electoral.results.services.aggregate import AreaResult, results

WIDE_TOTALS = ["station_code", "station_name", "registered_voters", "ballots_cast", "valid", "invalid"]
LONG_COLUMNS = ["race_code", "region_code", "region_name", "district_code", "district_name", "centre_code",
                "centre_name", "station_code", "station_name", "candidate_code", "candidate_name", "party", "votes"]


@dataclass(frozen=True)
class Place:
    """Where a station lies: every level's code and name."""

    region_code: str
    region_name: str
    district_code: str
    district_name: str
    centre_code: str
    centre_name: str
    station_code: str
    station_name: str


def places(session: Session, station_ids: list[int]) -> dict[int, Place]:
    """Each station's region, district and centre, by station id (one query)."""
    query = (select(PollingStation.id, Region.code, Region.name, District.code, District.name, PollingCentre.code,
                    PollingCentre.name, PollingStation.code, PollingStation.name)
             .join(PollingCentre, PollingStation.centre_id == PollingCentre.id)
             .join(District, PollingCentre.district_id == District.id)
             .join(Region, District.region_id == Region.id))
    found: dict[int, Place] = {}
    wanted = set(station_ids)
    for station_id, *names in session.execute(query):
        if station_id in wanted:
            found[station_id] = Place(*names)
    return found


def counted_stations(session: Session, race: Race, area=None) -> list[AreaResult]:
    """The race's stations with a counted sheet, by code."""
    return [r for r in results(session, race, "station", area) if r.counted]


def wide(session: Session, race: Race, area=None) -> tuple[list[str], list[list]]:
    """Header and rows: one row per counted station, a column per candidate code."""
    candidates = race.candidates
    header = [*WIDE_TOTALS, *[c.code for c in candidates]]
    rows = [[r.code, r.name, r.registered, r.cast, r.valid, r.invalid, *[r.votes.get(c.id, 0) for c in candidates]]
            for r in counted_stations(session, race, area)]
    return header, rows


def long(session: Session, race: Race, area=None) -> tuple[list[str], list[list]]:
    """Header and rows: one row per counted station and candidate, with region, district and centre codes."""
    counted = counted_stations(session, race, area)
    where = places(session, [r.area_id for r in counted])
    rows = []
    for result in counted:
        place = where.get(result.area_id)
        if place is None:
            continue
        for candidate in race.candidates:
            rows.append([race.code, place.region_code, place.region_name, place.district_code, place.district_name,
                         place.centre_code, place.centre_name, place.station_code, place.station_name,
                         candidate.code, candidate.name, candidate.party or "", result.votes.get(candidate.id, 0)])
    return LONG_COLUMNS, rows
