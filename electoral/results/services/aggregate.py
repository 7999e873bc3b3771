"""Totals per race at every level, in SQL: the one source for pages, exports and the PDF."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from electoral.geography.models import District, PollingCentre, PollingStation, Region
from electoral.results import labels
from electoral.results.models import (
    Candidate,
    Certification,
    Race,
    ResultTotal,
    ResultTotalVote,
    SheetVote,
    TallySheet,
)
from electoral.results.services.closure import certification
from electoral.results.services.entry import PENDING_AUDIT
from electoral.results.services.races import station_filter

LEVELS = labels.LEVEL.values
RANK = {level: rank for rank, level in enumerate(LEVELS)}
CHILD = {"national": "region", "region": "district", "district": "centre", "centre": "station"}
MODELS = {"station": PollingStation, "centre": PollingCentre, "district": District, "region": Region}
# The column that names a station's area at each level, once station, centre and district are joined.
LEVEL_COLUMN = {"station": PollingStation.id, "centre": PollingStation.centre_id,
                "district": PollingCentre.district_id, "region": District.region_id,
                "national": literal(0)}


def level_label(level: str) -> str:
    return labels.LEVEL.label(level)


def area_level(area) -> str:
    """The level name of an area (None: national)."""
    return "national" if area is None else area.level


@dataclass(slots=True)
class AreaResult:
    level: str
    area_id: int
    code: str
    name: str
    stations: int = 0
    counted: int = 0
    registered: int = 0
    cast: int = 0
    valid: int = 0
    invalid: int = 0
    votes: dict[int, int] = field(default_factory=dict)  # candidate id -> votes

    @property
    def counted_share(self) -> float | None:
        return self.counted / self.stations if self.stations else None

    @property
    def turnout(self) -> float | None:
        return self.cast / self.registered if self.registered else None

    def share(self, candidate_id: int) -> float | None:
        return self.votes.get(candidate_id, 0) / self.valid if self.valid else None


def _joined(query):
    return (query.join(PollingStation, TallySheet.station_id == PollingStation.id)
            .join(PollingCentre, PollingStation.centre_id == PollingCentre.id)
            .join(District, PollingCentre.district_id == District.id))


def _within(query, area):
    return query if area is None else query.where(LEVEL_COLUMN[area.level] == area.id)


def results(session: Session, race: Race, level: str, within=None) -> list[AreaResult]:
    """Totals of ``race`` per area of ``level`` inside ``within`` (None: the whole country), counted sheets only.

    A station's figures are its sheet's; every level above reads the running totals (services.totals).
    """
    if level not in LEVELS:
        raise ValueError(level)
    if within is not None and RANK[level] > RANK[within.level]:
        raise ValueError(f"{level} areas do not lie within a {within.level}")
    if level == "station":
        return _station_results(session, race, within)
    connection = session.connection()
    rows = _expected(connection, race, level, within)
    where = [ResultTotal.race_id == race.id, ResultTotal.level == level]
    vote_where = [ResultTotalVote.race_id == race.id, ResultTotalVote.level == level]
    if within is not None:
        where.append(ResultTotal.area_id.in_(_area_ids(level, within)))
        vote_where.append(ResultTotalVote.area_id.in_(_area_ids(level, within)))
    for area_id, counted, registered, cast, valid, invalid in driver_rows(connection, select(
            ResultTotal.area_id, ResultTotal.counted, ResultTotal.registered_voters, ResultTotal.ballots_cast,
            ResultTotal.valid, ResultTotal.invalid).where(*where)):
        row = rows.get(area_id)
        if row is None:
            if not counted:
                continue  # an area left with nothing counted, and no longer in the race
            row = rows[area_id] = AreaResult(level, area_id, "", "")
        row.counted, row.registered, row.cast, row.valid, row.invalid = counted, registered, cast, valid, invalid
    for area_id, votes in _votes_by_area(connection, vote_where).items():
        row = rows.get(area_id)
        if row is None:
            row = rows[area_id] = AreaResult(level, area_id, "", "")
        row.votes = votes
    return sorted(rows.values(), key=lambda r: r.code)


def _votes_by_area(connection, where: list) -> dict[int, dict[int, int]]:
    """{area id: {candidate id: votes}} of the areas the conditions select (votes of 0 left out)."""
    found: dict[int, dict[int, int]] = {}
    # 500,000 candidate totals at centre level: a bare loop over the driver's tuples.
    for area_id, candidate_id, votes in driver_rows(connection, select(
            ResultTotalVote.area_id, ResultTotalVote.candidate_id, ResultTotalVote.votes)
            .where(*where, ResultTotalVote.votes != 0)):
        of_area = found.get(area_id)
        if of_area is None:
            of_area = found[area_id] = {}
        of_area[candidate_id] = votes
    return found


def driver_rows(connection, statement) -> Iterator[tuple]:
    """The rows of ``statement`` as the database driver yields them (plain tuples), in the connection's transaction.

    For reads of hundreds of thousands of rows of plain integers: SQLAlchemy's Row per row would cost
    more than the query, and a list of them all would keep the garbage collector busy; each tuple here
    is gone once read. Only for columns that need no conversion by SQLAlchemy's types.
    """
    compiled = statement.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.params
    if compiled.positional:
        params = tuple(params[name] for name in compiled.positiontup)
    cursor = connection.connection.dbapi_connection.cursor()
    try:
        cursor.execute(compiled.string, params)
        # In batches: one driver call per batch (psycopg's row-by-row iteration is Python code).
        while batch := cursor.fetchmany(10_000):
            yield from batch
    finally:
        cursor.close()


def _expected(connection, race: Race, level: str, within) -> dict[int, AreaResult]:
    """Every area of ``level`` (inside ``within``) where the race is contested, with its code, name and stations."""
    # Join only the tables the level, the area and the race's constituency name: counting stations per
    # centre then reads one index.
    levels = {level, within.level if within is not None else "station"}
    levels |= {"centre" if a.centre_id else "district" if a.district_id else "region" for a in race.areas}
    stations = select(PollingStation.id).select_from(PollingStation)
    if levels & {"district", "region"}:
        stations = stations.join(PollingCentre, PollingStation.centre_id == PollingCentre.id)
    if "region" in levels:
        stations = stations.join(District, PollingCentre.district_id == District.id)
    stations = _within(stations.where(station_filter(race)), within)
    if level == "national":
        # Grouped by nothing: a constant key would be read as a column position by PostgreSQL.
        count = connection.execute(stations.with_only_columns(func.count(PollingStation.id))).scalar_one()
        return {0: AreaResult(level, 0, "", _("National"), stations=count)}
    # Counted per area id first, then named: grouping by the names too would cost more than the count.
    counts = (stations.with_only_columns(LEVEL_COLUMN[level].label("key"), func.count(PollingStation.id).label("n"))
              .group_by(LEVEL_COLUMN[level]).subquery())
    model = MODELS[level]
    return {area_id: AreaResult(level, area_id, code, name, stations=count)
            for area_id, code, name, count in driver_rows(
                connection, select(model.id, model.code, model.name, counts.c.n).join(counts, counts.c.key == model.id))}


def _area_ids(level: str, within):
    """Select of the ids of the areas of ``level`` that lie in ``within``."""
    if level == "centre":
        columns = {"centre": PollingCentre.id, "district": PollingCentre.district_id, "region": District.region_id}
        query = select(PollingCentre.id).join(District, PollingCentre.district_id == District.id)
    elif level == "district":
        columns = {"district": District.id, "region": District.region_id}
        query = select(District.id)
    else:
        columns = {"region": Region.id}
        query = select(Region.id)
    return query.where(columns[within.level] == within.id)


def _station_results(session: Session, race: Race, within) -> list[AreaResult]:
    """Each station's figures: its accepted sheet, read from the sheets themselves."""
    key = PollingStation.id.label("key")
    expected = _within(select(key, PollingStation.code, PollingStation.name).select_from(PollingStation)
                       .join(PollingCentre, PollingStation.centre_id == PollingCentre.id)
                       .join(District, PollingCentre.district_id == District.id).where(station_filter(race)), within)
    accepted = (TallySheet.race_id == race.id, TallySheet.state == "accepted")
    sheets = _within(_joined(select(key, TallySheet.registered_voters, TallySheet.ballots_cast, TallySheet.valid,
                                    TallySheet.invalid).select_from(TallySheet).where(*accepted)), within)
    # The counted sheets with their station first, then their votes: one index lookup per vote row.
    counted = _within(_joined(select(TallySheet.id.label("sheet_id"), key).select_from(TallySheet)
                              .where(*accepted)), within).subquery()
    vote_rows = (select(counted.c.key, SheetVote.candidate_id, SheetVote.votes).select_from(counted)
                 .join(SheetVote, SheetVote.sheet_id == counted.c.sheet_id))
    # Core, not ORM, execution: with a million vote rows the ORM's row handling would cost more than the query.
    connection = session.connection()
    rows = {area_id: AreaResult("station", area_id, code, name, stations=1)
            for area_id, code, name in connection.execute(expected).all()}
    for area_id, registered, cast, valid, invalid in connection.execute(sheets).all():
        row = rows.get(area_id) or rows.setdefault(area_id, AreaResult("station", area_id, "", ""))
        row.counted, row.registered, row.cast, row.valid, row.invalid = 1, registered or 0, cast, valid, invalid
    by_area = {area_id: row.votes for area_id, row in rows.items()}
    for area_id, candidate_id, votes in driver_rows(connection, vote_rows):
        votes_of = by_area.get(area_id)
        if votes_of is None:
            votes_of = by_area[area_id] = rows.setdefault(area_id, AreaResult("station", area_id, "", "")).votes
        votes_of[candidate_id] = votes
    return sorted(rows.values(), key=lambda r: r.code)


def all_levels(session: Session, race: Race) -> dict[str, list[AreaResult]]:
    """Totals at every level, national to station."""
    return {level: results(session, race, level) for level in reversed(LEVELS)}


@dataclass
class Standing:
    candidate: Candidate
    votes: int
    share: float | None


@dataclass
class Summary:
    race: Race
    area: object  # None: national
    level: str
    total: AreaResult
    standings: list[Standing]
    sub_level: str | None
    sub_areas: list[AreaResult]
    pending_sheets: int
    pending_votes: int
    order_may_change: bool
    certified: Certification | None
    as_of: datetime | None

    @property
    def final(self) -> bool:
        return self.certified is not None


def summary(session: Session, race: Race, area=None, sub_level: str | None = None) -> Summary:
    """Everything shown about a race in an area: totals, standings, sub-areas, the leading-order warning."""
    level = area_level(area)
    if sub_level is None or RANK[sub_level] >= RANK[level]:
        sub_level = CHILD.get(level)  # only the levels below an area divide it
    total = AreaResult(level, area.id if area else 0, area.code if area else "", area.name if area else _("National"))
    if sub_level:
        # Every station lies in exactly one sub-area: the area's total is their sum, without a second read.
        sub_areas = results(session, race, sub_level, area)
        for row in sub_areas:
            total.stations += row.stations
            total.counted += row.counted
            total.registered += row.registered
            total.cast += row.cast
            total.valid += row.valid
            total.invalid += row.invalid
            for candidate_id, votes in row.votes.items():
                total.votes[candidate_id] = total.votes.get(candidate_id, 0) + votes
    else:
        sub_areas = []
        found = results(session, race, level, area)
        if found:
            found[0].code, found[0].name = total.code, total.name
            total = found[0]
    standings = sorted((Standing(c, total.votes.get(c.id, 0), total.share(c.id)) for c in race.candidates),
                       key=lambda s: (-s.votes, s.candidate.ballot_order))
    pending_sheets, pending_votes, as_of = _pending(session, race, area)
    return Summary(race, area, level, total, standings, sub_level, sub_areas, pending_sheets, pending_votes,
                   order_may_change(standings, pending_votes), certification(session, race, area), as_of)


def _pending(session: Session, race: Race, area) -> tuple[int, int, datetime | None]:
    """Sheets held in quarantine or audit in ``area`` and their valid votes; when the area's figures last moved."""
    level = area_level(area)
    if level == "station":
        sheet = session.execute(select(TallySheet.state, TallySheet.valid, TallySheet.updated_at).where(
            TallySheet.race_id == race.id, TallySheet.station_id == area.id)).one_or_none()
        if sheet is None:
            return 0, 0, None
        held = sheet.state in PENDING_AUDIT
        return int(held), (sheet.valid or 0) if held else 0, sheet.updated_at
    found = session.execute(select(ResultTotal.pending_sheets, ResultTotal.pending_votes, ResultTotal.updated_at)
                            .where(ResultTotal.race_id == race.id, ResultTotal.level == level,
                                   ResultTotal.area_id == (area.id if area is not None else 0))).one_or_none()
    return tuple(found) if found is not None else (0, 0, None)


def order_may_change(standings: list[Standing], pending_votes: int) -> bool:
    """True when the votes held in quarantine exceed the lead of the first candidate over the second."""
    if len(standings) < 2 or pending_votes <= 0:
        return False
    return pending_votes >= standings[0].votes - standings[1].votes


def progress(session: Session, race: Race) -> list[dict]:
    """Sheets by state per district: expected stations, and how many sheets are in each state."""
    expected = {row.district_id: row for row in session.execute(
        select(District.id.label("district_id"), District.code, District.name, func.count(PollingStation.id))
        .select_from(PollingStation).join(PollingCentre, PollingStation.centre_id == PollingCentre.id)
        .join(District, PollingCentre.district_id == District.id).where(station_filter(race))
        .group_by(District.id, District.code, District.name))}
    by_state: dict[int, dict[str, int]] = {}
    for district_id, state, count in session.execute(_joined(
            select(PollingCentre.district_id, TallySheet.state, func.count(TallySheet.id)).select_from(TallySheet)
            .where(TallySheet.race_id == race.id)).group_by(PollingCentre.district_id, TallySheet.state)):
        by_state.setdefault(district_id, {})[state] = count
    rows = []
    for district_id, row in sorted(expected.items(), key=lambda item: item[1].code):
        states = by_state.get(district_id, {})
        states["not_received"] = states.get("not_received", 0) + row[3] - sum(states.values())
        rows.append({"code": row.code, "name": row.name, "stations": row[3], "states": states})
    return rows


def station_rows(session: Session, race: Race, area=None) -> list[dict]:
    """One row per counted station, for the open-data CSV and JSON: the same figures as the pages."""
    candidates = race.candidates
    rows = []
    for result in results(session, race, "station", area):
        if not result.counted:
            continue
        row = {"station_code": result.code, "station_name": result.name, "registered_voters": result.registered,
               "ballots_cast": result.cast, "valid": result.valid, "invalid": result.invalid}
        row.update({c.code: result.votes.get(c.id, 0) for c in candidates})
        rows.append(row)
    return rows
